"""Reads behind a community's Files and Health tabs.

Files: the attachments of the community's live posts, newest post first, one indexed page at a
time (post_community_recent_idx finds the posts, the attachment's post index their files).

Health (owners, moderators and administrators): the last ``HEALTH_WEEKS`` weeks, each a calendar
week from Monday 00:00 in the site's time zone (``TruncWeek`` uses the current time zone, and
so do the week starts computed here, so both agree on SQLite and PostgreSQL). Every series is one
aggregate query grouped by week, never a query per week:

* members at the end of each week: today's ``Community.member_count`` with the
  ``MembershipChange`` deltas of later weeks taken back off, walking backwards;
* active members: distinct people who posted, replied or reacted in the community that week;
* posts and replies per week;
* questions asked each week and how many of those have an accepted answer now, plus every open
  (unanswered) question of the community today.

Deleted posts and replies do not count: they are gone from the community's page too.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from watercooler.communities.models import Community, MembershipChange
from watercooler.communities.queries import CommunityHeader, check_can_see_content
from watercooler.core.paging import Page, paginate
from watercooler.feed.models import Attachment, Post, PostKind, Reaction, Reply
from watercooler.people.models import User

FILES_PAGE_SIZE = 24
HEALTH_WEEKS = 12


# --- Files ---------------------------------------------------------------------------------------


def community_files_page(
    viewer: User,
    community: Community,
    *,
    images: bool,
    cursor: str | None = None,
    limit: int = FILES_PAGE_SIZE,
) -> Page[Attachment]:
    """The community's images (``images``: those with a thumbnail) or its other files, from
    posts that are not deleted, newest post first (then the newest file of a post first), with
    the post and its author loaded. Http404 unless ``viewer`` may see the community's content;
    every live post of the community is visible to whoever may. Raises InvalidCursorError for a
    cursor this list did not make."""
    check_can_see_content(viewer, community)
    files = (
        Attachment.objects.select_related("post", "post__author")
        .filter(post__community_id=community.pk, post__deleted_at__isnull=True)
        .annotate(posted_at=F("post__created_at"))
    )
    files = files.exclude(thumbnail="") if images else files.filter(thumbnail="")
    return paginate(files, keys=["-posted_at", "-id"], cursor=cursor, limit=limit)


# --- Health --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekStats:
    start: dt.date  # the Monday the week starts on
    members: int  # at the end of the week (today, for the current week)
    active: int  # distinct people who posted, replied or reacted
    posts: int
    replies: int
    questions: int  # asked that week
    answered: int  # of those, how many have an accepted answer now


@dataclass(frozen=True)
class Health:
    weeks: list[WeekStats]  # oldest first; the last one is the current week
    unanswered_now: int  # questions in the community without an accepted answer, all time

    @property
    def this_week(self) -> WeekStats:
        return self.weeks[-1]


def check_can_see_health(viewer: User, header: CommunityHeader) -> None:
    """The health tab is for the people who run the community (``header.can_moderate``:
    owners, moderators, administrators); anyone else who can see the community gets 403."""
    if not header.can_moderate:
        raise PermissionDenied("Only the community's owners and moderators see its health.")


def week_starts(now: dt.datetime, weeks: int = HEALTH_WEEKS) -> list[dt.datetime]:
    """The Mondays (00:00 in the current time zone) of the last ``weeks`` weeks, oldest first,
    the last one being the week ``now`` is in."""
    local = timezone.localtime(now)
    monday = (local - dt.timedelta(days=local.weekday())).date()
    zone = timezone.get_current_timezone()
    return [
        dt.datetime.combine(monday - dt.timedelta(weeks=weeks - 1 - i), dt.time(), tzinfo=zone)
        for i in range(weeks)
    ]


def _week_key(value: Any) -> dt.date:
    """TruncWeek gives an aware datetime (a date on some backends); the Monday is the key."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    assert isinstance(value, dt.date)
    return value


def community_health(
    viewer: User, header: CommunityHeader, *, now: dt.datetime | None = None
) -> Health:
    """The last ``HEALTH_WEEKS`` weeks of ``header.community`` (see the module's docstring) in
    five queries whatever the amount of activity. PermissionDenied unless ``viewer`` may see it
    (``check_can_see_health``); the header was loaded through the community access rule."""
    check_can_see_health(viewer, header)
    community = header.community
    starts = week_starts(now or timezone.now())
    since = starts[0]
    keys = [start.date() for start in starts]

    posts = Post.objects.filter(
        community_id=community.pk, deleted_at__isnull=True, created_at__gte=since
    )
    is_question = Q(kind=PostKind.QUESTION)
    post_rows: dict[dt.date, dict[str, int]] = {
        _week_key(row["week"]): {k: row[k] for k in ("posts", "questions", "answered")}
        for row in posts.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            posts=Count("id"),
            questions=Count("id", filter=is_question),
            answered=Count("id", filter=is_question & Q(accepted_reply__isnull=False)),
        )
        .order_by()
    }

    replies = Reply.objects.filter(
        post__community_id=community.pk,
        post__deleted_at__isnull=True,
        deleted_at__isnull=True,
        created_at__gte=since,
    )
    reply_counts = {
        _week_key(row["week"]): row["n"]
        for row in replies.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }

    # Who was active: one UNION of (week, person) pairs; UNION drops the duplicates, so a person
    # who posted and reacted in a week is one pair.
    reactions = Reaction.objects.filter(
        Q(post__community_id=community.pk, post__deleted_at__isnull=True)
        | Q(reply__post__community_id=community.pk, reply__deleted_at__isnull=True),
        created_at__gte=since,
    )
    pairs = (
        posts.annotate(week=TruncWeek("created_at"))
        .values_list("week", "author_id")
        .order_by()
        .union(
            replies.annotate(week=TruncWeek("created_at"))
            .values_list("week", "author_id")
            .order_by(),
            reactions.annotate(week=TruncWeek("created_at"))
            .values_list("week", "user_id")
            .order_by(),
        )
    )
    active: dict[dt.date, int] = {}
    for week, _person in pairs:
        key = _week_key(week)
        active[key] = active.get(key, 0) + 1

    deltas = {
        _week_key(row["week"]): row["total"] or 0
        for row in MembershipChange.objects.filter(community_id=community.pk, at__gte=since)
        .annotate(week=TruncWeek("at"))
        .values("week")
        .annotate(total=Sum("delta"))
        .order_by()
    }
    # Walk backwards from today's count: the members at the end of a week are those at the end
    # of the next one minus that next week's joins plus its leaves.
    members: dict[dt.date, int] = {}
    count = community.member_count
    for key in reversed(keys):
        members[key] = max(count, 0)
        count -= deltas.get(key, 0)

    unanswered_now = Post.objects.filter(
        community_id=community.pk,
        deleted_at__isnull=True,
        kind=PostKind.QUESTION,
        accepted_reply__isnull=True,
    ).count()

    weeks = [
        WeekStats(
            start=key,
            members=members[key],
            active=active.get(key, 0),
            posts=post_rows.get(key, {}).get("posts", 0),
            replies=reply_counts.get(key, 0),
            questions=post_rows.get(key, {}).get("questions", 0),
            answered=post_rows.get(key, {}).get("answered", 0),
        )
        for key in keys
    ]
    return Health(weeks=weeks, unanswered_now=unanswered_now)
