"""Messaging's reads: a person's seat in a conversation (404 for anyone never in it), their
inbox (last activity first, over one index), a conversation's messages (newest first, paged
by cursor, never past what a person who left may still read), presence derived from heartbeats,
read positions for "seen by", blocks and preferences."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator

from watercooler.core.inputs import MAX_INT
from watercooler.core.paging import Page, paginate
from watercooler.core.policy import is_active_person
from watercooler.feed.queries import visible_posts
from watercooler.messaging.models import (
    PRESENT,
    Block,
    Heartbeat,
    Message,
    MessageAttachment,
    Preferences,
    PresenceStatus,
    Seat,
)
from watercooler.messaging.policy import (
    AWAY_AFTER_SECONDS,
    NOT_IN_CONVERSATION,
    PRESENCE_EXPIRES_SECONDS,
    SEEN_BY_LIMIT,
)
from watercooler.people.models import User

INBOX_PAGE = 30
MESSAGES_PAGE = 50


# What a conversation shows of a person (their name and link): a person's row has far more,
# and an inbox page reads a few hundred of them.
PERSON_NAME = ("id", "username", "display_name")


def _present_people() -> "Prefetch[str, QuerySet[Seat], str]":
    seats = (
        Seat.objects.filter(PRESENT)
        .select_related("person")
        .only(
            "conversation_id",
            "person_id",
            "is_admin",
            "last_read_id",
            "left_at",
            *(f"person__{name}" for name in PERSON_NAME),
        )
        .order_by("pk")
    )
    return Prefetch("conversation__seats", queryset=seats, to_attr="present_seats")


def _with_last_message(seats: QuerySet[Seat]) -> QuerySet[Seat]:
    """``seats`` with their conversation, its last message and that message's author (by name)
    and files, and the people in it now."""
    author = "conversation__last_message__author__"
    return (
        seats.select_related("conversation__last_message__author")
        .defer(
            *(
                f"{author}{field.name}"
                for field in User._meta.concrete_fields
                if field.name not in PERSON_NAME
            )
        )
        .prefetch_related(_present_people(), "conversation__last_message__attachments")
    )


def access_seat(viewer: User, conversation_id: int, *, people: bool = True) -> Seat:
    """``viewer``'s seat in the conversation, with the conversation and (unless ``people`` is
    false: writing needs neither) its present people and last message."""
    if not 0 < conversation_id <= MAX_INT:  # a lookup through a foreign key would overflow
        raise Http404(NOT_IN_CONVERSATION)
    seats = Seat.objects.filter(conversation_id=conversation_id, person_id=viewer.pk)
    seats = _with_last_message(seats) if people else seats.select_related("conversation")
    seat = seats.first()
    if seat is None:
        raise Http404(NOT_IN_CONVERSATION)
    return seat


def inbox(
    viewer: User,
    *,
    cursor: str | None,
    archived: bool = False,
    unread: bool | None = None,
    limit: int = INBOX_PAGE,
) -> Page[Seat]:
    """``viewer``'s conversations, last activity first (archived ones apart); only those with
    unread messages (``unread=True``) or only those without (``False``)."""
    seats = Seat.objects.filter(person_id=viewer.pk, archived=archived)
    if unread is not None:
        seats = seats.filter(unread_count__gt=0) if unread else seats.filter(unread_count=0)
    seats = _with_last_message(seats)
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
    messages = (
        readable_messages(seat)
        .select_related("author", "reply_to__author")
        .prefetch_related("attachments")
    )
    if before is not None:
        messages = messages.filter(pk__lt=before)
    return paginate(messages, keys=["-id"], cursor=cursor, limit=limit)


def access_message(viewer: User, message_id: int) -> tuple[Seat, Message]:
    """A message ``viewer`` may read, with their seat; 404 otherwise."""
    message = (
        Message.objects.filter(pk=message_id)
        .select_related("author", "reply_to__author")
        .prefetch_related("attachments")
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    seat = access_seat(viewer, message.conversation_id, people=False)
    if not readable_messages(seat).filter(pk=message.pk).exists():
        raise Http404("No such message.")
    return seat, message


def last_message_for(seat: Seat) -> Message | None:
    """The conversation's last message, or for someone who left, the last one they saw."""
    last = seat.conversation.last_message
    if last is None or seat.left_at is None or last.pk <= (seat.last_visible_id or 0):
        return last
    return (
        readable_messages(seat)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-pk")
        .first()
    )


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


def unread_total(viewer: User) -> int:
    """Unread messages across ``viewer``'s conversations that are not muted (the menu's badge)."""
    total = Seat.objects.filter(
        PRESENT, person_id=viewer.pk, muted=False, unread_count__gt=0
    ).aggregate(n=Sum("unread_count"))["n"]
    return int(total or 0)


def changed_since(viewer: User, since: dt.datetime) -> list[dict[str, int]]:
    """``viewer``'s conversations with activity after ``since`` (for a socket catching up):
    id, unread count, and the last message's id."""
    rows = (
        Seat.objects.filter(person_id=viewer.pk, last_activity_at__gt=since)
        .order_by("-last_activity_at", "-id")
        .values_list("conversation_id", "unread_count", "conversation__last_message_id")[:100]
    )
    return [
        {"id": pk, "unread_count": unread, "last_message_id": last or 0}
        for pk, unread, last in rows
    ]


def preferences_of(person_id: int) -> Preferences:
    return Preferences.objects.filter(person_id=person_id).first() or Preferences(
        person_id=person_id
    )


def receipts_off(person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` who turned read receipts off (they neither show nor see them)."""
    return set(
        Preferences.objects.filter(person_id__in=set(person_ids), read_receipts=False).values_list(
            "person_id", flat=True
        )
    )


def read_positions(viewer_id: int, seats: list[Seat], off: set[int]) -> dict[str, int]:
    """How far the others in a small conversation have read, {username: message id}, for
    "seen by": only between people who share read receipts (``off`` holds those who do not)."""
    if len(seats) > SEEN_BY_LIMIT or viewer_id in off:
        return {}
    return {
        s.person.username: s.last_read_id
        for s in seats
        if s.person_id != viewer_id and s.person_id not in off
    }


@dataclass(frozen=True)
class PeopleState:
    """For a page of conversations: everyone's presence, and who turned read receipts off."""

    presence: dict[int, PresenceStatus]
    receipts_off: set[int]


def people_state(viewer_id: int, seats: list[Seat]) -> PeopleState:
    """The ``PeopleState`` of everyone in ``seats``' conversations, in three queries."""
    ids = {viewer_id} | {s.person_id for seat in seats for s in present_seats(seat)}
    return PeopleState(presence_of(ids), receipts_off(ids))


def presence_of(
    person_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, PresenceStatus]:
    """Each person's status from heartbeats that have not expired: online when one says they
    were active lately, away when all say idle, offline without any (or when they hide it)."""
    wanted = set(person_ids)
    status = dict.fromkeys(wanted, PresenceStatus.OFFLINE)
    if not wanted:
        return status
    now = now or timezone.now()
    fresh = now - dt.timedelta(seconds=PRESENCE_EXPIRES_SECONDS)
    active_since = now - dt.timedelta(seconds=AWAY_AFTER_SECONDS)
    hidden = set(
        Preferences.objects.filter(person_id__in=wanted, show_presence=False).values_list(
            "person_id", flat=True
        )
    )
    beats = (
        Heartbeat.objects.filter(person_id__in=wanted - hidden, seen_at__gte=fresh)
        .values("person_id")
        .annotate(active=Max("active_at"))
        .values_list("person_id", "active")
    )
    for pk, active in beats:
        status[pk] = PresenceStatus.ONLINE if active >= active_since else PresenceStatus.AWAY
    return status


def blocked_by(viewer: User) -> list[User]:
    """The people ``viewer`` blocked, by name."""
    return list(
        User.objects.filter(
            pk__in=Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
        ).order_by("display_name")
    )


def has_blocked(viewer: User, other: User) -> bool:
    return Block.objects.filter(blocker_id=viewer.pk, blocked_id=other.pk).exists()


def companions(person_id: int) -> list[int]:
    """Everyone who shares a conversation with ``person_id`` now."""
    theirs = Seat.objects.filter(PRESENT, person_id=person_id).values("conversation_id")
    ids = set(
        Seat.objects.filter(PRESENT, conversation_id__in=theirs).values_list("person_id", flat=True)
    )
    return sorted(ids - {person_id})


def access_attachment(viewer: User, attachment_id: int) -> MessageAttachment:
    """A file of a message ``viewer`` may read; 404 otherwise (as for the message)."""
    if not 0 < attachment_id <= MAX_INT:
        raise Http404("No such file.")
    attachment = MessageAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such file.")
    access_message(viewer, attachment.message_id)
    return attachment


def can_fetch_message_file(viewer: User, name: str) -> bool:
    """Whether ``viewer`` may fetch the stored file ``name``, a message's picture or file or its
    thumbnail: they may read the message (the media view's check for unsigned URLs)."""
    if not is_active_person(viewer) or not name:
        return False
    attachment = MessageAttachment.objects.filter(Q(file=name) | Q(thumbnail=name)).first()
    if attachment is None:
        return False
    try:
        access_message(viewer, attachment.message_id)
    except Http404:
        return False
    return True


# A link to a post of this site in a message: its path, or a full URL on the site's host.
POST_LINK = re.compile(r"(?:https?://([\w.-]+(?::\d+)?))?/posts/(\d{1,18})/")
POST_CARD_EXCERPT = 160


def attach_post_cards(viewer: User, messages: Iterable[Message], host: str) -> None:
    """Give each message ``post_cards``: the posts it links to that ``viewer`` may see (by the
    feed's one visibility rule), for the page to show as cards; a link to a post they may not
    see stays a plain link. One query for all the messages."""
    wanted: dict[int, list[int]] = {}
    for message in messages:
        ids = [
            int(found.group(2))
            for found in POST_LINK.finditer(message.body or "")
            if found.group(1) in (None, host)
        ]
        wanted[message.pk] = list(dict.fromkeys(ids))[:3]
    every = {pk for ids in wanted.values() for pk in ids}
    posts = (
        {
            post.pk: post
            for post in visible_posts(viewer).filter(pk__in=every).select_related("author")
        }
        if every
        else {}
    )
    for message in messages:
        message.post_cards = [  # type: ignore[attr-defined]  # for the template only
            {
                "url": f"/posts/{pk}/",
                "author": posts[pk].author.display_name,
                "excerpt": Truncator(" ".join(posts[pk].body.split())).chars(POST_CARD_EXCERPT),
            }
            for pk in wanted.get(message.pk, [])
            if pk in posts
        ]
