"""Reads of notifications for pages and the API, how each one is put into words, and what
each person chose to see.

Every read is the viewer's own: a notification belongs to its recipient and nobody else may list,
open or mark it. A list page is one indexed query (``notification_list_idx``) with the actor, the
post and the reply joined in, so a page costs the same for 5 or 500 rows.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.text import Truncator

from watercooler.core.paging import Page, paginate
from watercooler.feed.models import Post
from watercooler.feed.queries import can_see_post
from watercooler.notifications.models import (
    Mute,
    Notification,
    NotificationKind,
    NotificationPreferences,
    PushSubscription,
)
from watercooler.notifications.policy import (
    ALWAYS_DELIVERED,
    CHANNEL_DEFAULTS,
    THROUGH_MUTES,
    TOPIC_KEYS,
    TOPIC_OF_KIND,
    Digest,
    in_quiet_hours,
)
from watercooler.people.models import User

NOTIFICATIONS_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
EXCERPT_CHARS = 140


def _notifications(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("actor", "post", "reply", "post__announcement", "community", "event")
        # Rendered HTML is never shown here; leaving it out keeps a page of rows small.
        .defer("post__body_html", "reply__body_html", "post__reaction_summary")
    )


def notifications_page(
    user: User, cursor: str | None, *, limit: int = NOTIFICATIONS_PAGE_SIZE
) -> Page[Notification]:
    """One page of ``user``'s notifications, most recently updated first (a folded reaction
    moves back to the top). Raises InvalidCursorError for a cursor this server did not make."""
    return paginate(
        _notifications(user),
        keys=("-updated_at", "-id"),
        cursor=cursor,
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
    )


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread: one COUNT over notification_unread_idx."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def access_notification(user: User, notification_id: int) -> Notification:
    """``user``'s own notification; anyone else's is 404, as if it did not exist."""
    try:
        return _notifications(user).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


# --- Words and links ----------------------------------------------------------------------------


def post_url(post_id: int) -> str:
    # The feed's post page (feed:post). Spelled out so this app does not depend on the feed's
    # URL map being installed; the path is part of the product's public URLs.
    return f"/posts/{post_id}/"


def notification_url(notification: Notification) -> str:
    """Where opening the notification takes its reader."""
    if notification.link:
        return notification.link
    if notification.kind == NotificationKind.FOLLOW and notification.actor is not None:
        return reverse("people:profile", args=[notification.actor.username])
    if notification.event_id is not None:
        return f"/events/{notification.event_id}/"
    if notification.kind == NotificationKind.COMMUNITY_REQUEST and notification.community:
        return f"/c/{notification.community.handle}/requests/"
    if notification.post_id is None and notification.community is not None:
        return f"/c/{notification.community.handle}/"
    if notification.post_id is not None:
        url = post_url(notification.post_id)
        if notification.reply_id is not None:
            url += f"#reply-{notification.reply_id}"
        return url
    return reverse("notifications:list")


def _who(notification: Notification) -> str:
    name = notification.actor.display_name if notification.actor is not None else "Someone"
    others = notification.actor_count - 1
    if others <= 0:
        return name
    return f"{name} and {others} other{'s' if others != 1 else ''}"


def _announcement_title(notification: Notification) -> str:
    post = notification.post
    announcement = getattr(post, "announcement", None) if post is not None else None
    return announcement.title if announcement is not None else "an announcement"


def _community_name(notification: Notification) -> str:
    community = notification.community
    return community.name if community is not None else "a community"


def _event_title(notification: Notification) -> str:
    event = notification.event
    return f"“{event.title}”" if event is not None else "an event"


def notification_text(notification: Notification) -> str:
    """One sentence, e.g. "Ana Silva and 4 others reacted to your post"."""
    who = _who(notification)
    on_reply = notification.reply_id is not None
    match notification.kind:
        case NotificationKind.MENTION:
            return f"{who} mentioned you in a {'reply' if on_reply else 'post'}"
        case NotificationKind.REPLY:
            return f"{who} replied to your post"
        case NotificationKind.THREAD_REPLY:
            return f"{who} replied in a conversation you joined"
        case NotificationKind.REACTION:
            return f"{who} reacted to your {'reply' if on_reply else 'post'}"
        case NotificationKind.FOLLOW:
            return f"{who} started following you"
        case NotificationKind.ANNOUNCEMENT:
            return f"{who} announced: {_announcement_title(notification)}"
        case NotificationKind.ANNOUNCEMENT_REMINDER:
            return f"Reminder: please read and acknowledge “{_announcement_title(notification)}”"
        case NotificationKind.ANSWER_ACCEPTED:
            return f"{who} accepted your reply as the answer"
        case NotificationKind.COMMUNITY_REQUEST:
            return f"{who} asked to join {_community_name(notification)}"
        case NotificationKind.COMMUNITY_ADDED:
            return f"{who} added you to {_community_name(notification)}"
        case NotificationKind.COMMUNITY_APPROVED:
            return f"{who} approved your request to join {_community_name(notification)}"
        case NotificationKind.EVENT_PROMOTED:
            return f"A place opened up: you are now going to {_event_title(notification)}"
        case NotificationKind.EVENT_REMINDER:
            return f"Starting soon: {_event_title(notification)}"
        case NotificationKind.EXPERT_ASK:
            return f"{who} thinks you may know the answer to their question"
        case NotificationKind.SKILL_MATCH:
            return f"{who} matched you with “{notification.subject}”"
        case NotificationKind.SKILL_DONE:
            return f"{who} marked “{notification.subject}” as done"
        case NotificationKind.SKILL_APPLICATION:
            return f"{who} applied for your mentoring: “{notification.subject}”"
        case NotificationKind.SKILL_ACCEPTED:
            return f"{who} accepted you as a mentee: “{notification.subject}”"
        case NotificationKind.SKILL_DECLINED:
            return f"{who} could not take you on for “{notification.subject}”"
        case NotificationKind.SKILL_THANKS:
            return f"{who} thanked you: “{notification.subject}”"
        case NotificationKind.MESSAGE if notification.subject:
            return f"{who} wrote in “{notification.subject}”"
        case NotificationKind.MESSAGE:
            return f"{who} sent you a message"
        case NotificationKind.MESSAGE_MENTION if notification.subject:
            return f"{who} mentioned you in “{notification.subject}”"
        case NotificationKind.MESSAGE_MENTION:
            return f"{who} mentioned you in a conversation"
    return f"{who} did something"  # a kind added later without words yet


def notification_excerpt(notification: Notification) -> str:
    """The start of the text the notification is about (empty when it is not about a text)."""
    if notification.kind in (
        NotificationKind.FOLLOW,
        NotificationKind.ANNOUNCEMENT,
        NotificationKind.ANNOUNCEMENT_REMINDER,
        NotificationKind.COMMUNITY_REQUEST,
        NotificationKind.COMMUNITY_ADDED,
        NotificationKind.COMMUNITY_APPROVED,
        NotificationKind.EVENT_PROMOTED,
        NotificationKind.EVENT_REMINDER,
        NotificationKind.SKILL_MATCH,
        NotificationKind.SKILL_DONE,
        NotificationKind.SKILL_APPLICATION,
        NotificationKind.SKILL_ACCEPTED,
        NotificationKind.SKILL_DECLINED,
        NotificationKind.SKILL_THANKS,
        NotificationKind.MESSAGE,
        NotificationKind.MESSAGE_MENTION,
    ):
        return ""
    source = notification.reply or notification.post
    if source is None:
        return ""
    return Truncator(" ".join(source.body.split())).chars(EXCERPT_CHARS)


# --- Preferences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationSettings:
    """A person's choices, defaults filled in."""

    # channel key -> topic key -> on
    channels: dict[str, dict[str, bool]]
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    # What they chose ("" follows their location) and the zone that applies.
    time_zone: str
    zone: zoneinfo.ZoneInfo
    paused_until: dt.datetime | None
    digest: str
    digest_only: bool
    no_email: bool
    # When their last digest went: the next covers what came after it.
    digest_sent_at: dt.datetime | None

    def wants(self, channel: str, kind: str) -> bool:
        """Whether a ``kind`` notification reaches them on ``channel`` (must-reads always do)."""
        if kind in ALWAYS_DELIVERED:
            return True
        topic = TOPIC_OF_KIND.get(kind)
        return topic is not None and self.channels[channel][topic]

    def quiet_at(self, moment: dt.datetime) -> bool:
        """Whether email and push wait at ``moment``: paused, or in quiet hours."""
        if self.paused_until is not None and moment < self.paused_until:
            return True
        local = moment.astimezone(self.zone).time()
        return in_quiet_hours(self.quiet_start, self.quiet_end, local)


def zone_named(*names: str) -> zoneinfo.ZoneInfo:
    """The first of ``names`` that is a time zone, else the site's."""
    for name in (*names, settings.TIME_ZONE):
        if not name:
            continue
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")  # pragma: no cover - the site's zone is checked at start


def settings_from(
    row: NotificationPreferences | None, location_zone: str | None
) -> NotificationSettings:
    """``row``'s choices with the defaults filled in; ``location_zone`` is the person's
    location's zone, which applies when they chose none."""
    channels = {
        channel: {
            key: bool((getattr(row, channel) if row else {}).get(key, key in default_on))
            for key in TOPIC_KEYS
        }
        for channel, default_on in CHANNEL_DEFAULTS.items()
    }
    chosen_zone = row.time_zone if row else ""
    return NotificationSettings(
        channels=channels,
        quiet_start=row.quiet_start if row else None,
        quiet_end=row.quiet_end if row else None,
        time_zone=chosen_zone,
        zone=zone_named(chosen_zone, location_zone or ""),
        paused_until=row.paused_until if row else None,
        digest=row.digest if row and row.digest in Digest.KEYS else Digest.DEFAULT,
        digest_only=bool(row and row.digest_only),
        no_email=bool(row and row.no_email),
        digest_sent_at=row.digest_sent_at if row else None,
    )


def location_zone(user: User) -> str | None:
    """The zone of ``user``'s location, if they have one."""
    return User.objects.filter(pk=user.pk).values_list("location__timezone", flat=True).first()


def notification_settings(user: User) -> NotificationSettings:
    return settings_of([user.pk])[user.pk]


def settings_of(people: Sequence[int]) -> dict[int, NotificationSettings]:
    """Each of ``people``'s settings, two queries per 900 people."""
    settings_by_person: dict[int, NotificationSettings] = {}
    wanted = sorted(set(people))
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        rows = {
            row.person_id: row
            for row in NotificationPreferences.objects.filter(person_id__in=chunk)
        }
        zones = dict(User.objects.filter(pk__in=chunk).values_list("pk", "location__timezone"))
        for person_id in chunk:
            settings_by_person[person_id] = settings_from(rows.get(person_id), zones.get(person_id))
    return settings_by_person


def left_out(recipient_ids: Iterable[int], kind: str, *, post: Post | None = None) -> set[int]:
    """Those of ``recipient_ids`` not to be told of a ``kind`` notification in the app: they
    turned its topic off, or muted ``post``'s thread, community or a #topic of it (but for
    ``policy.THROUGH_MUTES``). One query per 900 people for each rule that applies."""
    wanted = sorted(set(recipient_ids))
    topic = TOPIC_OF_KIND.get(kind)
    off: set[int] = set()
    if not wanted:
        return off
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        if topic is not None:
            off.update(
                NotificationPreferences.objects.filter(
                    person_id__in=chunk, **{f"in_app__{topic}": False}
                ).values_list("person_id", flat=True)
            )
        if post is not None and kind not in THROUGH_MUTES:
            off.update(muted_by(chunk, post))
    return off


def muted_by(people: Sequence[int], post: Post) -> set[int]:
    """Those of ``people`` who muted ``post``'s thread, its community or one of its #topics."""
    about = Q(post_id=post.pk) | Q(topic__posts=post.pk)
    if post.community_id is not None:
        about |= Q(community_id=post.community_id)
    return set(Mute.objects.filter(about, person_id__in=people).values_list("person_id", flat=True))


def push_subscriptions_of(user: User) -> list[PushSubscription]:
    """The devices ``user`` subscribed to push, newest first."""
    return list(PushSubscription.objects.filter(person_id=user.pk).order_by("-created_at", "-pk"))


def is_muted(user: User, *, community: Any = None, topic: Any = None) -> bool:
    """Whether ``user`` muted ``community`` (or ``topic``)."""
    thing = {"community": community} if community is not None else {"topic": topic}
    return Mute.objects.filter(person_id=user.pk, **thing).exists()


@dataclass(frozen=True)
class MuteRow:
    id: int
    kind: str  # "community", "topic" or "thread"
    name: str
    url: str


def mutes_of(user: User) -> list[MuteRow]:
    """What ``user`` muted, newest first, named as they may see it: a thread whose post they
    can no longer see is listed without its words."""
    rows: list[MuteRow] = []
    mutes = (
        Mute.objects.filter(person_id=user.pk)
        .select_related("community", "topic", "post__author")
        .order_by("-created_at", "-id")
    )
    for mute in mutes:
        if mute.community is not None:
            rows.append(
                MuteRow(mute.pk, "community", mute.community.name, f"/c/{mute.community.handle}/")
            )
        elif mute.topic is not None:
            rows.append(
                MuteRow(
                    mute.pk,
                    "topic",
                    f"#{mute.topic.label}",
                    f"/topics/{mute.topic.name}/",
                )
            )
        elif mute.post is not None:
            name = (
                f"{mute.post.author}: {Truncator(' '.join(mute.post.body.split())).chars(60)}"
                if can_see_post(user, mute.post)
                else "A thread you can no longer see"
            )
            rows.append(MuteRow(mute.pk, "thread", name, post_url(mute.post.pk)))
    return rows
