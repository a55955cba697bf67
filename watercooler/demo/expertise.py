"""Expertise a visitor can find: who knows about pricing, forklift safety and the order
pipeline, and the skills exchange in every state.

For each of the three subjects one colleague is the obvious expert, with the evidence the people
finder reads: the declared skill, an accepted answer to a colleague's question, posts in the
subject's topic and an event they ran or will run. Around them the exchange holds offers (two
of them mentoring, with applications accepted, waiting and declined) and requests that are open,
matched, done (with thanks both ways) and withdrawn. The ``member`` account has an open request
with suggested helpers, a mentoring application waiting, and a #pricing question of its own
still unanswered after three hours, so its page suggests experts to ask.

Everything goes through the actions at the story's moments (``ctx.at``): a few dozen writes.
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from watercooler.demo.context import DemoContext
from watercooler.events.actions import create_event
from watercooler.events.models import Event
from watercooler.feed.actions import create_post, do_create_reply
from watercooler.feed.models import Post, PostKind
from watercooler.people.models import Role, Skill, User
from watercooler.questions.actions import do_accept_answer
from watercooler.skills import actions as skills

# subject -> (skill to look for, skill to declare besides, topic). The pricing expert has
# "Pricing strategy" among their skills already.
SUBJECTS = {
    "pricing": ("Pricing", "", "pricing"),
    "forklift": ("Forklift", "Forklift safety", "forkliftsafety"),
    "pipeline": ("Observability", "Order pipeline", "orderpipeline"),
}

QUESTIONS = {
    "pricing": (
        "How should we price the Trailhead 3.0 bundles for the launch weekend? Pack plus rain"
        " cover at full price feels steep next to the old line. #pricing",
        "Bundle pricing works best at about 12% under the two items bought apart: enough to"
        " feel like a deal, and it keeps the pack's own price band intact. I put the numbers"
        " for each store tier in the pricing sheet.",
    ),
    "forklift": (
        "Forklift safety question: do our licences need renewing every year, or only when the"
        " truck type changes? Two of us in Goods In are due soon. #forkliftsafety",
        "Every three years for the licence itself, but forklift safety refreshers are yearly"
        " here, and any new truck type needs a familiarisation session first. Book the"
        " refresher before your licence lapses and I will sign you off.",
    ),
    "pipeline": (
        "Why do some web orders sit in the order pipeline overnight before they reach the"
        " warehouse? Customers are asking. #orderpipeline",
        "The order pipeline batches payments that need a second check after 22:00 and"
        " releases them at 06:00. We are moving that check to run every 15 minutes; until"
        " then, orders flagged for review show as 'processing' on the tracking page.",
    ),
}

POSTS = {
    "pricing": (
        "Pricing update: the spring range moves to the new price bands on Monday. Stores get"
        " the shelf labels on Friday. #pricing",
        "A reminder on markdown pricing: never more than two steps in a season, and always"
        " from the band's top price. #pricing",
        "Competitor pricing check for the Trailhead line is in: we sit mid-band everywhere"
        " except Berlin. #pricing",
    ),
    "forklift": (
        "Forklift safety: pre-shift checks every time. Horn, brakes, forks, chains, tyres,"
        " and the seat belt. Takes two minutes. #forkliftsafety",
        "Near miss in aisle 14 yesterday: a pedestrian behind a reversing forklift. Walkways"
        " are painted green for a reason. Forklift safety is everyone's job. #forkliftsafety",
    ),
    "pipeline": (
        "Order pipeline: payment review now runs every 15 minutes instead of overnight."
        " Orders reach the warehouse about nine hours sooner. #orderpipeline",
        "Wrote up how an order moves through the order pipeline, from checkout to the"
        " warehouse scanner, with the dashboards to watch at each step. #orderpipeline",
    ),
}

EVENTS = {
    "pricing": ("Pricing clinic: how our price bands work", 9, "Bring a pricing question."),
    "forklift": ("Forklift safety refresher", -12, "Yearly refresher, with a practical test."),
    "pipeline": ("Order pipeline deep dive", 5, "From checkout to the warehouse scanner."),
}

# (skill, description, time, mode, mentoring places or None)
OFFERS: Sequence[tuple[str, str, str, str, int | None]] = (
    ("Excel pivot tables", "Thirty minutes and you will build your own pivot report.",
     "30 minutes a week", "remote", None),
    ("Public speaking", "I coach people for all-hands demos and store openings.",
     "An hour every two weeks", "either", 2),
    ("Python for analysts", "From spreadsheets to scripts: pandas, notebooks, clean data.",
     "An hour a week", "remote", None),
    ("Visual merchandising", "Window and wall layouts that sell; I can come to your store.",
     "Half a day a month", "in_person", None),
    ("Spanish conversation", "Native speaker, happy to practise customer calls.",
     "Lunchtimes", "remote", None),
    ("Product photography", "Light, backgrounds and phone settings for product shots.",
     "An afternoon", "in_person", None),
    ("SQL basics", "Your first queries against the sales warehouse.", "An hour a week",
     "remote", None),
)  # fmt: skip

# (skill, description, days until needed, final state)
REQUESTS: Sequence[tuple[str, str, int, str]] = (
    ("SQL query for returns by region", "I need returns per region per week for the review.",
     10, "open"),
    ("Product photos for the new packs", "Twelve packs, white background, this month.", 20,
     "matched"),
    ("Spanish for customer calls", "We get more calls from Spain since the launch.", 30,
     "done"),
    ("Python script to clean supplier files", "The supplier CSVs arrive in six formats.",
     14, "matched"),
    ("Public speaking for the all-hands demo", "Five minutes on stage in two weeks.", 12,
     "withdrawn"),
    ("Visual merchandising for the Trailhead wall", "Our wall looks flat next to the plan.",
     8, "open"),
)  # fmt: skip


def _people_with(skill: str, exclude: set[int]) -> list[User]:
    found = User.objects.filter(
        skills__name__icontains=skill, is_active=True, role=Role.MEMBER
    ).exclude(pk__in=exclude)
    return list(found.order_by("pk").distinct()[:20])


def _pick(ctx: DemoContext, candidates: Sequence[User], pool: Sequence[User]) -> User:
    return ctx.rng.choice(list(candidates) or list(pool))


def build(ctx: DemoContext) -> None:
    if "member" not in ctx.accounts:
        return
    members = [u for u in ctx.people if u.is_active and u.role == Role.MEMBER]
    member = ctx.accounts["member"]
    used: set[int] = {member.pk}
    experts: dict[str, User] = {}
    for subject, (look_for, declare, topic) in SUBJECTS.items():
        expert = _pick(ctx, _people_with(look_for, used), members)
        used.add(expert.pk)
        experts[subject] = expert
        if declare:
            expert.skills.add(Skill.objects.get_or_create(name=declare)[0])
        _content(ctx, subject, expert, [m for m in members if m.pk not in used], topic)
    _unanswered_question(ctx, member)
    _exchange(ctx, members, member, experts["forklift"])
    ctx.notes.append(
        "Expertise: ask who knows about pricing, forklift safety or the order pipeline"
        f" (search's Experts tab): {experts['pricing'].display_name},"
        f" {experts['forklift'].display_name} and {experts['pipeline'].display_name}."
    )


def _content(
    ctx: DemoContext, subject: str, expert: User, others: Sequence[User], topic: str
) -> None:
    asker, second = ctx.rng.sample(list(others), 2)
    asked = ctx.now - dt.timedelta(days=ctx.rng.randint(18, 40), hours=ctx.rng.randint(1, 8))
    question_text, answer_text = QUESTIONS[subject]
    with ctx.at(asked):
        question = create_post(asker, body=question_text, kind=PostKind.QUESTION)
    with ctx.at(asked + dt.timedelta(minutes=50)):
        do_create_reply(
            author=second, post=question, body="Following: I have been wondering the same."
        )
    with ctx.at(asked + dt.timedelta(hours=2)):
        answer = do_create_reply(author=expert, post=question, body=answer_text)
    with ctx.at(asked + dt.timedelta(hours=3)):
        do_accept_answer(actor=asker, post=question, reply=answer)
    for n, body in enumerate(POSTS[subject]):
        with ctx.at(ctx.now - dt.timedelta(days=3 + 9 * n, hours=ctx.rng.randint(1, 6))):
            create_post(expert, body=body)
    with ctx.at(ctx.now - dt.timedelta(days=6)):
        create_post(second, body=f"Good read on #{topic} from {expert.display_name} this week.")
    title, in_days, description = EVENTS[subject]
    # At 11:00 where the expert works, as the calendar's events are.
    zone_name = expert.location.timezone if expert.location else "UTC"
    zone = zoneinfo.ZoneInfo(zone_name)
    day = (ctx.now + dt.timedelta(days=in_days)).astimezone(zone).date()
    starts = dt.datetime.combine(day, dt.time(11), tzinfo=zone)
    with ctx.at(min(ctx.now, starts) - dt.timedelta(days=14)):
        event = create_event(
            expert,
            title=title,
            starts_at=starts.isoformat(),
            ends_at=(starts + dt.timedelta(hours=1)).isoformat(),
            timezone_name=zone_name,
            location="Online",
            description=description,
        )
    if starts <= ctx.now:
        # Held already: its reminder went out, as the reminder task would have sent it.
        Event.objects.filter(pk=event.pk).update(reminded_at=starts - dt.timedelta(hours=1))


def _unanswered_question(ctx: DemoContext, member: User) -> Post:
    with ctx.at(ctx.now - dt.timedelta(hours=3)):
        return create_post(
            member,
            body="How does staff discount pricing work for online orders? The checkout"
            " seems to apply it twice. #pricing",
            kind=PostKind.QUESTION,
        )


def _exchange(ctx: DemoContext, members: Sequence[User], member: User, forklift: User) -> None:
    pool = [m for m in members if m.pk not in (member.pk, forklift.pk)]
    offerers = ctx.rng.sample(pool, len(OFFERS))
    offers = {}
    for n, ((skill, description, time, mode, places), person) in enumerate(
        zip(OFFERS, offerers, strict=True)
    ):
        with ctx.at(ctx.now - dt.timedelta(days=30 - 3 * n)):
            data = skills.check_offer_input(
                actor=person,
                data={
                    "skill": skill,
                    "description": description,
                    "time_commitment": time,
                    "mode": mode,
                    "is_mentoring": places is not None,
                    "places": places,
                },
            )
            offers[skill] = skills.do_create_offer(actor=person, data=data)
    with ctx.at(ctx.now - dt.timedelta(days=40)):
        forklift_offer = skills.do_create_offer(
            actor=forklift,
            data=skills.check_offer_input(
                actor=forklift,
                data={
                    "skill": "Forklift safety coaching",
                    "description": "Practice sessions before your forklift test, in the warehouse.",
                    "time_commitment": "Two hours",
                    "mode": "in_person",
                    "location": forklift.location.name if forklift.location else "",
                    "is_mentoring": True,
                    "places": 3,
                },
            ),
        )
    # Mentoring: accepted, waiting (the member's own) and declined applications.
    speaking = offers["Public speaking"]
    applicants = ctx.rng.sample([p for p in pool if p.pk != speaking.person_id], 3)
    with ctx.at(ctx.now - dt.timedelta(days=12)):
        accepted = skills.do_apply(actor=applicants[0], offer=speaking, message="Store opening!")
        declined = skills.do_apply(actor=applicants[1], offer=forklift_offer, message="Keen")
        taken = skills.do_apply(actor=applicants[2], offer=forklift_offer, message="Test in May")
    with ctx.at(ctx.now - dt.timedelta(days=11)):
        skills.do_decide(actor=speaking.person, application=accepted, accept=True)
        skills.do_decide(actor=forklift, application=taken, accept=True)
        skills.do_decide(actor=forklift, application=declined, accept=False)
    with ctx.at(ctx.now - dt.timedelta(days=2)):
        skills.do_apply(actor=member, offer=speaking, message="I present at the next all-hands.")
    # The member's open request, which the Excel offer fits.
    with ctx.at(ctx.now - dt.timedelta(days=1, hours=4)):
        skills.do_create_request(
            actor=member,
            data=skills.check_request_input(
                actor=member,
                data={
                    "skill": "Excel pivot tables for the store report",
                    "description": "The weekly report takes me a morning; a pivot should fix it.",
                    "needed_by": (ctx.now + dt.timedelta(days=7)).date().isoformat(),
                    "mode": "remote",
                },
            ),
        )
    # A new associate's forklift certification, helped by the forklift expert and thanked.
    _request_through(
        ctx,
        ctx.rng.choice(pool),
        (
            "Forklift safety certification",
            "New in Goods In; my test is in three weeks.",
            21,
            "done",
        ),
        forklift,
    )
    askers = ctx.rng.sample(pool, len(REQUESTS))
    for spec, asker in zip(REQUESTS, askers, strict=True):
        helper = next((o.person for s, o in offers.items() if s.split()[0] in spec[0]), None)
        if helper is None or helper.pk == asker.pk:
            helper = ctx.rng.choice([p for p in pool if p.pk != asker.pk])
        _request_through(ctx, asker, spec, helper)


def _request_through(
    ctx: DemoContext, asker: User, spec: tuple[str, str, int, str], helper: User
) -> None:
    skill, description, days, state = spec
    start = ctx.now - dt.timedelta(days=ctx.rng.randint(6, 25))
    with ctx.at(start):
        request = skills.do_create_request(
            actor=asker,
            data=skills.check_request_input(
                actor=asker,
                data={
                    "skill": skill,
                    "description": description,
                    "needed_by": (ctx.now + dt.timedelta(days=days)).date().isoformat(),
                },
            ),
        )
    if state == "withdrawn":
        with ctx.at(start + dt.timedelta(days=2)):
            skills.do_withdraw_request(actor=asker, request=request)
        return
    if state == "open":
        return
    with ctx.at(start + dt.timedelta(days=1)):
        request = skills.do_match_request(actor=asker, request=request, username=helper.username)
    if state == "matched":
        return
    with ctx.at(start + dt.timedelta(days=4)):
        request = skills.do_complete_request(actor=helper, request=request)
    with ctx.at(start + dt.timedelta(days=4, hours=2)):
        skills.do_thank(
            actor=asker,
            username=helper.username,
            request=request,
            message=f"Thank you for the help with {skill.lower()}: it made all the difference.",
        )
        skills.do_thank(
            actor=helper,
            username=asker.username,
            request=request,
            message="A pleasure, and good questions throughout.",
        )
