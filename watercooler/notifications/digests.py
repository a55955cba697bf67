"""The digest: one email, daily or weekly, sent in the morning of each person's time zone
(``policy.Digest``), with what is worth their time since the last one:

1. must-reads they have not acknowledged, first;
2. the best posts (most replies and reactions) from the people, #topics and communities they
   follow, that they may see and did not mute;
3. upcoming events in the next week that they are going to or invited to (the organisation's,
   and their communities'), not declined;
4. unanswered questions about #topics they follow;
5. new people in their team (same manager, or reporting to them);
6. the reach of their own posts: how many people saw each, and replies and reactions.

Skipped when there is nothing worth sending. Built for a batch of people at a time with a
bounded number of queries per batch, never per person: who follows what and who may see each
candidate post are asked for the whole batch (``feed.queries.people_who_can_see``).

``send_due_digests`` (a periodic job, and ``manage.py send_digests``) claims each due person's
digest with a conditional UPDATE of ``digest_sent_at``, so two runs never send one twice, and
queues the emails in the same transaction (``core.mail``).
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from watercooler.announcements.models import AnnouncementReceipt
from watercooler.communities.models import Membership, MembershipStatus
from watercooler.core import mail
from watercooler.events.models import Event, Rsvp, RsvpStatus
from watercooler.events.queries import people_who_can_see as people_who_can_see_event
from watercooler.feed.models import PersonFollow, Post, PostKind, TopicFollow
from watercooler.feed.queries import people_who_can_see
from watercooler.notifications import emails, queries
from watercooler.notifications.models import Mute, NotificationPreferences
from watercooler.notifications.policy import Digest
from watercooler.people.models import User

BATCH = 1_000
# The org's best posts and open questions of the period that each batch chooses from.
CANDIDATE_POSTS = 100
CANDIDATE_QUESTIONS = 30
POSTS_SHOWN = 5
QUESTIONS_SHOWN = 3
EVENTS_SHOWN = 5
EXCERPT_CHARS = 280
EVENTS_AHEAD = dt.timedelta(days=7)
SWEEP_EVERY = dt.timedelta(minutes=5)
SEND_WINDOW = dt.timedelta(hours=12)
PERIODS = {Digest.DAILY: dt.timedelta(days=1), Digest.WEEKLY: dt.timedelta(days=7)}

# How many people saw each of some posts: insights, a later app, registers it.
REACH_SOURCES: list[Callable[[Sequence[int]], dict[int, int]]] = []


def register_reach(source: Callable[[Sequence[int]], dict[int, int]]) -> None:
    REACH_SOURCES.append(source)


@dataclass
class PostLine:
    post: Post
    excerpt: str
    url: str


@dataclass
class ReachLine:
    excerpt: str
    url: str
    seen: int | None
    replies: int
    reactions: int


@dataclass
class DigestContent:
    person: User
    zone: zoneinfo.ZoneInfo
    since: dt.datetime
    # "day" or "week": what the email calls its period.
    period: str
    must_reads: list[PostLine] = field(default_factory=list)
    posts: list[PostLine] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    questions: list[PostLine] = field(default_factory=list)
    newcomers: list[User] = field(default_factory=list)
    reach: list[ReachLine] = field(default_factory=list)

    @property
    def worth_sending(self) -> bool:
        return bool(
            self.must_reads
            or self.posts
            or self.events
            or self.questions
            or self.newcomers
            or any(line.seen or line.replies or line.reactions for line in self.reach)
        )


def _line(post: Post) -> PostLine:
    return PostLine(
        post=post,
        excerpt=Truncator(" ".join(post.body.split())).chars(EXCERPT_CHARS),
        url=mail.site_url(f"/posts/{post.pk}/"),
    )


# --- Who is due -----------------------------------------------------------------------------------


def slot_start(chosen: queries.NotificationSettings, now: dt.datetime) -> dt.datetime | None:
    """The start of the digest slot ``now`` falls in for someone with these settings: this
    morning at ``Digest.HOUR`` their time (on a weekly digest, only on Mondays), until
    ``SEND_WINDOW`` later. None outside it: a digest missed then (the workers were down) waits
    for the next morning rather than arriving at night."""
    if chosen.digest == Digest.OFF:
        return None
    local = now.astimezone(chosen.zone)
    if chosen.digest == Digest.WEEKLY and local.weekday() != 0:
        return None
    start = dt.datetime.combine(local.date(), dt.time(Digest.HOUR), tzinfo=chosen.zone)
    if not start <= local < start + SEND_WINDOW:
        return None
    return start


def _active_batches(only: Iterable[int] | None) -> Iterable[list[User]]:
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    if only is not None:
        people = people.filter(pk__in=list(only))
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _claim(due: dict[int, dt.datetime], now: dt.datetime) -> set[int]:
    """Mark each due person's digest sent at ``now`` unless another run did since it was read;
    returns the people claimed."""
    NotificationPreferences.objects.bulk_create(
        [NotificationPreferences(person_id=pk) for pk in due], ignore_conflicts=True
    )
    by_slot: dict[dt.datetime, list[int]] = defaultdict(list)
    for pk, start in due.items():
        by_slot[start].append(pk)
    for start, ids in by_slot.items():
        NotificationPreferences.objects.filter(person_id__in=ids).filter(
            Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=start)
        ).update(digest_sent_at=now)
    return set(
        NotificationPreferences.objects.filter(
            person_id__in=list(due), digest_sent_at=now
        ).values_list("person_id", flat=True)
    )


def send_due_digests(
    *, now: dt.datetime | None = None, force: bool = False, only: Iterable[int] | None = None
) -> int:
    """Send every digest that is due (``force``: now, whatever the hour or day; ``only``: these
    people's). Nobody whose digest is off or who unsubscribed from all email gets one. Returns
    how many were sent (queued); those with nothing worth sending count as done."""
    now = now or timezone.now()
    sent = 0
    for batch in _active_batches(only):
        chosen = queries.settings_of([person.pk for person in batch])
        due: dict[int, dt.datetime] = {}
        for person in batch:
            settings_ = chosen[person.pk]
            if settings_.no_email or settings_.digest == Digest.OFF:
                continue
            start = now if force else slot_start(settings_, now)
            last = settings_.digest_sent_at
            if start is not None and (force or last is None or last < start):
                due[person.pk] = start
        if not due:
            continue
        with transaction.atomic():
            claimed = _claim(due, now)
            people = [person for person in batch if person.pk in claimed]
            digests = build_digests(people, {pk: chosen[pk] for pk in claimed}, now)
            worth = [digest for digest in digests if digest.worth_sending]
            sent += mail.queue([digest_email(digest) for digest in worth])
    return sent


# --- What goes in -----------------------------------------------------------------------------


def _since(chosen: queries.NotificationSettings, now: dt.datetime) -> dt.datetime:
    """Since the last digest, else one period back; never more than a week."""
    period = PERIODS.get(chosen.digest, PERIODS[Digest.WEEKLY])
    earliest = now - PERIODS[Digest.WEEKLY]
    return max(chosen.digest_sent_at or now - period, earliest)


def build_digests(
    people: Sequence[User],
    chosen: dict[int, queries.NotificationSettings],
    now: dt.datetime,
) -> list[DigestContent]:
    """The digests of ``people``, built together (``chosen``: their settings, as read before
    their digest was claimed)."""
    if not people:
        return []
    ids = [person.pk for person in people]
    digests = {
        person.pk: DigestContent(
            person=person,
            zone=chosen[person.pk].zone,
            since=_since(chosen[person.pk], now),
            period="day" if chosen[person.pk].digest == Digest.DAILY else "week",
        )
        for person in people
    }
    earliest = min(digest.since for digest in digests.values())
    follows = _follows(ids)
    _add_must_reads(digests, ids, now)
    _add_posts_and_questions(digests, ids, earliest, follows)
    _add_events(digests, ids, now, follows.communities)
    _add_newcomers(digests, people, earliest)
    _add_reach(digests, ids, earliest)
    return [digests[pk] for pk in ids]


def _add_must_reads(digests: dict[int, DigestContent], ids: list[int], now: dt.datetime) -> None:
    receipts = (
        AnnouncementReceipt.objects.filter(
            user_id__in=ids,
            acknowledged_at__isnull=True,
            announcement__must_read=True,
            announcement__published_at__isnull=False,
            announcement__post__deleted_at__isnull=True,
        )
        .filter(Q(announcement__expires_at__isnull=True) | Q(announcement__expires_at__gt=now))
        .select_related("announcement__post__author")
        .order_by("-announcement__published_at")
    )
    for receipt in receipts:
        post = receipt.announcement.post
        if post.author_id != receipt.user_id:
            digests[receipt.user_id].must_reads.append(_line(post))


@dataclass(frozen=True)
class Follows:
    """Of a batch of people: whom each follows, which #topics, which communities they are in."""

    people: dict[int, set[int]]
    topics: dict[int, set[int]]
    communities: dict[int, set[int]]


def _follows(ids: list[int]) -> Follows:
    people: dict[int, set[int]] = defaultdict(set)
    for follower, followee in PersonFollow.objects.filter(follower_id__in=ids).values_list(
        "follower_id", "followee_id"
    ):
        people[follower].add(followee)
    topics: dict[int, set[int]] = defaultdict(set)
    for follower, topic in TopicFollow.objects.filter(follower_id__in=ids).values_list(
        "follower_id", "topic_id"
    ):
        topics[follower].add(topic)
    communities: dict[int, set[int]] = defaultdict(set)
    for user, community in Membership.objects.filter(
        user_id__in=ids, status=MembershipStatus.ACTIVE
    ).values_list("user_id", "community_id"):
        communities[user].add(community)
    return Follows(people, topics, communities)


def _candidates(since: dt.datetime, *, questions: bool) -> list[Post]:
    posts = Post.objects.filter(
        created_at__gte=since, deleted_at__isnull=True, announcement__isnull=True
    ).select_related("author", "community")
    if questions:
        posts = posts.filter(kind=PostKind.QUESTION, accepted_reply__isnull=True).order_by(
            "-created_at"
        )[:CANDIDATE_QUESTIONS]
    else:
        posts = posts.exclude(kind=PostKind.QUESTION).order_by(
            (F("reply_count") * 2 + F("reaction_count")).desc(), "-pk"
        )[:CANDIDATE_POSTS]
    return list(posts.prefetch_related("topics"))


def _muted(ids: list[int]) -> dict[int, tuple[set[int], set[int], set[int]]]:
    """Each person's muted posts, #topics and communities."""
    muted: dict[int, tuple[set[int], set[int], set[int]]] = defaultdict(
        lambda: (set(), set(), set())
    )
    for person, post, topic, community in Mute.objects.filter(person_id__in=ids).values_list(
        "person_id", "post_id", "topic_id", "community_id"
    ):
        posts, topics, communities = muted[person]
        for value, into in ((post, posts), (topic, topics), (community, communities)):
            if value is not None:
                into.add(value)
    return muted


def _add_posts_and_questions(
    digests: dict[int, DigestContent], ids: list[int], since: dt.datetime, follows: Follows
) -> None:
    muted = _muted(ids)
    for questions, limit in ((False, POSTS_SHOWN), (True, QUESTIONS_SHOWN)):
        for post in _candidates(since, questions=questions):
            topic_ids = {topic.pk for topic in post.topics.all()}
            interested = set()
            for pk in ids:
                digest = digests[pk]
                chosen = digest.questions if questions else digest.posts
                if len(chosen) >= limit or post.author_id == pk or post.created_at < digest.since:
                    continue
                posts_muted, topics_muted, communities_muted = muted[pk]
                if (
                    post.pk in posts_muted
                    or topic_ids & topics_muted
                    or post.community_id in communities_muted
                ):
                    continue
                followed = bool(topic_ids & follows.topics[pk])
                if not questions:
                    followed = followed or (
                        post.author_id in follows.people[pk]
                        or post.community_id in follows.communities[pk]
                    )
                if followed:
                    interested.add(pk)
            for pk in people_who_can_see(post, interested) if interested else ():
                digest = digests[pk]
                (digest.questions if questions else digest.posts).append(_line(post))


def _add_events(
    digests: dict[int, DigestContent],
    ids: list[int],
    now: dt.datetime,
    member_of: dict[int, set[int]],
) -> None:
    events = list(
        Event.objects.filter(
            starts_at__gte=now, starts_at__lt=now + EVENTS_AHEAD, cancelled_at__isnull=True
        )
        .select_related("community")
        .order_by("starts_at", "pk")[:100]
    )
    if not events:
        return
    answers = {
        (user, event): status
        for user, event, status in Rsvp.objects.filter(
            user_id__in=ids, event_id__in=[event.pk for event in events]
        ).values_list("user_id", "event_id", "status")
    }
    for event in events:
        invited = {
            pk
            for pk in ids
            if answers.get((pk, event.pk)) in (RsvpStatus.GOING, RsvpStatus.MAYBE)
            or (
                (pk, event.pk) not in answers
                and (event.community_id is None or event.community_id in member_of[pk])
            )
        }
        for pk in people_who_can_see_event(event, invited) if invited else ():
            if len(digests[pk].events) < EVENTS_SHOWN:
                digests[pk].events.append(event)


def _add_newcomers(
    digests: dict[int, DigestContent], people: Sequence[User], since: dt.datetime
) -> None:
    newcomers = list(
        User.objects.filter(is_active=True, start_date__gte=since.date()).select_related(
            "department"
        )[:500]
    )
    if not newcomers:
        return
    for person in people:
        digest = digests[person.pk]
        digest.newcomers = [
            new
            for new in newcomers
            if new.pk != person.pk
            and new.start_date is not None
            and new.start_date >= digest.since.date()
            and (
                new.manager_id == person.pk
                or (person.manager_id is not None and new.manager_id == person.manager_id)
            )
        ]


def _add_reach(digests: dict[int, DigestContent], ids: list[int], since: dt.datetime) -> None:
    own = list(
        Post.objects.filter(author_id__in=ids, created_at__gte=since, deleted_at__isnull=True)
        .order_by("-created_at")
        .only("id", "author_id", "body", "created_at", "reply_count", "reaction_count")[:5_000]
    )
    if not own:
        return
    seen: dict[int, int] = {}
    for source in REACH_SOURCES:
        seen.update(source([post.pk for post in own]))
    for post in own:
        digest = digests[post.author_id]
        if post.created_at < digest.since or len(digest.reach) >= POSTS_SHOWN:
            continue
        line = _line(post)
        digest.reach.append(
            ReachLine(
                excerpt=line.excerpt,
                url=line.url,
                seen=seen.get(post.pk, 0) if REACH_SOURCES else None,
                replies=post.reply_count,
                reactions=post.reaction_count,
            )
        )


# --- The email ----------------------------------------------------------------------------------


def digest_context(digest: DigestContent) -> dict[str, object]:
    person = digest.person
    return {
        "digest": digest,
        "person": person,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "settings_url": mail.site_url(reverse("notifications:settings")),
        "unsubscribe_url": emails.unsubscribe_url(person.pk, "digest"),
        "unsubscribe_what": emails.UNSUBSCRIBE_LISTS["digest"],
    }


def render_digest(digest: DigestContent) -> tuple[str, str]:
    with timezone.override(digest.zone):
        return mail.render("notifications/email/digest", digest_context(digest))


def digest_subject(digest: DigestContent) -> str:
    parts = []
    if digest.must_reads:
        count = len(digest.must_reads)
        parts.append(f"{count} must-read{'s' if count > 1 else ''} waiting")
    if digest.posts:
        parts.append(
            f"{len(digest.posts)} post{'s' if len(digest.posts) > 1 else ''} worth reading"
        )
    if digest.events:
        parts.append(f"{len(digest.events)} event{'s' if len(digest.events) > 1 else ''} coming up")
    summary = ", ".join(parts) or "what happened"
    return f"[{settings.SITE_NAME}] Your digest: {summary}"


def digest_email(digest: DigestContent) -> mail.Email:
    text, html = render_digest(digest)
    return mail.Email(
        to=digest.person.email,
        subject=digest_subject(digest),
        text=text,
        html=html,
        kind="digest",
        person_id=digest.person.pk,
        headers=emails.list_headers(digest.person.pk, "digest"),
    )


def preview(person: User, *, now: dt.datetime | None = None) -> DigestContent:
    """The digest ``person`` would get now, built as the real one is, without sending or
    marking anything."""
    now = now or timezone.now()
    return build_digests([person], queries.settings_of([person.pk]), now)[0]
