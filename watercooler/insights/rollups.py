"""The daily roll-ups that adoption dashboards read: one ``AdoptionDay`` row per group (everyone,
each department, location and manager line) and day, so a dashboard never scans raw activity.

For each day (UTC): who was active that day, in the 7 and the 28 days ending then (saw or read a
post, posted, replied or reacted), who wrote and who only read in the 7 days, who was active for
the first time, what was written, and how long that day's questions waited for a first answer.
Each run recomputes the last ``RECOMPUTE_DAYS`` days too (late impressions, questions answered
since), reading every source once for the whole range and sliding the 7- and 28-day windows
along it.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Model, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from watercooler.announcements.models import Announcement
from watercooler.feed.models import Post, PostKind, Reaction, Reply
from watercooler.insights.models import AdoptionDay, Dimension, PersonDay
from watercooler.people.models import User

logger = logging.getLogger(__name__)

RECOMPUTE_DAYS = 7
# A first run goes back this far at most.
BACKFILL_DAYS = 400
WEEK = 7
MONTH = 28


def _day_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
    )


def _per_day[M: Model](
    rows: QuerySet[M], person: str, moment: str = "created_at"
) -> dict[dt.date, Counter[int]]:
    """How many of ``rows`` each person (the field ``person``) has per day of ``moment``."""
    result: dict[dt.date, Counter[int]] = defaultdict(Counter)
    for day, who, n in (
        rows.annotate(day=TruncDate(moment, tzinfo=dt.UTC))
        .values("day", person)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", person, "n")
    ):
        result[day][who] += n
    return result


@dataclass
class Groups:
    """Which groups each active person counts in: everyone, their department, their location
    and the line of every manager above them."""

    of: dict[int, list[tuple[str, int]]]
    people: Counter[tuple[str, int]] = field(default_factory=Counter)

    @classmethod
    def load(cls) -> "Groups":
        rows = list(
            User.objects.filter(is_active=True).values_list(
                "pk", "department_id", "location_id", "manager_id"
            )
        )
        managers = {pk: manager for pk, _, _, manager in rows}
        of: dict[int, list[tuple[str, int]]] = {}
        for pk, department, location, _ in rows:
            groups = [(Dimension.ALL.value, 0)]
            if department:
                groups.append((Dimension.DEPARTMENT.value, department))
            if location:
                groups.append((Dimension.LOCATION.value, location))
            boss, seen = managers.get(pk), {pk}
            while boss is not None and boss not in seen:
                groups.append((Dimension.MANAGER.value, boss))
                seen.add(boss)
                boss = managers.get(boss)
            of[pk] = groups
        people: Counter[tuple[str, int]] = Counter()
        for groups in of.values():
            people.update(groups)
        return cls(of=of, people=people)

    def count(self, person_ids: Iterable[int]) -> Counter[tuple[str, int]]:
        counts: Counter[tuple[str, int]] = Counter()
        for pk in person_ids:
            counts.update(self.of.get(pk, ()))
        return counts


def fill_written(start: dt.date, end: dt.date) -> None:
    """Write each person's posts, replies and reactions per day into their ``PersonDay``."""
    low, high = _bounds(start, end)
    written: Counter[tuple[dt.date, int]] = Counter()
    for per_day in (
        _per_day(Post.objects.filter(created_at__gte=low, created_at__lt=high), "author_id"),
        _per_day(Reply.objects.filter(created_at__gte=low, created_at__lt=high), "author_id"),
        _per_day(Reaction.objects.filter(created_at__gte=low, created_at__lt=high), "user_id"),
    ):
        for day, counts in per_day.items():
            for person, n in counts.items():
                written[(day, person)] += n
    PersonDay.objects.filter(day__gte=start, day__lte=end).exclude(wrote=0).update(wrote=0)
    PersonDay.objects.bulk_create(
        [PersonDay(day=day, person_id=person, wrote=n) for (day, person), n in written.items()],
        update_conflicts=True,
        unique_fields=["day", "person"],
        update_fields=["wrote"],
        batch_size=2000,
    )


def _content(start: dt.date, end: dt.date) -> dict[str, dict[dt.date, Counter[int]]]:
    """Per kind of content, per day, how many each author wrote."""
    low, high = _bounds(start, end)
    posts = Post.objects.filter(created_at__gte=low, created_at__lt=high, deleted_at__isnull=True)
    return {
        "posts": _per_day(
            posts.exclude(kind=PostKind.QUESTION).exclude(announcement__isnull=False), "author_id"
        ),
        "questions": _per_day(posts.filter(kind=PostKind.QUESTION), "author_id"),
        "announcements": _per_day(
            Announcement.objects.filter(published_at__gte=low, published_at__lt=high),
            "post__author_id",
            "published_at",
        ),
        "replies": _per_day(
            Reply.objects.filter(created_at__gte=low, created_at__lt=high, deleted_at__isnull=True),
            "author_id",
        ),
        "reactions": _per_day(
            Reaction.objects.filter(created_at__gte=low, created_at__lt=high), "user_id"
        ),
    }


def _answer_minutes(start: dt.date, end: dt.date) -> dict[dt.date, list[tuple[int, int]]]:
    """Per day, (asker, minutes to the first reply by someone else) of that day's answered
    questions."""
    low, high = _bounds(start, end)
    questions = (
        Post.objects.filter(
            kind=PostKind.QUESTION,
            created_at__gte=low,
            created_at__lt=high,
            deleted_at__isnull=True,
        )
        .annotate(
            first_answer=Min(
                "replies__created_at",
                filter=Q(replies__deleted_at__isnull=True) & ~Q(replies__author_id=F("author_id")),
            )
        )
        .filter(first_answer__isnull=False)
        .values_list("author_id", "created_at", "first_answer")
    )
    result: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for author, asked, answered in questions:
        minutes = max(0, round((answered - asked).total_seconds() / 60))
        result[asked.astimezone(dt.UTC).date()].append((author, minutes))
    return result


def rollup(start: dt.date, end: dt.date) -> int:
    """Compute ``AdoptionDay`` for every day from ``start`` to ``end``; returns the rows written."""
    if end < start:
        return 0
    fill_written(start, end)
    groups = Groups.load()
    reach_back = start - dt.timedelta(days=MONTH - 1)
    activity: dict[dt.date, set[int]] = defaultdict(set)
    writers: dict[dt.date, set[int]] = defaultdict(set)
    for person, day, seen, read, wrote in PersonDay.objects.filter(
        day__gte=reach_back, day__lte=end
    ).values_list("person_id", "day", "seen", "read", "wrote"):
        if seen or read or wrote:
            activity[day].add(person)
        if wrote:
            writers[day].add(person)
    first_days = dict(
        PersonDay.objects.filter(Q(seen__gt=0) | Q(read__gt=0) | Q(wrote__gt=0))
        .values("person_id")
        .annotate(first=Min("day"))
        .filter(first__gte=start, first__lte=end)
        .values_list("person_id", "first")
    )
    content = _content(start, end)
    answers = _answer_minutes(start, end)
    week: Counter[int] = Counter()
    month: Counter[int] = Counter()
    week_writers: Counter[int] = Counter()
    for day in _day_range(reach_back, start - dt.timedelta(days=1)):
        month.update(activity.get(day, ()))
        if (start - day).days <= WEEK - 1:
            week.update(activity.get(day, ()))
            week_writers.update(writers.get(day, ()))
    rows: list[AdoptionDay] = []
    for day in _day_range(start, end):
        for window, counter, length in (
            ("month", month, MONTH),
            ("week", week, WEEK),
            ("week_writers", week_writers, WEEK),
        ):
            source = writers if window == "week_writers" else activity
            counter.update(source.get(day, ()))
            leaving = day - dt.timedelta(days=length)
            # Only a day that entered the window (from the one before ``start`` on) leaves it.
            if leaving >= start - dt.timedelta(days=length - 1):
                counter.subtract(source.get(leaving, ()))
                for person in [p for p, n in counter.items() if n <= 0]:
                    del counter[person]
        daily = groups.count(activity.get(day, ()))
        weekly = groups.count(week)
        monthly = groups.count(month)
        posting = groups.count(week_writers)
        reading = groups.count(p for p in week if p not in week_writers)
        new = groups.count(p for p, first in first_days.items() if first == day)
        written = {
            kind: groups.count(per_day.get(day, Counter()).elements())
            for kind, per_day in content.items()
        }
        minutes: dict[tuple[str, int], list[int]] = defaultdict(list)
        for author, waited in answers.get(day, ()):
            for group in groups.of.get(author, ()):
                minutes[group].append(waited)
        for group, people in groups.people.items():
            rows.append(
                AdoptionDay(
                    day=day,
                    dimension=group[0],
                    group_id=group[1],
                    people=people,
                    daily_active=daily[group],
                    weekly_active=weekly[group],
                    monthly_active=monthly[group],
                    posting=posting[group],
                    reading=reading[group],
                    new=new[group],
                    answer_minutes=sorted(minutes.get(group, [])),
                    **{kind: counts[group] for kind, counts in written.items()},
                )
            )
    try:
        with transaction.atomic():
            AdoptionDay.objects.filter(day__gte=start, day__lte=end).delete()
            AdoptionDay.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        # A run on another host wrote the same days between our delete and insert.
        logger.info("Another roll-up wrote %s to %s first", start, end)
        return 0
    return len(rows)


def due_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days a run should (re)compute: from ``RECOMPUTE_DAYS`` before the last computed day
    (or, the first time, the first day anything happened) to today."""
    today = today or timezone.now().date()
    last = AdoptionDay.objects.aggregate(last=Max("day"))["last"]
    if last is not None:
        return min(last, today) - dt.timedelta(days=RECOMPUTE_DAYS), today
    first_post = Post.objects.aggregate(first=Min("created_at"))["first"]
    first_day = PersonDay.objects.aggregate(first=Min("day"))["first"]
    candidates = [d for d in (first_post and first_post.date(), first_day) if d is not None]
    start = max(min(candidates, default=today), today - dt.timedelta(days=BACKFILL_DAYS))
    return start, today
