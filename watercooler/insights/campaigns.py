"""Measuring campaigns: each target's progress, one point per day from the campaign's start to
today (or its end), written onto the target by ``measure`` so pages read it without scanning.

What a campaign covers: the posts chosen for it, and the posts in its topics and communities
written between its dates. A target's group is everyone, or the people of a department, a
location or a region (people active today). Measures:

- acknowledged: the share of the group's receipts of the covered must-read announcements that
  were acknowledged (within ``within_days`` of publishing, if set);
- reached / read: the share of the group who saw / read at least one covered post (within
  ``within_days`` of its publishing, if set);
- topic_growth: posts in the campaign's topics since it started against the same number of days
  before it started, as a percent change (the target is the growth wanted).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from watercooler.announcements.models import AnnouncementReceipt
from watercooler.feed.models import Post, Reaction, Reply
from watercooler.insights import queries, rollups
from watercooler.insights.models import Campaign, Dimension, Measure, PostView, Target
from watercooler.people.models import User


def _start(campaign: Campaign) -> dt.datetime:
    return dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=dt.UTC)


def _end(campaign: Campaign) -> dt.datetime:
    return dt.datetime.combine(campaign.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def covered_posts(campaign: Campaign) -> QuerySet[Post]:
    """The chosen posts, and the posts in the campaign's topics or communities written between
    its dates; never deleted ones."""
    in_scope = Q(pk__in=campaign.posts.values("pk"))
    dated = Q(created_at__gte=_start(campaign), created_at__lt=_end(campaign))
    topics = campaign.topics.values("pk")
    communities = campaign.communities.values("pk")
    in_scope |= dated & (Q(topics__in=topics) | Q(community__in=communities))
    return Post.objects.filter(in_scope, deleted_at__isnull=True).distinct()


def group_of(target: Target) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if target.department_id:
        people = people.filter(department_id=target.department_id)
    if target.location_id:
        people = people.filter(location_id=target.location_id)
    if target.region:
        people = people.filter(location__region__iexact=target.region)
    return people


def group_words(target: Target) -> str:
    parts = []
    if target.department_id and target.department:
        parts.append(target.department.name)
    if target.location_id and target.location:
        parts.append(f"in {target.location.name}")
    if target.region:
        parts.append(f"in {target.region}")
    return " ".join(parts) if parts else "everyone"


def describe(target: Target) -> str:
    """The target in words: "80 % of Retail acknowledged within 7 days"."""
    if target.measure == Measure.TOPIC_GROWTH:
        return f"{target.percent} % more posts in the campaign's topics than the period before"
    verb = {
        Measure.ACKNOWLEDGED: "acknowledged the must-reads",
        Measure.READ: "read a campaign post",
        Measure.REACHED: "saw a campaign post",
    }[Measure(target.measure)]
    within = f" within {target.within_days} days" if target.within_days else ""
    return f"{target.percent} % of {group_words(target)} {verb}{within}"


def _days(campaign: Campaign, today: dt.date) -> list[dt.date]:
    last = min(campaign.ends_on, today)
    count = (last - campaign.starts_on).days + 1
    return [campaign.starts_on + dt.timedelta(days=i) for i in range(max(count, 0))]


def _cumulative(moments: list[dt.datetime], days: list[dt.date]) -> list[int]:
    """How many of ``moments`` fall on or before each day (UTC)."""
    ordered = sorted(m.astimezone(dt.UTC).date() for m in moments)
    result, i = [], 0
    for day in days:
        while i < len(ordered) and ordered[i] <= day:
            i += 1
        result.append(i)
    return result


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _within(target: Target, published: dt.datetime, at: dt.datetime) -> bool:
    return not target.within_days or at <= published + dt.timedelta(days=target.within_days)


# Each person's part in a target today: (counted, done): receipts and acknowledged ones for
# acknowledged, else 1 and whether they were reached.
PersonParts = dict[int, tuple[int, int]]


def _acknowledged(
    target: Target, posts: QuerySet[Post], members: set[int], days: list[dt.date]
) -> tuple[list[float], int, PersonParts]:
    receipts = AnnouncementReceipt.objects.filter(
        announcement__post__in=posts, announcement__must_read=True, user_id__in=members
    ).values_list("user_id", "acknowledged_at", "announcement__published_at")
    total = 0
    done: list[dt.datetime] = []
    parts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for person, acked_at, published in receipts:
        total += 1
        parts[person][0] += 1
        if acked_at is not None and published is not None and _within(target, published, acked_at):
            done.append(acked_at)
            parts[person][1] += 1
    values = [_percent(n, total) for n in _cumulative(done, days)]
    return values, total, {person: (counted, d) for person, (counted, d) in parts.items()}


def _reached(
    target: Target, posts: QuerySet[Post], members: set[int], days: list[dt.date]
) -> tuple[list[float], int, PersonParts]:
    """The first moment each member saw (or read) a covered post, counted per day."""
    published = dict(posts.values_list("pk", "created_at"))
    first: dict[int, dt.datetime] = {}

    def note(person: int, post: int, at: dt.datetime | None) -> None:
        if at is None or person not in members or not _within(target, published[post], at):
            return
        if person not in first or at < first[person]:
            first[person] = at

    moment = "read_at" if target.measure == Measure.READ else "seen_at"
    for person, post, at in PostView.objects.filter(post__in=published.keys()).values_list(
        "person_id", "post_id", moment
    ):
        note(person, post, at)
    # Answering a post (or acknowledging it) means it was read.
    for person, post, at in Reply.objects.filter(
        post__in=published.keys(), deleted_at__isnull=True
    ).values_list("author_id", "post_id", "created_at"):
        note(person, post, at)
    if target.measure == Measure.REACHED:
        for person, post, at in Reaction.objects.filter(post__in=published.keys()).values_list(
            "user_id", "post_id", "created_at"
        ):
            note(person, post, at)
    for person, post, at in AnnouncementReceipt.objects.filter(
        announcement__post__in=published.keys()
    ).values_list("user_id", "announcement__post_id", _receipt_moment(target)):
        note(person, post, at)
    values = [_percent(n, len(members)) for n in _cumulative(list(first.values()), days)]
    return values, len(members), {person: (1, int(person in first)) for person in members}


def _by_line(parts: PersonParts, groups: rollups.Groups) -> dict[str, list[int]]:
    """Each manager's line's [people, counted, done], from everyone's part."""
    lines: dict[str, list[int]] = {}
    for person, (counted, done) in parts.items():
        for dimension, manager in groups.of.get(person, ()):
            if dimension == Dimension.MANAGER:
                line = lines.setdefault(str(manager), [0, 0, 0])
                line[0] += 1
                line[1] += counted
                line[2] += done
    return lines


def _receipt_moment(target: Target) -> str:
    return "acknowledged_at" if target.measure == Measure.READ else "seen_at"


def _topic_growth(campaign: Campaign, days: list[dt.date]) -> tuple[list[float], int]:
    """Posts in the topics since the start, against the same days before it, on each day."""
    topics = campaign.topics.values("pk")
    before_start = _start(campaign) - dt.timedelta(days=len(days))
    moments = [
        moment
        for _, moment in Post.objects.filter(
            topics__in=topics,
            deleted_at__isnull=True,
            created_at__gte=before_start,
            created_at__lt=_end(campaign),
        )
        .distinct()
        .values_list("pk", "created_at")
    ]
    start = _start(campaign)
    during = [m for m in moments if m >= start]
    before = [m for m in moments if m < start]
    shift = dt.timedelta(days=len(days))
    # The same day of the period before: did the topics grow at the same pace?
    so_far = _cumulative(during, days)
    before_so_far = _cumulative([m + shift for m in before], days)
    values = [
        round(100 * (now - then) / then, 1) if then else (100.0 if now else 0.0)
        for now, then in zip(so_far, before_so_far, strict=True)
    ]
    return values, len(before)


def measure(campaign: Campaign, *, today: dt.date | None = None) -> None:
    """Compute every target's progress and store it on the target."""
    today = today or timezone.now().date()
    days = _days(campaign, today)
    posts = covered_posts(campaign)
    lines: rollups.Groups | None = None
    for target in campaign.targets.select_related("department", "location"):
        target.by_line = {}
        if target.measure == Measure.TOPIC_GROWTH:
            values, size = _topic_growth(campaign, days)
        else:
            members = set(group_of(target).values_list("pk", flat=True))
            measured = _acknowledged if target.measure == Measure.ACKNOWLEDGED else _reached
            values, size, parts = measured(target, posts, members, days)
            lines = lines or rollups.Groups.load()
            target.by_line = _by_line(parts, lines)
        target.progress = [[d.isoformat(), v] for d, v in zip(days, values, strict=True)]
        target.current = values[-1] if values else 0.0
        target.group_size = size
        target.save(update_fields=["progress", "current", "group_size", "by_line"])
    Campaign.objects.filter(pk=campaign.pk).update(
        measured_at=timezone.now(), reach=reach_of(list(posts))
    )


def reach_of(posts: list[Post]) -> dict[str, object]:
    """The funnel of everything covered: who it was addressed to, reached, read, acknowledged,
    reacted and replied, overall and by department, location and manager line."""
    if not posts:
        return {"posts": 0}
    audience = queries.audience_rows(queries.audience_of_all(posts))
    reached = queries.people_reached([p.pk for p in posts])
    total, breakdowns = queries.count_reach(audience, reached.steps())
    return {
        "posts": len(posts),
        "total": asdict(total),
        "breakdowns": {d: [asdict(row) for row in rows] for d, rows in breakdowns.items()},
    }
