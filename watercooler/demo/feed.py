"""The feed part of the demo: six months of conversation with a shape analytics can find.

Who talks to whom follows the organisation: most replies, reactions, mentions and poll votes
stay within a person's team (same manager, their manager, their reports) and department; a few
*connectors* (team leads in Product, Customer Support and People, plus a couple of individual
contributors) work across departments; about a third of people are lurkers who rarely post.
Posting activity is heavy-tailed, follows each person's working week in their own time zone,
and bursts around two events (a product launch week and a company offsite).

Nothing here goes through the actions: everything is generated in memory first, then written
with ``bulk_create`` in batches. It is the demo's volume: at 300 people about 2,800 posts,
3,800 replies and 25,000 reactions, where the actions cost about 2 ms of CPU per post, 6 per
reply and 7 per reaction (notifications included): minutes, against about 5 seconds here. So the
rules hold by construction instead: the denormalised counters (reply and reaction counts,
reaction summaries, last activity, topic and poll counts, announcement counts) are computed from
the very rows written, and bodies are rendered by the app's own Markdown renderer with the
feed's links, once per distinct text. The member's notifications are written the same way, from
the threads that would have made them.

The two announcements are written in bulk too, with their receipts: their point is ten days of
reading by the whole company (who saw and acknowledged it, and when), history the actions
cannot write after the fact. Unlike the action's, their audience includes their author.

Long on purpose: one organisation-shaped conversation, its plan and its bulk writing in one place.
"""

import datetime as dt
import math
import random
import zoneinfo
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.core.markdown import render_markdown
from watercooler.demo import feed_text as text
from watercooler.demo.context import DemoContext
from watercooler.demo.people_data import LOCATIONS
from watercooler.feed.actions import mention_url, topic_url
from watercooler.feed.models import (
    Mention,
    PersonFollow,
    PollOption,
    PollVote,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Reply,
    Topic,
    TopicFollow,
)
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import Role, User

HISTORY_DAYS = 182
# A reply's text appears in at most this many threads (across the feed and communities).
MAX_REPLY_THREADS = 3
BATCH = 2000
# Posts per person up to this many people; past it volume grows with the square root, which
# keeps ``--people 10000`` (the benchmark organisation) loading in seconds.
LINEAR_UP_TO = 300
POSTS_PER_PERSON = 10
CONNECTOR_SHARE = 0.03
LURKER_SHARE = 0.3
QUESTION_SHARE = 0.15
POLL_SHARE = 0.02
# Where a person's partner in an interaction comes from (cumulative: team, department).
LOCAL = (0.55, 0.85)
CONNECTOR_LOCAL = (0.15, 0.35)
# Of the interactions that leave the department, the share that goes to a connector.
CROSS_TO_CONNECTOR = 0.3
CONNECTOR_DEPARTMENTS = ("Product", "Customer Support", "People")
# Local working-hour rhythm: weight per hour of the day.
HOUR_WEIGHTS = (
    0, 0, 0, 0, 0, 0.2, 0.6, 2, 5, 9, 10, 9, 6, 7, 9, 9, 8, 5, 3, 2, 2, 1.5, 1, 0.3,
)  # fmt: skip
REACTION_KINDS = [k.value for k in ReactionKind]
REACTION_WEIGHTS: dict[str, tuple[int, ...]] = {
    # like, love, celebrate, insightful, funny, support
    "default": (70, 8, 6, 8, 4, 4),
    "celebrate": (35, 20, 38, 2, 2, 3),
    "care": (35, 30, 3, 5, 2, 25),
    "question": (50, 3, 1, 40, 3, 3),
}
CELEBRATE_TOPICS = {"wins", "kudos", "storewins", text.LAUNCH_TOPIC, "offsite"}
CARE_TOPICS = {"wellbeing", "sustainability"}


@dataclass(eq=False)
class _Person:
    user: User
    department: str
    tz: zoneinfo.ZoneInfo
    joined: dt.datetime
    team: list["_Person"] = field(default_factory=list)
    post_weight: float = 1.0
    react_weight: float = 1.0
    connector: bool = False
    lurker: bool = False
    city: str = "London"
    stores: tuple[str, ...] = ()

    @property
    def pk(self) -> int:
        return self.user.pk


@dataclass(eq=False)
class _Thread:
    """A post being made, with what will hang off it."""

    post: Post
    author: _Person
    topics: list[str]
    mentions: list[_Person]
    replies: list[Reply] = field(default_factory=list)
    reply_authors: dict[int, _Person] = field(default_factory=dict)  # id(reply) -> author
    options: list[PollOption] = field(default_factory=list)
    accepted: Reply | None = None
    plan: text.Plan = field(default_factory=lambda: text.Plan(""))
    values: dict[str, Any] = field(default_factory=dict)


class _Picker:
    """Weighted choices from a fixed list, by bisecting precomputed cumulative weights."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def pick(self, rng: random.Random) -> Any:
        return self.items[min(bisect_left(self.cum, rng.random() * self.total), len(self) - 1)]

    def __len__(self) -> int:
        return len(self.items)


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.start = ctx.now - dt.timedelta(days=HISTORY_DAYS)
        self.html: dict[str, str] = {}
        # Reply text -> threads it is used in (see MAX_REPLY_THREADS); shared with the
        # community step, which writes replies of its own.
        self.reply_uses: Counter[str] = ctx.extra.setdefault("feed.reply_uses", Counter())
        # Big organisations get fewer reactions per post, so --people 10000 stays quick to load.
        self.reaction_scale = min(1.0, (LINEAR_UP_TO / max(ctx.people_count, 1)) ** 0.2)
        self._people()
        self._events()

    # --- The people and how they behave ------------------------------------------------------

    def _people(self) -> None:
        rng, ctx = self.rng, self.ctx
        department_names = {d.pk: name for name, d in ctx.departments.items()}
        self.department_names = department_names
        locations = {loc.pk: loc for loc in ctx.locations.values()}
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        stores = {spec.name: spec.stores for spec in LOCATIONS}
        self.people: list[_Person] = []
        for user in ctx.people:
            if not user.is_active or user.role == Role.GUEST:
                continue
            location = locations.get(user.location_id) if user.location_id else None
            tz_name = location.timezone if location else "UTC"
            tz = zones.setdefault(tz_name, zoneinfo.ZoneInfo(tz_name))
            joined = max(user.date_joined, self.start)
            self.people.append(
                _Person(
                    user=user,
                    department=department_names.get(user.department_id or 0, ""),
                    tz=tz,
                    joined=joined,
                    city=location.name if location else "London",
                    stores=stores.get(location.name, ()) if location else (),
                )
            )
        self.by_pk = {p.pk: p for p in self.people}
        reports: dict[int, list[_Person]] = {}
        for person in self.people:
            manager = ctx.managers.get(person.pk)
            if manager in self.by_pk:
                reports.setdefault(manager, []).append(person)
        self.reports = reports
        for person in self.people:
            manager_pk = ctx.managers.get(person.pk)
            # The leadership team (the CEO's reports) talk to their own departments instead.
            leader = manager_pk is not None and ctx.managers.get(manager_pk) is None
            siblings = (
                [p for p in reports.get(manager_pk, []) if p is not person]
                if manager_pk and not leader
                else []
            )
            boss = [self.by_pk[manager_pk]] if manager_pk in self.by_pk else []
            person.team = [*boss, *siblings, *reports.get(person.pk, [])]

        self.departments: dict[str, list[_Person]] = {}
        for person in self.people:
            self.departments.setdefault(person.department, []).append(person)

        fixed = {u.pk for u in ctx.accounts.values()}
        # Connectors: team leads in the departments that work with everyone, and a few others.
        wanted = max(3, round(CONNECTOR_SHARE * len(self.people)))
        leads = [
            p
            for p in self.people
            if p.department in CONNECTOR_DEPARTMENTS and p.pk in reports and p.pk not in fixed
        ]
        leads = rng.sample(leads, min(len(leads), max(1, round(wanted * 0.7))))
        others = [p for p in self.people if p.pk not in reports and p.pk not in fixed]
        others = rng.sample(others, min(len(others), wanted - len(leads)))
        self.connectors = sorted([*leads, *others], key=lambda p: p.pk)
        for person in self.connectors:
            person.connector = True

        # The newest joiner among individual contributors follows nobody yet.
        newcomers = [p for p in others_pool(self.people, reports, fixed) if not p.connector]
        self.newcomer = max(
            newcomers, key=lambda p: (p.user.start_date or dt.date.min, p.pk), default=None
        )
        ceo = ctx.accounts.get("ceo")
        for person in self.people:
            heavy = min(rng.paretovariate(1.4), 25.0)
            person.lurker = (
                not person.connector and person.pk not in fixed and rng.random() < LURKER_SHARE
            )
            if person.lurker:
                heavy *= 0.04
            if person.connector:
                heavy = max(heavy * 2.5, 4.0)
            if person.department == "Retail Stores" and person.pk not in reports:
                heavy *= 0.6
            if ceo is not None and person.pk == ceo.pk:
                heavy = max(heavy, 3.0)
            person.post_weight = heavy
            person.react_weight = (0.4 if person.lurker else 1.0) * min(rng.paretovariate(2.0), 8.0)
        member = ctx.accounts.get("member")
        if member is not None and member.pk in self.by_pk:
            self.by_pk[member.pk].post_weight = 3.0
            self.by_pk[member.pk].lurker = False
        if self.newcomer is not None:
            self.newcomer.post_weight = 0.01

        self.everyone = _Picker(self.people, [p.react_weight for p in self.people])
        self.department_pickers = {
            name: _Picker(members, [p.react_weight for p in members])
            for name, members in self.departments.items()
        }
        self.connector_picker = _Picker(self.connectors, [1.0] * len(self.connectors))

    def person_department(self, user: User) -> str:
        return self.department_names.get(user.department_id or 0, "")

    def partner(self, person: _Person, when: dt.datetime) -> _Person | None:
        """Someone ``person`` interacts with at ``when``: mostly team, then department, else
        anyone (a connector ``CROSS_TO_CONNECTOR`` of the time). None when nobody fits."""
        rng = self.rng
        team_p, department_p = CONNECTOR_LOCAL if person.connector else LOCAL
        for _ in range(4):
            roll = rng.random()
            if roll < team_p and person.team:
                other = rng.choice(person.team)
            elif roll < department_p and len(self.department_pickers[person.department]) > 1:
                other = self.department_pickers[person.department].pick(rng)
            elif self.connectors and rng.random() < CROSS_TO_CONNECTOR:
                other = self.connector_picker.pick(rng)
                if other.department == person.department:
                    continue
            else:
                other = self.everyone.pick(rng)
                if other.department == person.department:
                    continue
            if other is not person and other.joined <= when:
                return other
        return None

    def new_partner(self, person: _Person, when: dt.datetime, taken: set[int]) -> _Person | None:
        """A partner not in ``taken`` (added to it), for one reaction or vote per person."""
        if when >= self.now:
            return None
        for _ in range(3):
            other = self.partner(person, when)
            if other is not None and other.pk not in taken:
                taken.add(other.pk)
                return other
        return None

    # --- Time ----------------------------------------------------------------------------------

    def _events(self) -> None:
        now_date = self.now.date()
        # A launch week (Monday to Friday) about seven weeks ago, an offsite about three months ago.
        launch_monday = now_date - dt.timedelta(days=49 + now_date.weekday())
        offsite_day = now_date - dt.timedelta(days=95 + (now_date.weekday() - 2) % 7)
        self.launch = (launch_monday, launch_monday + dt.timedelta(days=4))
        self.offsite = (offsite_day, offsite_day + dt.timedelta(days=1))
        self.days = [now_date - dt.timedelta(days=d) for d in range(HISTORY_DAYS, -1, -1)]
        office, store = [], []
        for index, day in enumerate(self.days):
            trend = 0.75 + 0.5 * index / len(self.days)
            burst = 1.0
            if self.launch[0] <= day <= self.launch[1]:
                burst = 2.6
            elif self.offsite[0] <= day <= self.offsite[1]:
                burst = 2.0
            weekend = day.weekday() >= 5
            office.append(trend * burst * (0.1 if weekend else 1.0))
            store.append(trend * burst * (0.7 if weekend else 1.0))
        self.office_days = _Picker(self.days, office)
        self.store_days = _Picker(self.days, store)
        self.hours = _Picker(range(24), HOUR_WEIGHTS)

    def post_time(self, author: _Person) -> dt.datetime | None:
        rng = self.rng
        days = self.store_days if author.department == "Retail Stores" else self.office_days
        for _ in range(4):
            day = days.pick(rng)
            local = dt.datetime.combine(
                day, dt.time(self.hours.pick(rng), rng.randrange(60)), tzinfo=author.tz
            )
            when = local.astimezone(dt.UTC)
            if author.joined <= when < self.now:
                return when
        return None

    def later(self, after: dt.datetime, mean_minutes: float) -> dt.datetime:
        """A response time after ``after``: log-normal, mostly within hours."""
        minutes = self.rng.lognormvariate(math.log(mean_minutes), 1.1)
        return after + dt.timedelta(minutes=min(minutes, 60 * 24 * 10))

    # --- Text ----------------------------------------------------------------------------------

    def values(self, author: _Person, mention: _Person | None) -> dict[str, Any]:
        """The fills of one thread, drawn once and shared by its post and its replies."""
        rng = self.rng
        n = rng.randint(2, 40)
        return {
            "product": rng.choice(text.PRODUCTS),
            "customer": rng.choice(text.CUSTOMERS),
            "city": author.city,
            "store": rng.choice(author.stores or ("Covent Garden", "Mitte", "SoHo", "Chiado")),
            "n": n,
            "m": rng.randint(1, max(1, n - 1)),
            "pct": rng.randint(3, 35),
            "score": rng.randint(78, 97),
            "amount": rng.choice(text.AMOUNTS),
            "day": rng.choice(text.DAYS),
            "system": rng.choice(text.SYSTEMS),
            "supplier": rng.choice(text.SUPPLIERS),
            "role": rng.choice(text.ROLES),
            "launch": text.LAUNCH_PRODUCT,
            "mention": f"@{mention.user.username}" if mention else "",
            "first": author.user.first_name,
        }

    def render(self, body: str) -> str:
        html = self.html.get(body)
        if html is None:
            html, _, _ = render_markdown(body, mention_url=mention_url, topic_url=topic_url)
            self.html[body] = html
        return html


def others_pool(
    people: list[_Person], reports: dict[int, list[_Person]], fixed: set[int]
) -> list[_Person]:
    """Individual contributors who are not demo accounts."""
    return [p for p in people if p.pk not in reports and p.pk not in fixed]


def _reaction_kind(rng: random.Random, topics: list[str], kind: str) -> str:
    if any(t in CELEBRATE_TOPICS for t in topics):
        weights = REACTION_WEIGHTS["celebrate"]
    elif any(t in CARE_TOPICS for t in topics):
        weights = REACTION_WEIGHTS["care"]
    elif kind == PostKind.QUESTION:
        weights = REACTION_WEIGHTS["question"]
    else:
        weights = REACTION_WEIGHTS["default"]
    return rng.choices(REACTION_KINDS, weights=weights)[0]


def _post_count(people: int) -> int:
    scale = people if people <= LINEAR_UP_TO else LINEAR_UP_TO * math.sqrt(people / LINEAR_UP_TO)
    return round(POSTS_PER_PERSON * scale)


# --- Building -------------------------------------------------------------------------------------


def build(ctx: DemoContext) -> None:
    """Posts, replies, reactions, mentions, topics, polls, follows, announcements, notifications."""
    b = _Builder(ctx)
    if len(b.people) < 2:
        return
    threads = _threads(b)
    topics = _write_posts(b, threads)
    replies = _write_replies(b, threads)
    follows = _write_follows(b, topics)
    announcements = _write_announcements(b)
    notifications = _write_notifications(b, threads)

    ctx.extra["feed.connectors"] = [p.pk for p in b.connectors]
    ctx.extra["feed.events"] = {"launch": b.launch, "offsite": b.offsite}
    ctx.extra["feed.newcomer"] = b.newcomer.pk if b.newcomer else None
    ctx.extra["feed.announcements"] = announcements
    reactions = sum(t.post.reaction_count for t in threads) + sum(
        r.reaction_count for t in threads for r in t.replies
    )
    ctx.notes.append(
        f"Feed: {len(threads)} posts, {replies} replies, {reactions} reactions in "
        f"{len(topics)} topics over {HISTORY_DAYS} days; {follows} follows; launch week of "
        f"{text.LAUNCH_PRODUCT} from {b.launch[0]}, offsite on {b.offsite[0]}; "
        f"{len(b.connectors)} cross-department connectors; {notifications} notifications for "
        "the member account."
    )
    if b.newcomer is not None:
        ctx.notes.append(
            f"Newcomer example: {b.newcomer.user.username} ({b.newcomer.user.display_name}) "
            "follows nobody yet, so their home feed shows the empty state and suggestions."
        )


def _plan(b: _Builder, author: _Person, day: dt.date, kind: str) -> text.Plan:
    """The thread an author starts: a poll, a question of their department (or anyone's), an
    event's thread in its week, or a thread of their department, company-wide or general."""
    rng = b.rng
    if kind == PostKind.POLL:
        return rng.choice(text.POLLS)
    if kind == PostKind.QUESTION:
        pool = text.DEPARTMENT_QUESTIONS.get(author.department, ())
        return rng.choice(pool if pool and rng.random() < 0.75 else text.GENERIC_QUESTIONS)
    if b.launch[0] <= day <= b.launch[1] and rng.random() < 0.4:
        return rng.choice(text.LAUNCH_THREADS)
    if b.offsite[0] <= day <= b.offsite[1] and rng.random() < 0.5:
        return rng.choice(text.OFFSITE_THREADS)
    own = text.DEPARTMENT_THREADS.get(author.department, ())
    roll = rng.random()
    if roll < 0.6 and own:
        return rng.choice(own)
    if roll < 0.88:
        return rng.choice(text.COMPANY_THREADS)
    return rng.choice(text.GENERIC_THREADS)


def _threads(b: _Builder) -> list[_Thread]:
    """Every post with its replies, mentions, reactions and votes, in memory.

    No two posts say the same thing: a thread whose filled text was already posted is drawn
    again (a few times; then that post is not written)."""
    rng = b.rng
    author_picker = _Picker(b.people, [p.post_weight for p in b.people])
    threads: list[_Thread] = []
    # Shared with the community step, whose posts must not repeat these either.
    posted: set[str] = b.ctx.extra.setdefault("feed.posted", set())
    for _ in range(_post_count(len(b.people))):
        author = author_picker.pick(rng)
        when = b.post_time(author)
        if when is None:
            continue
        roll = rng.random()
        kind = (
            PostKind.QUESTION
            if roll < QUESTION_SHARE
            else PostKind.POLL
            if roll < QUESTION_SHARE + POLL_SHARE
            else PostKind.POST
        )
        for _attempt in range(6):
            plan = _plan(b, author, when.date(), kind)
            mention = None
            if "{mention}" in plan.text or rng.random() < 0.1:
                mention = b.partner(author, when)
                if mention is None and "{mention}" in plan.text:
                    continue
            values = b.values(author, mention)
            body = plan.text.format(**values)
            if mention is not None and "@" not in body:
                body += f" cc @{mention.user.username}"
            if plan.topics:
                body += " " + " ".join(f"#{t}" for t in plan.topics)
            if body not in posted:
                break
        else:
            continue
        posted.add(body)
        post = Post(
            author_id=author.pk,
            kind=kind,
            body=body,
            body_html=b.render(body),
            created_at=when,
            last_activity_at=when,
            poll_closes_at=when + dt.timedelta(days=7) if kind == PostKind.POLL else None,
        )
        thread = _Thread(
            post=post,
            author=author,
            topics=list(plan.topics),
            mentions=[mention] if mention is not None else [],
            plan=plan,
            values=values,
        )
        thread.options = [
            PollOption(post=post, label=label.format(**values), position=i)
            for i, label in enumerate(plan.options)
        ]
        threads.append(thread)
    threads.sort(key=lambda t: t.post.created_at)
    for thread in threads:
        _conversation(b, thread)
    return threads


def _at(person: _Person | None) -> str:
    return f"@{person.user.username}" if person is not None else ""


def _conversation(b: _Builder, thread: _Thread) -> None:
    """The plan's replies (the author answering some of them), and who reacted, for one post.

    A reply text already used in ``MAX_REPLY_THREADS`` threads is left out, so no line turns
    into a stock answer."""
    rng, post, author = b.rng, thread.post, thread.author
    boost = 1.6 if author.connector or not b.ctx.managers.get(author.pk) else 1.0
    if post.kind == PostKind.QUESTION:
        count = 0 if rng.random() < 0.2 else 1 + int(rng.expovariate(1 / 1.8))
    elif post.kind == PostKind.POLL:
        count = int(rng.expovariate(1 / 1.5))
    else:
        count = int(rng.expovariate(1 / (2.9 * boost)))
    if text.LAUNCH_TOPIC in thread.topics or text.OFFSITE_TOPIC in thread.topics:
        count += rng.randint(0, 3)
    celebrate = any(t in CELEBRATE_TOPICS for t in thread.topics)
    when = post.created_at
    top_level: list[Reply] = []
    for template in thread.plan.replies[:count]:
        when = b.later(when, 50)
        if when >= b.now:
            break
        parent = None
        if template.startswith("^"):
            # The author answers the reply just before (if someone else wrote it).
            if not top_level or top_level[-1].author_id == author.pk:
                continue
            parent, replier = top_level[-1], author
            template = template[1:]
        elif not top_level and "{mention}" in thread.plan.text and thread.mentions:
            # The person the post names answers first ("Kudos to @x" -> x says thank you).
            replier = thread.mentions[0]
        else:
            partner = b.partner(author, when)
            if partner is None:
                continue
            replier = partner
        mention = None
        if "{mention}" in template:
            # Someone the replier works with, brought into the thread by name.
            mention = b.partner(replier, when)
            if mention is None or mention is author or mention is replier:
                continue
        body = template.format(**{**thread.values, "mention": _at(mention)})
        if b.reply_uses[body] >= MAX_REPLY_THREADS:
            # A line said in enough threads already: say it to the person it answers.
            to = thread.reply_authors[id(parent)] if parent is not None else author
            body = text.addressed(to.user.first_name, body)
            if b.reply_uses[body] >= MAX_REPLY_THREADS:
                continue
        b.reply_uses[body] += 1
        reply = Reply(
            post=post,
            parent=parent,
            author_id=replier.pk,
            body=body,
            body_html=b.render(body),
            created_at=when,
        )
        reply._demo_mentions = [mention] if mention else []  # type: ignore[attr-defined]
        thread.replies.append(reply)
        thread.reply_authors[id(reply)] = replier
        if parent is None:
            top_level.append(reply)
    if post.kind == PostKind.QUESTION and top_level and rng.random() < 0.5:
        answers = [r for r in top_level if r.author_id != author.pk]
        if answers:
            thread.accepted = answers[0]
    post.reply_count = len(thread.replies)
    last = max([post.created_at, *(r.created_at for r in thread.replies)])

    # Reactions on the post, then on some replies; one per person and target.
    mean = (
        8.5
        * b.reaction_scale
        * boost
        * (1.6 if celebrate else 1.0)
        * (0.6 if post.kind == PostKind.POLL else 1.0)
    )
    summary: Counter[str] = Counter()
    reacted: set[int] = {author.pk}
    reactions: list[Reaction] = []
    # A post is seen mostly by the author's own department: bigger departments react more.
    ceiling = len(b.departments[author.department]) + (8 if boost > 1 else 1)
    for _ in range(min(int(rng.expovariate(1 / mean)), ceiling)):
        when = b.later(post.created_at, 180)
        who = b.new_partner(author, when, reacted)
        if who is None:
            continue
        reacted.add(who.pk)
        kind = _reaction_kind(rng, thread.topics, post.kind)
        summary[kind] += 1
        reactions.append(Reaction(post=post, user_id=who.pk, kind=kind, created_at=when))
        last = max(last, when)
    post.reaction_summary = dict(sorted(summary.items()))
    post.reaction_count = sum(summary.values())
    for reply in thread.replies:
        reply_author = thread.reply_authors[id(reply)]
        reply_summary: Counter[str] = Counter()
        seen: set[int] = {reply_author.pk}
        for _ in range(int(rng.expovariate(1 / 1.3))):
            when = b.later(reply.created_at, 120)
            who = b.new_partner(reply_author, when, seen)
            if who is None:
                continue
            seen.add(who.pk)
            kind = rng.choices(REACTION_KINDS, weights=REACTION_WEIGHTS["default"])[0]
            reply_summary[kind] += 1
            reactions.append(Reaction(reply=reply, user_id=who.pk, kind=kind, created_at=when))
        reply.reaction_summary = dict(sorted(reply_summary.items()))
        reply.reaction_count = sum(reply_summary.values())
    post.last_activity_at = last
    post._demo_reactions = reactions  # type: ignore[attr-defined]

    votes: list[PollVote] = []
    if thread.options:
        voted: set[int] = set()
        weights = [rng.uniform(0.5, 3) for _ in thread.options]
        for _ in range(int(rng.expovariate(1 / 12)) + 2):
            when = b.later(post.created_at, 240)
            if post.poll_closes_at and when > post.poll_closes_at:
                continue
            who = b.new_partner(author, when, voted)
            if who is None:
                continue
            voted.add(who.pk)
            option = rng.choices(thread.options, weights=weights)[0]
            option.vote_count += 1
            votes.append(PollVote(post=post, option=option, user_id=who.pk, created_at=when))
    post._demo_votes = votes  # type: ignore[attr-defined]


def _write_posts(b: _Builder, threads: list[_Thread]) -> dict[str, Topic]:
    """Topics (with counts), posts, topic links, post mentions and poll options."""
    rng = b.rng
    names = [
        *text.COMPANY_TOPICS,
        text.LAUNCH_TOPIC,
        text.OFFSITE_TOPIC,
        *(t for topics in text.DEPARTMENT_TOPICS.values() for t in topics),
    ]
    topics: dict[str, Topic] = {}
    for name in dict.fromkeys(names):
        topics[name] = Topic(
            name=name,
            label=name,
            created_at=b.start - dt.timedelta(days=rng.randint(1, 180)),
            post_count=0,
            last_used_at=b.start,
        )
    for thread in threads:
        for name in thread.topics:
            topic = topics[name]
            topic.post_count += 1
            topic.last_used_at = max(topic.last_used_at, thread.post.created_at)
    # Follower counts are filled in by ``_write_follows`` (an update on a few dozen rows).
    Topic.objects.bulk_create(topics.values(), batch_size=BATCH)
    Post.objects.bulk_create([t.post for t in threads], batch_size=BATCH)
    through = Post.topics.through
    through.objects.bulk_create(
        [through(post_id=t.post.pk, topic_id=topics[n].pk) for t in threads for n in t.topics],
        batch_size=BATCH,
    )
    Mention.objects.bulk_create(
        [
            Mention(post=t.post, user_id=p.pk, created_at=t.post.created_at)
            for t in threads
            for p in t.mentions
            if p.pk != t.author.pk
        ],
        batch_size=BATCH,
    )
    PollOption.objects.bulk_create([o for t in threads for o in t.options], batch_size=BATCH)
    return topics


def _write_replies(b: _Builder, threads: list[_Thread]) -> int:
    """Replies (top level, then replies to replies), their mentions, reactions, votes."""
    replies = sorted(
        (r for t in threads for r in t.replies), key=lambda r: (r.created_at, r.post.pk)
    )
    for level in (False, True):
        Reply.objects.bulk_create(
            [r for r in replies if (r.parent is not None) is level], batch_size=BATCH
        )
    accepted = []
    for thread in threads:
        if thread.accepted is not None:
            thread.post.accepted_reply_id = thread.accepted.pk
            accepted.append(thread.post)
    Post.objects.bulk_update(accepted, ["accepted_reply"], batch_size=BATCH)
    Mention.objects.bulk_create(
        [
            Mention(reply=r, user_id=p.pk, created_at=r.created_at)
            for r in replies
            for p in r._demo_mentions  # type: ignore[attr-defined]
            if p.pk != r.author_id
        ],
        batch_size=BATCH,
    )
    reactions = sorted(
        (x for t in threads for x in t.post._demo_reactions),  # type: ignore[attr-defined]
        key=lambda x: x.created_at,
    )
    Reaction.objects.bulk_create(reactions, batch_size=BATCH)
    PollVote.objects.bulk_create(
        [v for t in threads for v in t.post._demo_votes],  # type: ignore[attr-defined]
        batch_size=BATCH,
    )
    return len(replies)


def _write_follows(b: _Builder, topics: dict[str, Topic]) -> int:
    """Who follows whom, and which topics; the member account gets a rich feed."""
    rng, ctx = b.rng, b.ctx
    ceo = ctx.accounts.get("ceo")
    leaders = [p for p in b.people if ctx.managers.get(p.pk) == (ceo.pk if ceo else None)]
    heads = {p.department: p for p in leaders if p.department != "Executive Office"}
    executive = b.departments.get("Executive Office", [])
    member = b.by_pk.get(ctx.accounts["member"].pk) if "member" in ctx.accounts else None
    rows: list[PersonFollow] = []
    topic_rows: list[TopicFollow] = []

    def follow_time(follower: _Person, followee: _Person) -> dt.datetime:
        since = max(follower.joined, followee.joined, b.start - dt.timedelta(days=120))
        return since + (b.now - since) * rng.random() ** 2

    for person in b.people:
        if person is b.newcomer:
            continue
        chosen: dict[int, _Person] = {}
        manager = b.by_pk.get(ctx.managers.get(person.pk) or 0)
        if manager is not None:
            chosen[manager.pk] = manager
        for other in person.team:
            if rng.random() < 0.8:
                chosen[other.pk] = other
        department = b.departments[person.department]
        for _ in range(rng.randint(0, 5)):
            other = rng.choice(department)
            chosen[other.pk] = other
        for other in rng.sample(b.connectors, min(len(b.connectors), rng.randint(1, 4))):
            chosen[other.pk] = other
        if ceo is not None and ceo.pk in b.by_pk and rng.random() < 0.7:
            chosen[ceo.pk] = b.by_pk[ceo.pk]
        head = heads.get(person.department)
        if head is not None and rng.random() < 0.6:
            chosen[head.pk] = head
        if heads and rng.random() < 0.15:
            other = rng.choice(sorted(heads.values(), key=lambda p: p.pk))
            chosen[other.pk] = other
        if executive and rng.random() < 0.3:
            other = rng.choice(executive)
            chosen[other.pk] = other
        if person is member:
            for other in rng.sample(b.people, min(len(b.people), 40)):
                if len(chosen) >= 40:
                    break
                chosen[other.pk] = other
        chosen.pop(person.pk, None)
        rows.extend(
            PersonFollow(
                follower_id=person.pk, followee_id=other.pk, created_at=follow_time(person, other)
            )
            for other in chosen.values()
        )

        own = text.DEPARTMENT_TOPICS.get(person.department, ())
        if person is member:
            names = [*own[:2], "wins", "kudos", text.LAUNCH_TOPIC][:5]
        else:
            share = 0.3 if person.lurker else 0.6
            names = [t for t in own if rng.random() < share]
            names += [t for t in text.COMPANY_TOPICS if rng.random() < 0.12]
        for name in dict.fromkeys(names):
            topic = topics[name]
            topic.follower_count += 1
            since = max(person.joined, topic.created_at)
            topic_rows.append(
                TopicFollow(
                    follower_id=person.pk,
                    topic=topic,
                    created_at=since + (b.now - since) * rng.random(),
                )
            )
    rows.sort(key=lambda f: f.created_at)
    PersonFollow.objects.bulk_create(rows, batch_size=BATCH)
    TopicFollow.objects.bulk_create(topic_rows, batch_size=BATCH)
    Topic.objects.bulk_update(
        [t for t in topics.values() if t.follower_count], ["follower_count"], batch_size=BATCH
    )
    return len(rows)


# How likely people in each department are to have seen and acknowledged a must-read within ten
# days: office teams read it, store and warehouse floors much less.
SEEN_BY_DEPARTMENT = {
    "Executive Office": 0.95,
    "Finance": 0.9,
    "People": 0.9,
    "IT": 0.8,
    "Product": 0.75,
    "Design": 0.75,
    "Marketing": 0.7,
    "Engineering": 0.65,
    "Sales": 0.55,
    "Customer Support": 0.6,
    "Operations": 0.4,
    "Retail Stores": 0.35,
}
ACKNOWLEDGED_IF_SEEN = 0.75


def _write_announcements(b: _Builder) -> dict[str, int]:
    """A company-wide must-read (partly acknowledged) and one for the London stores."""
    ctx = b.ctx
    comms = ctx.accounts.get("comms") or ctx.accounts["ceo"]
    audience = [u for u in ctx.people if u.is_active and (u.role != Role.GUEST or u.is_superuser)]
    if all(u.pk != comms.pk for u in audience):
        audience.append(comms)
    published = dt.datetime.combine(
        (b.now - dt.timedelta(days=10)).date(), dt.time(9, 30), tzinfo=dt.UTC
    )
    travel = _announcement(
        b,
        author=comms,
        title=text.TRAVEL_POLICY_TITLE,
        body=text.TRAVEL_POLICY_BODY,
        published=published,
        must_read=True,
        audience=audience,
        seen=lambda u: SEEN_BY_DEPARTMENT.get(b.person_department(u), 0.6),
    )

    stores = ctx.departments.get("Retail Stores")
    london = ctx.locations.get("London")
    result = {"travel_policy": travel.pk}
    if stores is not None and london is not None:
        head = next(
            (
                p.user
                for p in b.people
                if p.department == "Retail Stores"
                and ctx.managers.get(p.pk) == ctx.accounts["ceo"].pk
            ),
            comms,
        )
        targeted = [
            u
            for u in audience
            if u.department_id == stores.pk and u.location_id == london.pk and u.role != Role.GUEST
        ]
        if all(u.pk != head.pk for u in targeted):
            targeted.append(head)
        rota = _announcement(
            b,
            author=head,
            title=text.STORE_ROTA_TITLE,
            body=text.STORE_ROTA_BODY,
            published=published + dt.timedelta(days=7),
            must_read=False,
            audience=targeted,
            seen=lambda u: 0.7,
            departments=[stores.pk],
            locations=[london.pk],
        )
        result["london_stores"] = rota.pk
    return result


def _announcement(
    b: _Builder,
    *,
    author: User,
    title: str,
    body: str,
    published: dt.datetime,
    must_read: bool,
    audience: list[User],
    seen: Callable[[User], float],
    departments: Sequence[int] = (),
    locations: Sequence[int] = (),
) -> Announcement:
    rng = b.rng
    post = Post.objects.create(
        author=author,
        kind=PostKind.POST,
        body=body,
        body_html=b.render(body),
        created_at=published,
        last_activity_at=published,
    )
    announcement = Announcement.objects.create(
        post=post,
        title=title,
        must_read=must_read,
        publish_at=published,
        published_at=published,
    )
    if departments:
        announcement.departments.set(departments)
    if locations:
        announcement.locations.set(locations)
    receipts = []
    seen_count = acknowledged = 0
    for user in sorted(audience, key=lambda u: u.pk):
        receipt = AnnouncementReceipt(announcement=announcement, user_id=user.pk)
        if user.pk == author.pk or rng.random() < seen(user):
            # Most people see it in the first two days.
            receipt.seen_at = min(b.later(published, 600), b.now)
            seen_count += 1
            if must_read and user.pk != author.pk and rng.random() < ACKNOWLEDGED_IF_SEEN:
                receipt.acknowledged_at = min(b.later(receipt.seen_at, 20), b.now)
                acknowledged += 1
            elif not must_read and rng.random() < 0.3:
                receipt.dismissed_at = min(b.later(receipt.seen_at, 60), b.now)
        receipts.append(receipt)
    AnnouncementReceipt.objects.bulk_create(receipts, batch_size=BATCH)
    announcement.audience_size = len(receipts)
    announcement.seen_count = seen_count
    announcement.acknowledged_count = acknowledged
    announcement.save(update_fields=["audience_size", "seen_count", "acknowledged_count"])
    return announcement


def _write_notifications(b: _Builder, threads: list[_Thread]) -> int:
    """The member account's recent mentions and replies to their posts: the newest unread."""
    member = b.ctx.accounts.get("member")
    if member is None:
        return 0
    events: list[Notification] = []
    for thread in threads:
        post = thread.post
        if any(p.pk == member.pk for p in thread.mentions) and post.author_id != member.pk:
            events.append(
                Notification(
                    recipient_id=member.pk,
                    kind=NotificationKind.MENTION,
                    actor_id=post.author_id,
                    post=post,
                    created_at=post.created_at,
                    updated_at=post.created_at,
                )
            )
        for reply in thread.replies:
            if reply.author_id == member.pk:
                continue
            mentioned = any(p.pk == member.pk for p in reply._demo_mentions)  # type: ignore[attr-defined]
            if mentioned or post.author_id == member.pk:
                events.append(
                    Notification(
                        recipient_id=member.pk,
                        kind=NotificationKind.MENTION if mentioned else NotificationKind.REPLY,
                        actor_id=reply.author_id,
                        post=post,
                        reply=reply,
                        created_at=reply.created_at,
                        updated_at=reply.created_at,
                    )
                )
    events.sort(key=lambda n: n.created_at)
    events = events[-25:]
    for index, notification in enumerate(events):
        if index < len(events) - 6:
            notification.read_at = min(notification.created_at + dt.timedelta(hours=3), b.now)
    Notification.objects.bulk_create(events, batch_size=BATCH)
    return len(events)
