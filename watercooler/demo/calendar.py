"""The events part of the demo: two months behind and six weeks ahead of company life.

(It is ``calendar.py``, not ``events.py``: that name is where each app keeps its realtime event
types, and core imports every app's ``events`` module at start-up.)

Company-wide events (town halls, the launch party, lunch-and-learns, a cancelled open day) and
community ones (a store manager training that is full with people waiting, trail runs, photo
walks, a repair café, the secret projects' meetings, which only their members see and answer).
Each is set in its organiser's time zone at a sensible local hour (weekend runs on weekends,
meetings on working days). RSVPs come from the people who may see the event; over capacity,
"going" answers wait on the list in the order they came, and past events keep their answers
and the attendance the organiser recorded.

What goes through the actions and what is written in bulk:

* The events themselves (about thirty) are planned in memory, then created through
  ``events.actions.create_event``, each at the moment it was announced (``ctx.at``), and the
  cancelled one is cancelled through ``do_cancel_event``: the product's rules on titles, times,
  places, capacities and who may plan a community's event hold, and each gets its reminder
  scheduled as any other would.
* Their answers are written in bulk (about a thousand RSVPs at 300 people, and many more for the
  benchmarks' organisation): ``do_rsvp`` per answer would add seconds to the build. The answers
  follow the action's rules by construction, and ``going_count`` (confirmed), ``maybe_count``
  and ``waitlist_count`` are computed from the very RSVP rows written, the way
  ``events.actions`` keeps them, as is ``reminded_at`` of the events already held.

Long on purpose: a calendar's texts and its building in one place.
"""

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from watercooler.demo.context import DemoContext
from watercooler.demo.people_data import LOCATIONS
from watercooler.events.actions import create_event, do_cancel_event
from watercooler.events.models import Event, Rsvp, RsvpStatus
from watercooler.people.models import Role, User

BATCH = 2000
OUTDOORS = {spec.name: spec.outdoors for spec in LOCATIONS}
STORES = {spec.name: spec.stores for spec in LOCATIONS}
MEET = "https://meet.fernwick.example/"


@dataclass(frozen=True)
class EventSpec:
    title: str
    # Days from today (negative: past); moved to a weekend or a working day as ``weekend`` says.
    offset: int
    # Local start time in the organiser's zone, and length in hours.
    hour: float
    hours: float
    description: str
    community: str | None = None
    # Who organises: "comms", "ceo", "head:<department>", "owner" or "moderator".
    organiser: str = "owner"
    place: str = ""
    online: str = ""
    capacity: int | None = None
    # Share of those who may see it who answer.
    answer_share: float = 0.5
    # Over-subscribed: more people say "going" than there are places.
    full: bool = False
    weekend: bool = False
    # A fixed day of the week (0 is Monday), for "Sunday long run" and "Friday breakfast".
    weekday: int | None = None
    cancelled: bool = False


SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "Town hall: the quarter in review",
        -52,
        16,
        1,
        "Results of the quarter, the stores we open next year and your questions. Add "
        "questions in advance in the town hall topic.",
        organiser="comms",
        place="London HQ, atrium",
        online="town-hall",
        answer_share=0.35,
    ),
    EventSpec(
        "Lunch and learn: spotting phishing",
        -30,
        12.5,
        0.75,
        "Twenty minutes on how the latest phishing e-mails look, then questions. Recorded.",
        organiser="head:IT",
        online="lunch-and-learn",
        answer_share=0.2,
    ),
    EventSpec(
        "Town hall: customers first",
        -24,
        16,
        1,
        "The CEO and the support team on what customers told us this year.",
        organiser="comms",
        place="London HQ, atrium",
        online="town-hall",
        answer_share=0.35,
    ),
    EventSpec(
        "Benefits open Q&A",
        5,
        14,
        1,
        "Everything about the benefits window: pensions, health cover, cycle to work.",
        organiser="head:People",
        online="benefits",
        answer_share=0.15,
    ),
    EventSpec(
        "Lunchtime yoga",
        3,
        12.5,
        0.75,
        "Gentle yoga for all levels. Mats provided; wear something comfortable.",
        organiser="head:People",
        place="London HQ, big meeting room",
        capacity=16,
        answer_share=0.12,
        full=True,
    ),
    EventSpec(
        "Town hall: plans for next year",
        12,
        16,
        1,
        "Next year's plan and your questions. In the atrium and online for every time zone "
        "(recorded for those asleep).",
        organiser="comms",
        place="London HQ, atrium",
        online="town-hall",
        answer_share=0.3,
    ),
    EventSpec(
        "New joiners' welcome breakfast",
        19,
        9,
        1.5,
        "Meet the leadership team and other new joiners over breakfast.",
        organiser="head:People",
        place="London HQ, kitchen",
        capacity=30,
        answer_share=0.08,
    ),
    EventSpec(
        "Distribution centre open day",
        26,
        10,
        4,
        "Tours of the Austin distribution centre for anyone curious where orders go. "
        "Postponed: the new packing line is installed that week.",
        organiser="head:Operations",
        place="Austin distribution centre",
        capacity=40,
        answer_share=0.05,
        cancelled=True,
    ),
    EventSpec(
        "Customer care all-hands (APAC-friendly time)",
        -20,
        8,
        1,
        "Quarterly all-hands for the whole customer care team, at a time that suits "
        "Bangalore, Singapore and Sydney. The same agenda runs again for the Americas.",
        community="customer-care",
        online="care-all-hands",
        answer_share=0.6,
    ),
    EventSpec(
        "Customer care all-hands (Americas-friendly time)",
        9,
        17,
        1,
        "The same agenda as the APAC session, for Austin, São Paulo and Lisbon evenings.",
        community="customer-care",
        online="care-all-hands",
        answer_share=0.55,
    ),
    EventSpec(
        "Store manager training: hiring seasonal staff",
        -15,
        10,
        3,
        "Interview questions that work, onboarding in a week, and the new contracts.",
        community="store-managers",
        online="store-training",
        capacity=10,
        answer_share=0.9,
    ),
    EventSpec(
        "Store manager training: winter visual merchandising",
        16,
        10,
        4,
        "Hands-on session on the winter windows and floor layout, with the visual "
        "merchandising team. Places are limited: the waitlist moves up if someone cancels.",
        community="store-managers",
        organiser="moderator",
        place="London HQ, training room",
        capacity=6,
        answer_share=0.95,
        full=True,
    ),
    EventSpec(
        "Retail EMEA quarterly call",
        -40,
        9,
        1,
        "Results by store, the new rota and questions from the floor.",
        community="retail-emea",
        online="retail-emea",
        answer_share=0.4,
    ),
    EventSpec(
        "Retail Americas store walk",
        21,
        9,
        2,
        "Walk the floor together before opening and swap what works.",
        community="retail-americas",
        place="Flagship store, before opening",
        capacity=20,
        answer_share=0.3,
    ),
    EventSpec(
        "Friday breakfast",
        4,
        8.5,
        1,
        "Breakfast for the whole office, third floor. Bring your own mug.",
        community="berlin-office",
        place="Berlin office, third floor",
        answer_share=0.4,
        weekday=4,
    ),
    EventSpec(
        "Quiz night",
        -10,
        18,
        2.5,
        "Teams of up to six, mixed departments. Prizes from the stores.",
        community="london-hq",
        place="London HQ, atrium",
        capacity=60,
        answer_share=0.4,
    ),
    EventSpec(
        "IT drop-in: bring your laptop",
        2,
        13,
        2,
        "The service desk in person: slow laptops, printers, sign-in trouble.",
        community="ask-it",
        organiser="moderator",
        place="Service desk corner",
        answer_share=0.08,
    ),
    EventSpec(
        "SQL clinic",
        -27,
        15,
        1,
        "Bring a query you are stuck on. This time: window functions.",
        community="data-guild",
        online="sql-clinic",
        answer_share=0.5,
    ),
    EventSpec(
        "Dashboard show and tell",
        13,
        15,
        1,
        "Five minutes each: a dashboard you are proud of and what it changed.",
        community="data-guild",
        online="show-and-tell",
        answer_share=0.45,
    ),
    EventSpec(
        "Sunday long run",
        -13,
        8,
        3,
        "18 km at an easy pace, with a coffee stop. Trail shoes recommended.",
        community="trail-runners",
        place="{outdoors}",
        capacity=12,
        answer_share=0.55,
        full=True,
        weekend=True,
        weekday=6,
    ),
    EventSpec(
        "Sunrise trail run",
        6,
        6.5,
        2,
        "Up for sunrise, back for breakfast. Head torches for the first part.",
        community="trail-runners",
        organiser="moderator",
        place="{outdoors}",
        capacity=10,
        answer_share=0.6,
        full=True,
        weekend=True,
    ),
    EventSpec(
        "Photo walk at golden hour",
        -34,
        17,
        2,
        "An easy walk with cameras (or phones). We finish with the best light.",
        community="photography",
        place="{city}, meeting at the office entrance",
        capacity=20,
        answer_share=0.5,
        weekend=True,
    ),
    EventSpec(
        "Photo walk: street art",
        11,
        10,
        2.5,
        "Street art and markets, with our campaign photographer giving tips.",
        community="photography",
        place="{city}, meeting at the office entrance",
        capacity=15,
        answer_share=0.5,
        weekend=True,
    ),
    EventSpec(
        "Clean-up walk",
        -45,
        10,
        3,
        "Gloves, bags and litter pickers provided. Lunch afterwards.",
        community="sustainability-champions",
        place="{outdoors}",
        answer_share=0.5,
        weekend=True,
    ),
    EventSpec(
        "Repair café",
        17,
        11,
        4,
        "Bring a torn jacket or a broken zip: our repair technicians show you how to fix it.",
        community="sustainability-champions",
        place="{store} store, repair bench",
        capacity=25,
        answer_share=0.45,
        weekend=True,
    ),
    EventSpec(
        "Parents' coffee chat",
        -8,
        12,
        0.75,
        "An informal half hour: school holidays, childcare, flexible hours.",
        community="parents",
        online="parents",
        answer_share=0.5,
    ),
    EventSpec(
        "Bring your kids to work day",
        30,
        10,
        5,
        "Kids welcome in every office and store: a treasure hunt, tent pitching and lunch.",
        community="parents",
        place="Every office and store",
        answer_share=0.6,
    ),
    EventSpec(
        "Summit steering committee",
        -6,
        14,
        1.5,
        "Go/no-go criteria for the cutover, budget and risks.",
        community="project-summit",
        online="summit",
        answer_share=0.9,
    ),
    EventSpec(
        "Summit cutover rehearsal 3",
        8,
        9,
        8,
        "Full rehearsal of the cutover weekend: stock, finance and store tills.",
        community="project-summit",
        organiser="moderator",
        online="summit",
        answer_share=0.85,
    ),
    EventSpec(
        "Offsite venue visit",
        22,
        10,
        6,
        "Visit of the two shortlisted lodges. Transport from the office at 8.",
        community="leadership-offsite",
        place="Lake District",
        answer_share=0.8,
    ),
)


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.now = ctx.now
        self.people = [u for u in ctx.people if u.is_active and u.role != Role.GUEST]
        self.by_pk = {u.pk: u for u in ctx.people}
        self.locations = {loc.pk: loc for loc in ctx.locations.values()}
        departments = {d.pk: name for name, d in ctx.departments.items()}
        ceo = ctx.accounts["ceo"]
        self.heads = {
            departments.get(u.department_id or 0, ""): u
            for u in self.people
            if ctx.managers.get(u.pk) == ceo.pk
        }
        self.communities = ctx.extra.get("communities.communities", {})
        self.members: dict[str, dict[int, dt.datetime]] = ctx.extra.get("communities.members", {})
        self.moderators: dict[str, list[int]] = ctx.extra.get("communities.moderators", {})

    def organiser(self, spec: EventSpec) -> User:
        accounts = self.ctx.accounts
        if spec.organiser == "comms":
            return accounts.get("comms") or accounts["ceo"]
        if spec.organiser.startswith("head:"):
            return self.heads.get(spec.organiser[5:], accounts["ceo"])
        staff = self.moderators.get(spec.community or "", [])
        if spec.organiser == "moderator" and len(staff) > 1:
            return self.by_pk[self.rng.choice(staff[1:])]
        return self.by_pk[staff[0]] if staff else accounts["ceo"]

    def city(self, user: User) -> tuple[str, str]:
        location = self.locations.get(user.location_id or 0)
        return (location.name, location.timezone) if location else ("London", "Europe/London")

    def start(self, spec: EventSpec, tz: zoneinfo.ZoneInfo) -> dt.datetime:
        day = self.now.astimezone(tz).date() + dt.timedelta(days=spec.offset)
        if spec.weekday is not None:
            while day.weekday() != spec.weekday:
                day += dt.timedelta(days=1)
        elif spec.weekend:
            while day.weekday() < 5:
                day += dt.timedelta(days=1)
        else:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
        hour, minutes = int(spec.hour), round((spec.hour % 1) * 60)
        local = dt.datetime.combine(day, dt.time(hour, minutes), tzinfo=tz)
        return local.astimezone(dt.UTC)

    def audience(self, spec: EventSpec, created: dt.datetime) -> list[int]:
        """Who may see the event and answer it: members (those who had joined) for a community
        event, every employee for a company-wide one."""
        if spec.community is None:
            return [u.pk for u in self.people if u.date_joined <= created]
        return sorted(
            pk for pk, joined in self.members[spec.community].items() if joined <= created
        )

    def build(self) -> tuple[list[Event], list[Rsvp]]:
        rng = self.rng
        events: list[Event] = []
        answers: list[Rsvp] = []
        launch = self.ctx.extra.get("feed.events", {}).get("launch")
        specs = list(SPECS)
        if launch is not None:
            specs.append(
                EventSpec(
                    "Trailhead 3.0 launch party",
                    (launch[1] - self.now.date()).days,
                    17.5,
                    2.5,
                    "Thank you for a huge launch week! Drinks on the roof terrace and online "
                    "for every office.",
                    organiser="head:Product",
                    place="London HQ, roof terrace",
                    online="launch-party",
                    answer_share=0.3,
                )
            )
        for spec in specs:
            if spec.community is not None and spec.community not in self.communities:
                continue
            organiser = self.organiser(spec)
            city, tz_name = self.city(organiser)
            tz = zoneinfo.ZoneInfo(tz_name)
            starts = self.start(spec, tz)
            created = starts - dt.timedelta(days=rng.randint(7, 28))
            if created > self.now - dt.timedelta(days=1):
                # Announced a while ago, so people have had time to answer.
                created = self.now - dt.timedelta(days=rng.uniform(1, 20))
            created = max(created, organiser.date_joined)
            stores = STORES.get(city) or ("Covent Garden",)
            place = spec.place.format(
                outdoors=OUTDOORS.get(city, "the hills"), city=city, store=rng.choice(stores)
            )
            event = Event(
                title=spec.title,
                description=spec.description,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=spec.hours),
                timezone=tz_name,
                location=place,
                online_url=MEET + spec.online if spec.online else "",
                capacity=spec.capacity,
                community=self.communities.get(spec.community) if spec.community else None,
                organiser=organiser,
                created_at=created,
                updated_at=created,
            )
            if starts <= self.now:
                event.reminded_at = starts - dt.timedelta(hours=1)
            if spec.cancelled:
                event.cancelled_at = min(created + dt.timedelta(days=rng.randint(2, 6)), self.now)
                event.updated_at = event.cancelled_at
                event.sequence = 1
            rsvps = self.answers(spec, event, organiser)
            if created >= starts:
                # The organiser joined after it took place, so nobody announced it (the action
                # refuses an event that has started). Skipped only now: it drew its place
                # like any other and nothing for answers, so the other events stay the same.
                continue
            events.append(event)
            answers.extend(rsvps)
        return events, answers

    def answers(self, spec: EventSpec, event: Event, organiser: User) -> list[Rsvp]:
        """RSVPs in the order they came; confirmed "going" up to the capacity, then the list."""
        rng = self.rng
        until = min(event.starts_at, self.now, event.cancelled_at or self.now)
        if event.created_at >= until:
            return []
        audience = [pk for pk in self.audience(spec, event.created_at) if pk != organiser.pk]
        count = min(len(audience), round(len(audience) * spec.answer_share))
        if spec.full and event.capacity is not None:
            # Over-subscribed whatever the organisation's size: a small company's run has
            # fewer places, and enough people answer to fill them and wait for more.
            event.capacity = min(event.capacity, max(3, len(audience) // 3))
            count = min(len(audience), max(count, round(event.capacity * 1.8)))
        people = rng.sample(audience, count)
        wanted = self.wanted(spec, audience)
        people = [*wanted, *(pk for pk in people if pk not in wanted)]
        times = sorted(
            event.created_at + (until - event.created_at) * rng.random() ** 1.5 for _ in people
        )
        # Accounts the demo shows come late, so a full event puts them on the waitlist.
        people.sort(key=lambda pk: pk in wanted)
        # How many say "going": over the capacity when the event is over-subscribed.
        going = len(people) * 0.6
        if event.capacity is not None:
            going = event.capacity * (rng.uniform(1.2, 1.6) if spec.full else rng.uniform(0.4, 0.8))
        going_left = round(going) - 1  # the organiser goes
        rsvps = [Rsvp(event=event, user_id=organiser.pk, status=RsvpStatus.GOING)]
        rsvps[0].responded_at = event.created_at
        order = list(range(len(people)))
        rng.shuffle(order)
        goers = {people[i] for i in order[: max(0, going_left)]} | set(wanted)
        for pk, at in zip(people, times, strict=True):
            if pk in goers:
                status = RsvpStatus.GOING
            elif rng.random() < 0.6:
                status = RsvpStatus.MAYBE
            else:
                status = RsvpStatus.NOT_GOING
            rsvps.append(Rsvp(event=event, user_id=pk, status=status, responded_at=at))
        confirmed = 0
        for rsvp in rsvps:
            if rsvp.status != RsvpStatus.GOING:
                continue
            if event.capacity is not None and confirmed >= event.capacity:
                rsvp.waitlisted_at = rsvp.responded_at
            else:
                confirmed += 1
                if event.starts_at <= self.now and not spec.cancelled:
                    # The organiser recorded who came; most did.
                    rsvp.attended = rng.random() < 0.85
        event.going_count = confirmed
        event.waitlist_count = sum(1 for r in rsvps if r.waitlisted_at is not None)
        event.maybe_count = sum(1 for r in rsvps if r.status == RsvpStatus.MAYBE)
        return rsvps

    def wanted(self, spec: EventSpec, audience: list[int]) -> list[int]:
        """Demo accounts that answer "going" here, so signing in as them shows something: the
        member is going to the town halls and waiting for a place on the sunrise run, the guest
        is going to the photo walk, the administrator to the cutover rehearsal."""
        accounts = self.ctx.accounts
        keys = {
            "Town hall: plans for next year": ("member", "admin"),
            "Sunrise trail run": ("member",),
            "Photo walk: street art": ("guest", "member"),
            "Summit cutover rehearsal 3": ("admin",),
            "Quiz night": ("member", "comms"),
        }.get(spec.title, ())
        allowed = set(audience)
        return [accounts[key].pk for key in keys if key in accounts and accounts[key].pk in allowed]


def build(ctx: DemoContext) -> None:
    """Company-wide and community events with RSVPs, waitlists and attendance."""
    builder = _Builder(ctx)
    if not builder.people:
        return
    events, rsvps = builder.build()
    for event in events:
        _create(ctx, event)
    Event.objects.bulk_update(
        events, ["going_count", "maybe_count", "waitlist_count", "reminded_at"], batch_size=BATCH
    )
    for rsvp in rsvps:
        rsvp.event_id = rsvp.event.pk
    Rsvp.objects.bulk_create(rsvps, batch_size=BATCH)
    upcoming = sum(1 for e in events if e.starts_at > ctx.now and e.cancelled_at is None)
    ctx.notes.append(
        f"Events: {len(events)} ({upcoming} upcoming, "
        f"{sum(1 for e in events if e.community_id)} in communities), {len(rsvps)} answers, "
        f"{sum(e.waitlist_count for e in events)} people on waitlists."
    )


def _create(ctx: DemoContext, plan: Event) -> None:
    """Create the planned event through the actions, as its organiser at the moment it was
    announced (and cancel it the same way if the plan says so); ``plan`` gets the row's id."""
    with ctx.at(plan.created_at):
        event = create_event(
            plan.organiser,
            title=plan.title,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            timezone_name=plan.timezone,
            location=plan.location,
            online_url=plan.online_url,
            capacity=plan.capacity,
            community_handle=plan.community.handle if plan.community is not None else None,
            description=plan.description,
        )
    if plan.cancelled_at is not None:
        with ctx.at(plan.cancelled_at):
            do_cancel_event(actor=plan.organiser, event=event)
    plan.pk = event.pk
