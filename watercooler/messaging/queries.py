"""Messaging's reads: a person's seat in a conversation (404 for anyone never in it), their
inbox (last activity first, over one index) and a conversation's messages (newest first, paged
by cursor), never past what a person who left may still read."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from watercooler.core.inputs import MAX_INT
from watercooler.core.paging import Page, paginate
from watercooler.messaging.models import PRESENT, Message, Seat
from watercooler.messaging.policy import NOT_IN_CONVERSATION
from watercooler.people.models import User

INBOX_PAGE = 30
MESSAGES_PAGE = 50


def _present_people() -> "Prefetch[str, QuerySet[Seat], str]":
    return Prefetch(
        "conversation__seats",
        queryset=Seat.objects.filter(PRESENT).select_related("person").order_by("pk"),
        to_attr="present_seats",
    )


def access_seat(viewer: User, conversation_id: int) -> Seat:
    """``viewer``'s seat in the conversation, with the conversation and its present people."""
    if not 0 < conversation_id <= MAX_INT:  # a lookup through a foreign key would overflow
        raise Http404(NOT_IN_CONVERSATION)
    seat = (
        Seat.objects.filter(conversation_id=conversation_id, person_id=viewer.pk)
        .select_related("conversation__last_message__author")
        .prefetch_related(_present_people())
        .first()
    )
    if seat is None:
        raise Http404(NOT_IN_CONVERSATION)
    return seat


def inbox(
    viewer: User, *, cursor: str | None, archived: bool = False, limit: int = INBOX_PAGE
) -> Page[Seat]:
    """``viewer``'s conversations, last activity first (archived ones apart)."""
    seats = (
        Seat.objects.filter(person_id=viewer.pk, archived=archived)
        .select_related("conversation__last_message__author")
        .prefetch_related(_present_people())
    )
    return paginate(seats, keys=["-last_activity_at", "-id"], cursor=cursor, limit=limit)


def readable_messages(seat: Seat) -> QuerySet[Message]:
    messages = Message.objects.filter(
        conversation_id=seat.conversation_id, pk__gt=seat.first_visible_id
    )
    if seat.left_at is not None:
        messages = messages.filter(pk__lte=seat.last_visible_id or 0)
    return messages


def messages_page(
    seat: Seat, *, before: int | None, cursor: str | None, limit: int = MESSAGES_PAGE
) -> Page[Message]:
    """The messages ``seat`` may read, newest first (before message ``before`` if given)."""
    messages = readable_messages(seat).select_related("author", "reply_to__author")
    if before is not None:
        messages = messages.filter(pk__lt=before)
    return paginate(messages, keys=["-id"], cursor=cursor, limit=limit)


def access_message(viewer: User, message_id: int) -> tuple[Seat, Message]:
    """A message ``viewer`` may read, with their seat; 404 otherwise."""
    message = Message.objects.filter(pk=message_id).select_related("author").first()
    if message is None:
        raise Http404("No such message.")
    seat = access_seat(viewer, message.conversation_id)
    if not readable_messages(seat).filter(pk=message.pk).exists():
        raise Http404("No such message.")
    return seat, message


def last_message_for(seat: Seat) -> Message | None:
    """The conversation's last message, or for someone who left, the last one they saw."""
    last = seat.conversation.last_message
    if last is None or seat.left_at is None or last.pk <= (seat.last_visible_id or 0):
        return last
    return readable_messages(seat).select_related("author").order_by("-pk").first()


def present_seats(seat: Seat) -> list[Seat]:
    """The seats of the people in ``seat``'s conversation now, with their person (read with
    the seat by ``access_seat`` and ``inbox``)."""
    seats: list[Seat] | None = getattr(seat.conversation, "present_seats", None)
    if seats is None:
        seats = list(
            Seat.objects.filter(PRESENT, conversation_id=seat.conversation_id)
            .select_related("person")
            .order_by("pk")
        )
    return seats
