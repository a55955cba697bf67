"""Messaging's part in the notifications' email, which may not import this later app: what a
missed-message email quotes (the conversation's messages its reader has not read,
``notifications.emails.register_lines``), and where a reply to it by email goes (a message in
the conversation, ``notifications.inbound.register_target``)."""

from django.utils.text import Truncator

from watercooler.messaging.actions import do_send_message
from watercooler.messaging.models import Message, Seat
from watercooler.messaging.queries import access_seat
from watercooler.notifications.emails import LINE_CHARS, Line, conversation_of, register_lines
from watercooler.notifications.inbound import register_target
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User

# The newest unread messages an email quotes; the link opens the rest.
MESSAGES_QUOTED = 10


def unread_lines(notification: Notification) -> list[Line]:
    """The newest unread messages of the notification's conversation that its recipient may
    read (from when they joined, up to when they left), oldest first."""
    conversation_id = conversation_of(notification)
    if conversation_id is None:
        return []
    seat = Seat.objects.filter(
        conversation_id=conversation_id, person_id=notification.recipient_id
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


def reply_by_email(person: User, conversation_id: int, text: str) -> Message:
    """Send ``text`` into the conversation as ``person``, who must still be in it."""
    seat = access_seat(person, conversation_id, people=False)
    return do_send_message(actor=person, seat=seat, body=text)


def register() -> None:
    register_lines([NotificationKind.MESSAGE, NotificationKind.MESSAGE_MENTION], unread_lines)
    register_target("conversation", reply_by_email)
