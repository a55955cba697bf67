"""Insights' reads: the reach of one post, and the network report and map of a finished
computation. People who opted out of being named are counted in every number and left out of
every list; no breakdown shows a group below the organisation's minimum size (they merge into
"Other")."""

import bisect
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.communities.models import Membership, MembershipStatus
from watercooler.core.paging import Page, paginate
from watercooler.feed.models import Audience, PersonFollow, Post, Reaction, Reply
from watercooler.feed.queries import access_post
from watercooler.insights import policy
from watercooler.insights.graph import OTHER
from watercooler.insights.models import (
    AdoptionDay,
    Campaign,
    Dimension,
    Measure,
    NetworkPerson,
    NetworkRun,
    PostView,
    RunStatus,
    Target,
)
from watercooler.insights.policy import is_named, min_group_size, named_by_default
from watercooler.people.models import Department, Location, Role, User


@dataclass(frozen=True)
class PersonMeasures:
    username: str
    display_name: str
    department: str
    community: int
    pagerank: float
    betweenness: float
    participation: float
    degree: int
    broker: bool
    advocate: bool
    reach_outside: int
    conversations: int


@dataclass
class Community:
    id: int
    size: int
    members: list[str]  # usernames of the named members, most central first
    top_departments: list[tuple[str, int]]


@dataclass
class NetworkReport:
    run: NetworkRun
    people: list[PersonMeasures]  # named people, by PageRank
    communities: list[Community]
    silos: dict[str, list[dict[str, Any]]]
    quiet_pairs: dict[str, list[dict[str, Any]]]
    confusion: dict[str, Any]
    meet: list[tuple[User, User, list[str], list[str]]]
    unnamed: int  # people counted but not shown
    brokers: list[PersonMeasures] = field(default_factory=list)
    advocates: list[PersonMeasures] = field(default_factory=list)

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.run.finished_at


def _named_rows(run: NetworkRun) -> tuple[list[tuple[NetworkPerson, User]], int]:
    """The run's rows with their people, named ones only, and how many were left out."""
    default = named_by_default()
    rows = (
        NetworkPerson.objects.filter(run=run)
        .select_related("person", "person__department")
        .only(
            *(f.name for f in NetworkPerson._meta.concrete_fields),
            "person__username",
            "person__display_name",
            "person__named_in_network",
            "person__is_active",
            "person__department__name",
        )
        .order_by("-pagerank", "node")
    )
    kept = []
    left_out = 0
    for row in rows:
        person = row.person
        if person.is_active and is_named(person, default=default):
            kept.append((row, person))
        else:
            left_out += 1
    return kept, left_out


def _measures(row: NetworkPerson, person: User) -> PersonMeasures:
    return PersonMeasures(
        username=person.username,
        display_name=person.display_name,
        department=person.department.name if person.department else "",
        community=row.community,
        pagerank=row.pagerank,
        betweenness=row.betweenness,
        participation=row.participation,
        degree=row.degree,
        broker=row.broker,
        advocate=row.advocate,
        reach_outside=row.reach_outside,
        conversations=row.conversations,
    )


def network_report(run: NetworkRun) -> NetworkReport:
    """Everything about one finished run, for people allowed organisation-wide insights."""
    rows, unnamed = _named_rows(run)
    people = [_measures(row, person) for row, person in rows]
    summary = run.summary or {}
    members: dict[int, list[str]] = {}
    for m in people:
        members.setdefault(m.community, []).append(m.username)
    communities = [
        Community(
            id=c["id"],
            size=c["size"],
            members=members.get(c["id"], []),
            top_departments=[(name, n) for name, n in c["top_departments"]],
        )
        for c in summary.get("communities", [])
    ]
    by_id = {person.pk: person for _, person in rows}
    meet = [
        (by_id[pair["a"]], by_id[pair["b"]], pair["topics"], pair["skills"])
        for pair in summary.get("meet", [])
        if pair["a"] in by_id and pair["b"] in by_id
    ]
    return NetworkReport(
        run=run,
        people=people,
        communities=communities,
        silos=summary.get("silos", {}),
        quiet_pairs=summary.get("quiet_pairs", {}),
        confusion=summary.get("confusion", {}),
        meet=meet,
        unnamed=unnamed,
        brokers=sorted((m for m in people if m.broker), key=lambda m: -m.betweenness),
        advocates=[m for m in people if m.advocate],
    )


@dataclass(frozen=True)
class MapNode:
    node: int
    x: float
    y: float
    community: int
    department: str
    strength: float
    username: str | None  # None for people who are not named
    display_name: str | None


@dataclass
class NetworkMap:
    run: NetworkRun
    nodes: list[MapNode]
    ties: list[list[float]]


def network_map(run: NetworkRun) -> NetworkMap:
    """The drawn people (positions computed with the run) and the strongest ties between them;
    people who are not named are drawn without a name."""
    default = named_by_default()
    rows = (
        NetworkPerson.objects.filter(run=run, x__isnull=False)
        .select_related("person", "person__department")
        .only(
            "node",
            "x",
            "y",
            "community",
            "strength",
            "person__username",
            "person__display_name",
            "person__named_in_network",
            "person__is_active",
            "person__department__name",
        )
        .order_by("node")
    )
    nodes = []
    for row in rows:
        person = row.person
        named = person.is_active and is_named(person, default=default)
        nodes.append(
            MapNode(
                node=row.node,
                x=row.x or 0.0,
                y=row.y or 0.0,
                community=row.community,
                department=person.department.name if person.department else "",
                strength=row.strength,
                username=person.username if named else None,
                display_name=person.display_name if named else None,
            )
        )
    return NetworkMap(run=run, nodes=nodes, ties=run.map_ties or [])


# --- Reach of one post -----------------------------------------------------------------------

FUNNEL = ("reached", "read", "acknowledged", "reacted", "replied")
# The reach-over-time chart: hours for the first two days, then days up to a month.
HOURLY_FOR = 48
DAILY_FOR = 30
_LINES_KEY = "insights:manager-lines"


@dataclass
class GroupReach:
    """One group's row of a breakdown: its audience and how many of them did each step."""

    group: str
    audience: int = 0
    reached: int = 0
    read: int = 0
    acknowledged: int = 0
    reacted: int = 0
    replied: int = 0

    def add(self, other: "GroupReach") -> None:
        for name in ("audience", *FUNNEL):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Reach:
    post: Post
    published_at: dt.datetime
    is_announcement: bool
    must_read: bool
    total: GroupReach
    # dimension → rows; empty when the audience is smaller than the minimum group size
    breakdowns: dict[str, list[GroupReach]]
    # (hours since publishing, people reached by then, people who read by then)
    over_time: list[tuple[float, int, int]]
    min_group_size: int


def access_reach_post(viewer: User, post_id: int) -> Post:
    """The post, if ``viewer`` may see it (404 otherwise) and its reach (403 otherwise)."""
    post = access_post(viewer, post_id)
    if not policy.can_see_reach(viewer, post):
        raise PermissionDenied(policy.REACH_MESSAGE)
    return post


def _addressed(post: Post, announcement_id: int | None) -> Q:
    """The people a post was addressed to, as a filter on active people: an announcement's
    receivers; a community's active members; the author's followers for a followers-only post;
    every member of the organisation for a post to everyone."""
    if announcement_id is not None:
        return Q(
            pk__in=AnnouncementReceipt.objects.filter(announcement_id=announcement_id).values(
                "user_id"
            )
        )
    if post.community_id is not None:
        return Q(
            pk__in=Membership.objects.filter(
                community_id=post.community_id, status=MembershipStatus.ACTIVE
            ).values("user_id")
        )
    if post.audience == Audience.FOLLOWERS:
        return Q(
            pk__in=PersonFollow.objects.filter(followee_id=post.author_id).values("follower_id")
        )
    return ~Q(role=Role.GUEST)


def audience_of(post: Post) -> QuerySet[User]:
    """Who ``post`` was addressed to, its author left out."""
    announcement = Announcement.objects.filter(post_id=post.pk).values_list("pk", flat=True).first()
    return User.objects.filter(_addressed(post, announcement), is_active=True).exclude(
        pk=post.author_id
    )


def audience_of_all(posts: list[Post]) -> QuerySet[User]:
    """Everyone at least one of ``posts`` was addressed to: one subquery per kind of audience
    (everyone, a community, an announcement, an author's followers), however many posts."""
    announcements = dict(Announcement.objects.filter(post__in=posts).values_list("post_id", "pk"))
    kinds: dict[tuple[str, int], Q] = {}
    for post in posts:
        if post.pk in announcements:
            key = ("announcement", announcements[post.pk])
        elif post.community_id is not None:
            key = ("community", post.community_id)
        elif post.audience == Audience.FOLLOWERS:
            key = ("followers", post.author_id)
        else:
            key = ("everyone", 0)
        kinds.setdefault(key, _addressed(post, announcements.get(post.pk)))
    addressed = Q(pk__in=[])
    for condition in kinds.values():
        addressed |= condition
    return User.objects.filter(addressed, is_active=True)


def manager_lines() -> dict[int, int]:
    """Each active person's line: the direct report of the top of the org chart they fall
    under (the top person is their own line). Cached for ten minutes: it walks everyone."""
    cached: dict[int, int] | None = cache.get(_LINES_KEY)
    if cached is not None:
        return cached
    managers = dict(User.objects.filter(is_active=True).values_list("pk", "manager_id"))
    lines: dict[int, int] = {}
    for person in managers:
        chain = [person]
        seen = {person}
        while (boss := managers.get(chain[-1])) is not None and boss not in seen:
            chain.append(boss)
            seen.add(boss)
        # The chain ends at the top (or at a cycle's repeat); the line is the one below the top.
        lines[person] = chain[-2] if len(chain) > 1 else chain[-1]
    cache.set(_LINES_KEY, lines, timeout=600)
    return lines


def merge_small[G: (GroupReach, GroupAdoption)](
    rows: list[G], smallest: int, size: Callable[[G], int], other: G
) -> list[G]:
    """Groups whose ``size`` is below ``smallest`` added into ``other`` (an empty "Other" row,
    shown last and only if it reaches the minimum itself); the rest largest first."""
    kept = sorted((r for r in rows if size(r) >= smallest), key=lambda r: (-size(r), r.group))
    for row in rows:
        if size(row) < smallest:
            other.add(row)
    if size(other) >= smallest:
        kept.append(other)
    return kept


@dataclass
class Reached:
    """Who did what with a set of posts: the first sighting and first read per person (from
    impressions and announcement receipts), acknowledgements, reactions and replies."""

    seen: dict[int, dt.datetime]
    read: dict[int, dt.datetime]
    acknowledged: set[int]
    reacted: set[int]
    replied: set[int]

    def steps(self) -> dict[str, set[int]]:
        """Each funnel step's people: replying or acknowledging is reading, and any of it is
        being reached."""
        return {
            "reached": self.seen.keys() | self.reacted | self.replied | self.acknowledged,
            "read": self.read.keys() | self.replied | self.acknowledged,
            "acknowledged": self.acknowledged,
            "reacted": self.reacted,
            "replied": self.replied,
        }


def seen_counts(post_ids: Sequence[int]) -> dict[int, int]:
    """How many people had each of ``post_ids`` on screen, in one query (a digest's "Your
    posts")."""
    counts: dict[int, int] = {}
    for start in range(0, len(post_ids), 900):
        counts.update(
            PostView.objects.filter(post_id__in=post_ids[start : start + 900])
            .values_list("post_id")
            .annotate(n=Count("person_id"))
            .values_list("post_id", "n")
        )
    return counts


def people_reached(post_ids: list[int]) -> Reached:
    """``Reached`` for the posts ``post_ids``, in four queries."""
    seen: dict[int, dt.datetime] = {}
    read: dict[int, dt.datetime] = {}

    def earliest(into: dict[int, dt.datetime], person: int, moment: dt.datetime | None) -> None:
        if moment is not None and (person not in into or moment < into[person]):
            into[person] = moment

    for view in PostView.objects.filter(post_id__in=post_ids).only(
        "person_id", "seen_at", "read_at"
    ):
        earliest(seen, view.person_id, view.seen_at)
        earliest(read, view.person_id, view.read_at)
    acknowledged: set[int] = set()
    for person, seen_at, acked_at in AnnouncementReceipt.objects.filter(
        announcement__post_id__in=post_ids
    ).values_list("user_id", "seen_at", "acknowledged_at"):
        earliest(seen, person, seen_at)
        if acked_at is not None:
            acknowledged.add(person)
    return Reached(
        seen=seen,
        read=read,
        acknowledged=acknowledged,
        reacted=set(
            Reaction.objects.filter(post_id__in=post_ids).values_list("user_id", flat=True)
        ),
        replied=set(
            Reply.objects.filter(post_id__in=post_ids, deleted_at__isnull=True).values_list(
                "author_id", flat=True
            )
        ),
    )


People = dict[int, tuple[str | None, str | None]]  # person → (department, location)


def audience_rows(people: QuerySet[User]) -> People:
    return {
        pk: (department, location)
        for pk, department, location in people.values_list(
            "pk", "department__name", "location__name"
        )
    }


def count_reach(
    audience: People, steps: dict[str, set[int]]
) -> tuple[GroupReach, dict[str, list[GroupReach]]]:
    """The funnel of ``audience`` overall and by department, location and manager line; no
    breakdown for an audience below the minimum group size, small groups merged."""
    lines = manager_lines()
    line_names = dict(
        User.objects.filter(pk__in=set(lines.values())).values_list("pk", "display_name")
    )
    dimensions: dict[str, dict[str, GroupReach]] = {
        "department": {},
        "location": {},
        "manager": {},
    }
    total = GroupReach(group="Everyone")
    for person, (department, location) in audience.items():
        line = lines.get(person)
        labels = {
            "department": department or "No department",
            "location": location or "No location",
            "manager": f"{line_names[line]}'s line" if line in line_names else "No manager",
        }
        rows = [total] + [
            dimensions[d].setdefault(label, GroupReach(group=label)) for d, label in labels.items()
        ]
        for row in rows:
            row.audience += 1
            for step, people in steps.items():
                if person in people:
                    setattr(row, step, getattr(row, step) + 1)
    smallest = min_group_size()
    breakdowns = (
        {
            d: merge_small(
                list(groups.values()),
                smallest,
                lambda r: r.audience,
                GroupReach(group=OTHER),
            )
            for d, groups in dimensions.items()
        }
        if total.audience >= smallest
        else {}
    )
    return total, breakdowns


def post_reach(viewer: User, post_id: int) -> Reach:
    """Audience, reached, read, acknowledged, reacted and replied for one post, overall, by
    department, location and manager line, and over time since publishing. A fixed number of
    queries; the per-person rows are read once and counted here."""
    post = access_reach_post(viewer, post_id)
    announcement = Announcement.objects.filter(post_id=post.pk).first()
    audience = audience_rows(audience_of(post))
    reached = people_reached([post.pk])
    total, breakdowns = count_reach(audience, reached.steps())
    return Reach(
        post=post,
        published_at=post.created_at,
        is_announcement=announcement is not None,
        must_read=bool(announcement and announcement.must_read),
        total=total,
        breakdowns=breakdowns,
        over_time=_over_time(
            post.created_at,
            [moment for person, moment in reached.seen.items() if person in audience],
            [moment for person, moment in reached.read.items() if person in audience],
        ),
        min_group_size=min_group_size(),
    )


def _over_time(
    published: dt.datetime, seen: list[dt.datetime], read: list[dt.datetime]
) -> list[tuple[float, int, int]]:
    """Cumulative people reached and read at each hour of the first two days, then each day to
    a month (up to now)."""
    now = timezone.now()
    marks = [float(h) for h in range(1, HOURLY_FOR + 1)] + [
        24.0 * d for d in range(3, DAILY_FOR + 1)
    ]
    seen_hours = sorted((t - published).total_seconds() / 3600 for t in seen)
    read_hours = sorted((t - published).total_seconds() / 3600 for t in read)
    points = []
    for mark in marks:
        if published + dt.timedelta(hours=mark) > now + dt.timedelta(hours=1):
            break
        points.append(
            (mark, bisect.bisect_right(seen_hours, mark), bisect.bisect_right(read_hours, mark))
        )
    return points


# --- Adoption --------------------------------------------------------------------------------

# The window everyone's own measures come from (and the network page's default).
DEFAULT_WINDOW_DAYS = 90
ORGANISATION = "organisation"
TEAM = "team"
CONTENT_KINDS = ("posts", "questions", "announcements", "replies", "reactions")
ACTIVITY = ("daily_active", "weekly_active", "monthly_active", "posting", "reading", "new")


@dataclass(frozen=True)
class AdoptionPoint:
    day: dt.date
    people: int
    daily_active: int
    weekly_active: int
    monthly_active: int
    posting: int
    reading: int
    new: int
    posts: int
    questions: int
    announcements: int
    replies: int
    reactions: int


@dataclass
class GroupAdoption:
    """One group at the end of the range (people, active in the 28 days, writing and only
    reading in the 7 days) and the people newly active over the range."""

    group: str
    people: int = 0
    monthly_active: int = 0
    posting: int = 0
    reading: int = 0
    new: int = 0

    def add(self, other: "GroupAdoption") -> None:
        for name in ("people", "monthly_active", "posting", "reading", "new"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Overview:
    scope: str
    start: dt.date
    end: dt.date
    days: list[AdoptionPoint]
    breakdowns: dict[str, list[GroupAdoption]]  # "department", "location", "manager"
    median_answer_minutes: float | None
    as_of: dt.datetime | None
    min_group_size: int
    # Filled in when the overview is opened (campaigns are measured apart from the roll-ups).
    campaigns: list["CampaignProgress"] = field(default_factory=list)

    @property
    def last(self) -> AdoptionPoint | None:
        return self.days[-1] if self.days else None

    @property
    def new_people(self) -> int:
        return sum(d.new for d in self.days)


def _scope_filter(scope: str, viewer: User) -> tuple[str, int]:
    return (Dimension.MANAGER.value, viewer.pk) if scope == TEAM else (Dimension.ALL.value, 0)


def _breakdown(
    dimension: str, ids: list[int] | None, start: dt.date, end: dt.date, smallest: int
) -> list[GroupAdoption]:
    """The groups of ``dimension`` (only ``ids`` if given) at the range's last computed day,
    with small groups merged into "Other"."""
    rows = AdoptionDay.objects.filter(dimension=dimension, day__gte=start, day__lte=end)
    if ids is not None:
        rows = rows.filter(group_id__in=ids)
    # One read of the groups' days (a few hundred rows): the newcomers are summed over the
    # range and the rest taken from its last computed day, here rather than in three queries.
    days = list(
        rows.values_list("group_id", "day", "people", "monthly_active", "posting", "reading", "new")
    )
    if not days:
        return []
    last = max(day for _, day, *_ in days)
    new: Counter[int] = Counter()
    for group_id, _, _, _, _, _, joined in days:
        new[group_id] += joined
    last_rows = [row for row in days if row[1] == last]
    names = _group_names(dimension, [row[0] for row in last_rows])
    groups = [
        GroupAdoption(
            group=names.get(group_id, OTHER),
            people=people,
            monthly_active=monthly,
            posting=posting,
            reading=reading,
            new=new[group_id],
        )
        for group_id, _, people, monthly, posting, reading, _ in last_rows
    ]
    return merge_small(groups, smallest, lambda g: g.people, GroupAdoption(group=OTHER))


def _group_names(dimension: str, ids: list[int]) -> dict[int, str]:
    if dimension == Dimension.DEPARTMENT:
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if dimension == Dimension.LOCATION:
        return dict(Location.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {
        pk: f"{name}'s line"
        for pk, name in User.objects.filter(pk__in=ids).values_list("pk", "display_name")
    }


# An overview is the same for everyone until the roll-ups are computed again (hourly): it is
# kept this long under a key that names the computation it comes from.
OVERVIEW_CACHE_SECONDS = 600


def cached_overview(
    viewer: User, *, scope: str, start: dt.date, end: dt.date, computed_at: dt.datetime | None
) -> Overview:
    """``overview``, from the cache when these roll-ups were read for this range before."""
    owner = viewer.pk if scope == TEAM else 0
    stamp = computed_at.timestamp() if computed_at else 0
    key = f"insights:overview:{scope}:{owner}:{start}:{end}:{stamp}:{min_group_size()}"
    found: Overview | None = cache.get(key)
    if found is None:
        found = overview(viewer, scope=scope, start=start, end=end)
        cache.set(key, found, timeout=OVERVIEW_CACHE_SECONDS)
    return found


def overview(viewer: User, *, scope: str, start: dt.date, end: dt.date) -> Overview:
    """Adoption over [start, end] from the daily roll-ups: the organisation's (communications
    people and administrators) or a manager's whole line. A fixed number of queries."""
    dimension, group_id = _scope_filter(scope, viewer)
    smallest = min_group_size()
    rows = list(
        AdoptionDay.objects.filter(
            dimension=dimension, group_id=group_id, day__gte=start, day__lte=end
        ).order_by("day")
    )
    days = [
        AdoptionPoint(
            day=row.day,
            people=row.people,
            **{name: getattr(row, name) for name in (*ACTIVITY, *CONTENT_KINDS)},
        )
        for row in rows
    ]
    minutes = sorted(m for row in rows for m in row.answer_minutes)
    if scope == TEAM:
        direct = list(
            User.objects.filter(manager=viewer, is_active=True).values_list("pk", flat=True)
        )
        breakdowns = {"manager": _breakdown(Dimension.MANAGER, direct, start, end, smallest)}
    else:
        top = sorted(set(manager_lines().values()))
        breakdowns = {
            "department": _breakdown(Dimension.DEPARTMENT, None, start, end, smallest),
            "location": _breakdown(Dimension.LOCATION, None, start, end, smallest),
            "manager": _breakdown(Dimension.MANAGER, top, start, end, smallest),
        }
    return Overview(
        scope=scope,
        start=start,
        end=end,
        days=days,
        breakdowns=breakdowns,
        median_answer_minutes=statistics.median(minutes) if minutes else None,
        as_of=max((row.computed_at for row in rows), default=None),
        min_group_size=smallest,
    )


def team_size(viewer: User) -> int:
    """How many people are in ``viewer``'s line (everyone who reports to them), as of the
    latest roll-up."""
    row = (
        AdoptionDay.objects.filter(dimension=Dimension.MANAGER, group_id=viewer.pk)
        .order_by("-day")
        .values_list("people", flat=True)
        .first()
    )
    return row or 0


def rollups_computed_at() -> dt.datetime | None:
    """When the roll-ups were last computed (their newest row)."""
    # Everyone's rows (one per day) are written with every other group's: a few hundred rows
    # on the unique index, where all of them are tens of thousands.
    latest: dt.datetime | None = AdoptionDay.objects.filter(
        dimension=Dimension.ALL, group_id=0
    ).aggregate(at=Max("computed_at"))["at"]
    return latest


# --- Campaigns -------------------------------------------------------------------------------

CAMPAIGN_PAGE = 20


def _campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("owner").prefetch_related(
        Prefetch("targets", queryset=Target.objects.select_related("department", "location")),
        "topics",
        "communities",
        Prefetch("posts", queryset=Post.objects.only("pk")),
    )


def campaigns_page(
    viewer: User, *, cursor: str | None, limit: int = CAMPAIGN_PAGE
) -> Page[Campaign]:
    """Campaigns, the latest start first; communications people and administrators."""
    policy.check_organisation(viewer)
    return paginate(_campaigns(), keys=["-starts_on", "-id"], cursor=cursor, limit=limit)


def access_campaign(viewer: User, campaign_id: int) -> Campaign:
    policy.check_organisation(viewer)
    campaign = _campaigns().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def target_met(target: Target, current: float | None = None) -> bool:
    """Whether ``current`` (by default the organisation's figure) reaches the target."""
    return (target.current if current is None else current) >= target.percent


def target_shown(target: Target) -> bool:
    """A target about people shows its figures only for a group of the minimum size."""
    return target.measure == Measure.TOPIC_GROWTH or target.group_size >= min_group_size()


# A manager's page lists at most this many campaigns running in the period.
TEAM_CAMPAIGNS = 10


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands for a scope: the organisation's group, or the part of it in a
    manager's line (``people`` of them)."""

    target: Target
    people: int
    current: float

    @property
    def met(self) -> bool:
        return target_met(self.target, self.current)


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    targets: list[TargetProgress]


def campaign_progress(
    viewer: User, *, scope: str, start: dt.date, end: dt.date
) -> list[CampaignProgress]:
    """The campaigns running at some point of [start, end], latest first, with where each
    target stands for the scope. A manager sees only their line's part of the targets about
    people, and only where it holds the minimum number of people."""
    smallest = min_group_size()
    running = Campaign.objects.filter(starts_on__lte=end, ends_on__gte=start).prefetch_related(
        Prefetch("targets", queryset=Target.objects.select_related("department", "location"))
    )
    result = []
    for campaign in running.order_by("-starts_on", "-pk")[:TEAM_CAMPAIGNS]:
        targets = []
        for target in campaign.targets.all():
            if scope != TEAM:
                if target_shown(target):
                    targets.append(TargetProgress(target, target.group_size, target.current))
                continue
            people, counted, done = target.by_line.get(str(viewer.pk), (0, 0, 0))
            if target.measure != Measure.TOPIC_GROWTH and people >= smallest:
                current = round(100 * done / counted, 1) if counted else 0.0
                targets.append(TargetProgress(target, people, current))
        if targets or scope != TEAM:
            result.append(CampaignProgress(campaign, targets))
    return result


def silo_trend(window_days: int, *, runs: int = 6) -> list[tuple[dt.datetime, dict[str, float]]]:
    """Each department's E-I index in the latest finished computations of this window, oldest
    first: (when, {department: E-I})."""
    latest = list(
        NetworkRun.objects.filter(window_days=window_days, status=RunStatus.DONE)
        .order_by("-window_end", "-pk")
        .only("window_end", "summary")[:runs]
    )
    return [
        (
            run.window_end,
            {
                s["group"]: s["ei_index"]
                for s in (run.summary or {}).get("silos", {}).get("department", [])
            },
        )
        for run in reversed(latest)
    ]


# --- About you ---------------------------------------------------------------------------------

OWN_POSTS = 10


@dataclass(frozen=True)
class OwnPost:
    post: Post
    reached: int
    read: int


@dataclass
class AboutMe:
    """What insights compute about one person, for that person."""

    posts: list[OwnPost]
    run: NetworkRun | None
    measures: NetworkPerson | None
    community: Community | None
    pagerank_percentile: int | None
    betweenness_percentile: int | None
    named: bool
    choice: bool | None
    default: bool
    why: list[str]


def _percentile(run: NetworkRun, field_name: str, value: float) -> int:
    """The share of the run's people (in %) with a lower ``field_name`` than ``value``."""
    below = NetworkPerson.objects.filter(run=run, **{f"{field_name}__lt": value}).count()
    return round(100 * below / run.people) if run.people else 0


def _why(measures: NetworkPerson, pagerank: int, betweenness: int) -> list[str]:
    reasons = [
        f"You interacted with {measures.degree} "
        f"{'person' if measures.degree == 1 else 'people'} in the window.",
        f"More people seek your attention (replies, mentions, reactions, quotes) than they do for "
        f"{pagerank} % of people.",
        f"You sit on more of the short paths between others than {betweenness} % of people.",
    ]
    if measures.broker:
        reasons.append(
            "You count as a broker: you are among the people most often between others, and "
            "your ties reach into more than one community."
        )
    if measures.advocate:
        reasons.append(
            f"You count as an advocate: your posts started {measures.conversations} "
            f"conversation{'s' if measures.conversations != 1 else ''} and were seen or answered "
            f"by {measures.reach_outside} people outside your department."
        )
    return reasons


def about_me(viewer: User) -> AboutMe:
    """The reach of ``viewer``'s latest posts and their measures in the latest network of the
    default window, with the reasons in words. Never anyone else's."""
    posts = list(
        Post.objects.filter(author=viewer, deleted_at__isnull=True).order_by("-created_at", "-id")[
            :OWN_POSTS
        ]
    )
    counts: dict[int, tuple[int, int]] = {
        post_id: (reached, read)
        for post_id, reached, read in PostView.objects.filter(post__in=posts)
        .values("post_id")
        .annotate(reached=Count("pk"), read=Count("read_at"))
        .values_list("post_id", "reached", "read")
    }
    run = (
        NetworkRun.objects.filter(window_days=DEFAULT_WINDOW_DAYS, status=RunStatus.DONE)
        .order_by("-window_end", "-pk")
        .first()
    )
    measures = NetworkPerson.objects.filter(run=run, person=viewer).first() if run else None
    community = None
    pagerank = betweenness = None
    why: list[str] = []
    if run is not None and measures is not None:
        found = next(
            (
                c
                for c in (run.summary or {}).get("communities", [])
                if c["id"] == measures.community
            ),
            None,
        )
        if found is not None:
            community = Community(
                id=found["id"],
                size=found["size"],
                members=[],
                top_departments=[(name, n) for name, n in found["top_departments"]],
            )
        pagerank = _percentile(run, "pagerank", measures.pagerank)
        betweenness = _percentile(run, "betweenness", measures.betweenness)
        why = _why(measures, pagerank, betweenness)
    default = named_by_default()
    return AboutMe(
        posts=[
            OwnPost(post=p, reached=counts.get(p.pk, (0, 0))[0], read=counts.get(p.pk, (0, 0))[1])
            for p in posts
        ],
        run=run,
        measures=measures,
        community=community,
        pagerank_percentile=pagerank,
        betweenness_percentile=betweenness,
        named=is_named(viewer, default=default),
        choice=viewer.named_in_network,
        default=default,
        why=why,
    )
