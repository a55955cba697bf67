"""The messaging part of the demo: a few believable conversations around the person most people
sign in as (``member``) and the communications person, so Messages is not empty on the first
visit — with a whiteboard photo and a link to a post among them. Made through the product's own
actions, each message at its moment in the past days."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from watercooler.demo import images
from watercooler.demo.context import DemoContext
from watercooler.feed.models import Post
from watercooler.messaging import actions, queries
from watercooler.people.models import User

# (who, minutes before now, text); who is a key of the conversation's cast.
Script = list[tuple[str, int, str]]

TRAVEL: Script = [
    (
        "comms",
        5 * 1440 + 40,
        "Hi {member}! Quick one: did the new travel policy announcement make sense to the Engineering folks?",
    ),
    (
        "member",
        5 * 1440 + 25,
        "Mostly, yes. People asked whether the rail-first rule applies to client visits too.",
    ),
    (
        "comms",
        5 * 1440 + 20,
        "It does, unless the trip is over six hours by train. I'll add that to the FAQ.",
    ),
    ("member", 5 * 1440 + 18, "Perfect, thanks. I'll point them to it at stand-up."),
]
RELEASE: Script = [
    (
        "lead",
        2 * 1440 + 300,
        "Release train for Thursday: anything that must go in, say so by Wednesday noon.",
    ),
    ("member", 2 * 1440 + 290, "The **export fix** is reviewed, just waiting on CI."),
    ("mate", 2 * 1440 + 280, "The flaky checkout test failed twice this morning, I'm on it."),
    ("lead", 2 * 1440 + 275, "Thanks {mate}. If it's not fixed by Wednesday we quarantine it."),
    ("member", 1440 + 60, "CI is green, export fix merged."),
    ("mate", 1440 + 30, "Flaky test fixed: a timezone assumption in the fixture. 🎉"),
    ("lead", 90, "Great work both. Pizza on Thursday after the release?"),
]
ONE_TO_ONE: Script = [
    ("lead", 3 * 1440 + 120, "Can we move our 1:1 to Thursday 10:00? Planning overran."),
    ("member", 3 * 1440 + 100, "Sure, Thursday works."),
    ("member", 3 * 1440 + 95, "I'd like to talk about the mentoring offer on the skills exchange."),
    ("lead", 3 * 1440 + 60, "Good idea, bring a couple of names."),
]
ALL_HANDS: Script = [
    (
        "ceo",
        4 * 1440 + 200,
        "Draft agenda for the all-hands is in the shared folder. 30 minutes max, please.",
    ),
    (
        "comms",
        4 * 1440 + 180,
        "I'll cut the launch recap to five minutes and leave ten for questions.",
    ),
    (
        "admin",
        4 * 1440 + 150,
        "The stream is booked; remote offices get the recording within the hour.",
    ),
    ("ceo", 4 * 1440 + 120, "Thank you both."),
]


def _say(
    ctx: DemoContext,
    person: User,
    conversation_id: int,
    minutes_ago: int,
    text: str,
    uploads: list[tuple[SimpleUploadedFile, str]] | None = None,
) -> None:
    with ctx.at(ctx.now - dt.timedelta(minutes=minutes_ago)):
        seat = queries.access_seat(person, conversation_id)
        actions.do_send_message(actor=person, seat=seat, body=text, uploads=uploads or [])


def _checklist_photo() -> tuple[SimpleUploadedFile, str]:
    photo = images.whiteboard(
        "Release train: Thursday",
        ["Freeze Wed 12:00", "Export fix", "Checkout tests", "Release notes", "Ship"],
        seed="release-checklist",
        notes=["Quarantine flaky tests", "Pizza after!"],
    )
    upload = SimpleUploadedFile("release-checklist.jpg", photo, content_type="image/jpeg")
    return upload, "Whiteboard: the release checklist from freeze on Wednesday to shipping"


def _play(ctx: DemoContext, cast: dict[str, User], script: Script, title: str = "") -> int:
    """Start the conversation and say the script; returns the conversation's id."""
    names = {key: person.username for key, person in cast.items()}
    starter = cast[script[0][0]]
    others = [p.username for key, p in cast.items() if p.pk != starter.pk]
    with ctx.at(ctx.now - dt.timedelta(minutes=script[0][1] + 5)):
        conversation, _ = actions.do_start_conversation(
            actor=starter, usernames=others, title=title or None
        )
    for who, minutes_ago, text in script:
        mentions = {k: f"@{v}" for k, v in names.items()}
        _say(ctx, cast[who], conversation.pk, minutes_ago, text.format(**mentions))
    return conversation.pk


def build(ctx: DemoContext) -> None:
    member, comms = ctx.accounts.get("member"), ctx.accounts.get("comms")
    if member is None or comms is None:
        return
    by_id = {p.pk: p for p in ctx.people}
    lead = by_id.get(ctx.managers.get(member.pk) or 0)
    mates = [by_id[p] for p in ctx.reports().get(lead.pk, []) if p != member.pk] if lead else []
    travel = _play(ctx, {"comms": comms, "member": member}, TRAVEL)
    sent, conversations = len(TRAVEL), 1
    # A link to one of comms' own posts: a card for whoever may see it.
    latest = Post.objects.filter(author=comms, deleted_at__isnull=True).order_by("-pk").first()
    if latest is not None:
        _say(ctx, comms, travel, 5 * 1440 + 10, f"For reference, my post: /posts/{latest.pk}/")
        sent += 1
    if lead is not None:
        _play(ctx, {"lead": lead, "member": member}, ONE_TO_ONE)
        sent, conversations = sent + len(ONE_TO_ONE), conversations + 1
        if mates:
            mate = ctx.rng.choice(mates)
            cast = {"lead": lead, "member": member, "mate": mate}
            release = _play(ctx, cast, RELEASE, "Release train")
            photo = [_checklist_photo()] if ctx.photos else []
            _say(ctx, mate, release, 45, "Checklist from this morning 👇", photo)
            sent, conversations = sent + len(RELEASE) + 1, conversations + 1
    ceo, admin = ctx.accounts.get("ceo"), ctx.accounts.get("admin")
    if ceo is not None and admin is not None and len({ceo.pk, admin.pk, comms.pk}) == 3:
        _play(ctx, {"ceo": ceo, "comms": comms, "admin": admin}, ALL_HANDS, "All-hands prep")
        sent, conversations = sent + len(ALL_HANDS), conversations + 1
    ctx.notes.append(
        f"Messages: {conversations} conversations, {sent} messages: sign in as {member.username} "
        "and open Messages."
    )
