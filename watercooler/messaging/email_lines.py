"""What a missed-message email quotes: the conversation's messages its reader has not read,
registered with the notifications' email (``notifications.emails.register_lines``), which may
not import this later app."""

from django.utils.text import Truncator

from watercooler.messaging.models import Message, Seat
from watercooler.notifications.emails import LINE_CHARS, Line, register_lines
from watercooler.notifications.models import Notification, NotificationKind

# The newest unread messages an email quotes; the link opens the rest.
MESSAGES_QUOTED = 10


def unread_lines(notification: Notification) -> list[Line]:
    """The newest unread messages of the notification's conversation that its recipient may
    read (from when they joined, up to when they left), oldest first."""
    _, _, conversation_id = notification.group_key.partition(":")
    if not notification.group_key.startswith("message:") or not conversation_id.isdigit():
        conversation_id = notification.link.strip("/").rpartition("/")[2]
    if not conversation_id.isdigit():
        return []
    seat = Seat.objects.filter(
        conversation_id=int(conversation_id), person_id=notification.recipient_id
    ).first()
    if seat is None:
        return []
    messages = Message.objects.filter(
        conversation_id=seat.conversation_id,
        pk__gt=max(seat.last_read_id, seat.first_visible_id - 1),
        deleted_at__isnull=True,
    ).exclude(author_id=notification.recipient_id)
    if seat.last_visible_id is not None:
        messages = messages.filter(pk__lte=seat.last_visible_id)
    newest = list(messages.select_related("author").order_by("-pk")[:MESSAGES_QUOTED])
    return [
        Line(
            author=message.author.display_name if message.author else "Someone",
            text=Truncator(message.body).chars(LINE_CHARS),
            html=message.body_html if len(message.body) <= LINE_CHARS else "",
            at=message.created_at,
        )
        for message in reversed(newest)
    ]


def register() -> None:
    register_lines([NotificationKind.MESSAGE, NotificationKind.MESSAGE_MENTION], unread_lines)
