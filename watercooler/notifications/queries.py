"""Reads of notifications for pages and the API, how each one is put into words, and what
each person chose to see.

Every read is the viewer's own: a notification belongs to its recipient and nobody else may list,
open or mark it. A list page is one indexed query (``notification_list_idx``) with the actor, the
post and the reply joined in, so a page costs the same for 5 or 500 rows.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.text import Truncator

from watercooler.core.paging import Page, paginate
from watercooler.notifications.models import (
    Notification,
    NotificationKind,
    NotificationPreferences,
)
from watercooler.notifications.policy import IN_APP_DEFAULT, TOPIC_KEYS, TOPIC_OF_KIND
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


def in_app_settings(user: User) -> dict[str, bool]:
    """Each topic's in-app choice for ``user`` (the default where they made none)."""
    chosen = (
        NotificationPreferences.objects.filter(person_id=user.pk)
        .values_list("in_app", flat=True)
        .first()
    ) or {}
    return {key: bool(chosen.get(key, IN_APP_DEFAULT)) for key in TOPIC_KEYS}


def turned_off(recipient_ids: Iterable[int], kind: str) -> set[int]:
    """Those of ``recipient_ids`` who turned ``kind``'s topic off in the app (one query per 900
    people; none for a kind nobody can turn off)."""
    topic = TOPIC_OF_KIND.get(kind)
    wanted = sorted(set(recipient_ids))
    if topic is None or not wanted:
        return set()
    off: set[int] = set()
    for start in range(0, len(wanted), 900):
        off.update(
            NotificationPreferences.objects.filter(
                person_id__in=wanted[start : start + 900], **{f"in_app__{topic}": False}
            ).values_list("person_id", flat=True)
        )
    return off
