"""Messaging in /api/v1/conversations and /api/v1/messages: the same actions as the pages, in
the API's one error shape. Anyone never in a conversation gets 404 for it and its messages."""

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.feed.attachments import download_response, with_descriptions
from watercooler.feed.schemas import ReactionIn
from watercooler.messaging import actions, queries
from watercooler.messaging.models import Seat
from watercooler.messaging.schemas import (
    ConversationChangeIn,
    ConversationIn,
    ConversationOut,
    ConversationPage,
    InboxQuery,
    MessageChangeIn,
    MessageIn,
    MessageOut,
    MessagePage,
    MessagesQuery,
    MessagesUnreadOut,
    MessageWithAttachmentsIn,
    ParticipantsIn,
    PreferencesIn,
    PreferencesOut,
    ReadIn,
    UsernameIn,
    message_data,
)
from watercooler.people.models import User
from watercooler.people.queries import access_person_card
from watercooler.people.schemas import PersonRef, person_ref

conversations_router = Router()
messages_router = Router()
me_router = Router()

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def conversation_data(
    seat: Seat, viewer: User, people: queries.PeopleState | None = None
) -> dict[str, Any]:
    conversation = seat.conversation
    present = queries.present_seats(seat)
    last = queries.last_message_for(seat)
    people = people or queries.people_state(seat.person_id, [seat])
    return {
        "id": conversation.pk,
        "title": conversation.title,
        "direct": conversation.is_direct,
        "participants": [person_ref(s.person) for s in present],
        "admins": [s.person.username for s in present if s.is_admin],
        "unread_count": seat.unread_count,
        "last_read_id": seat.last_read_id,
        "last_message": message_data(last, viewer) if last is not None else None,
        "last_activity_at": seat.last_activity_at,
        "muted": seat.muted,
        "archived": seat.archived,
        "left": seat.left_at is not None,
        "presence": {
            s.person.username: people.presence[s.person_id]
            for s in present
            if s.person_id != seat.person_id
        },
        "read_positions": queries.read_positions(seat.person_id, present, people.receipts_off),
    }


def _seat(request: HttpRequest, conversation_id: int, *, people: bool = True) -> Seat:
    return queries.access_seat(viewer_of(request), conversation_id, people=people)


@conversations_router.post(
    "", response={200: ConversationOut, 201: ConversationOut, **READ}, summary="Start one"
)
def start(request: HttpRequest, payload: ConversationIn) -> Status[dict[str, Any]]:
    """A new conversation; for exactly one other person, the one you already share (200)."""
    viewer = viewer_of(request)
    conversation, created = actions.do_start_conversation(
        actor=viewer, usernames=payload.participants, title=payload.title
    )
    return Status(
        201 if created else 200, conversation_data(_seat(request, conversation.pk), viewer)
    )


@conversations_router.get("", response={200: ConversationPage, **READ}, summary="Your inbox")
def inbox(request: HttpRequest, params: Query[InboxQuery]) -> dict[str, Any]:
    """Your conversations, last activity first; `archived=true` for the archived ones,
    `unread=true` for those with unread messages (`false`: the rest)."""
    viewer = viewer_of(request)
    page = queries.inbox(
        viewer, cursor=params.cursor, archived=params.archived, unread=params.unread
    )
    people = queries.people_state(viewer.pk, page.items)
    return {
        "items": [conversation_data(s, viewer, people) for s in page.items],
        "next_cursor": page.next_cursor,
    }


@conversations_router.get(
    "/unread", response={200: MessagesUnreadOut, **READ}, summary="Unread count"
)
def unread(request: HttpRequest) -> dict[str, int]:
    """Unread messages across your conversations that are not muted (the Messages badge)."""
    return {"count": queries.unread_total(viewer_of(request))}


@conversations_router.get(
    "/{conversation_id}", response={200: ConversationOut, **READ}, summary="One conversation"
)
def detail(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    return conversation_data(_seat(request, conversation_id), viewer_of(request))


@conversations_router.patch(
    "/{conversation_id}", response={200: ConversationOut, **READ}, summary="Title, mute, archive"
)
def change(
    request: HttpRequest, conversation_id: int, payload: ConversationChangeIn
) -> dict[str, Any]:
    seat = _seat(request, conversation_id)
    actions.do_change_conversation(
        actor=viewer_of(request), seat=seat, data=payload.model_dump(exclude_unset=True)
    )
    return conversation_data(_seat(request, conversation_id), viewer_of(request))


@conversations_router.post(
    "/{conversation_id}/admins", response={200: ConversationOut, **READ}, summary="Make an admin"
)
def make_admin(request: HttpRequest, conversation_id: int, payload: UsernameIn) -> dict[str, Any]:
    """``{"username"}``: a group's admin makes someone in it an admin too."""
    viewer = viewer_of(request)
    seat = _seat(request, conversation_id)
    actions.do_make_admin(actor=viewer, seat=seat, username=payload.username, on=True)
    return conversation_data(_seat(request, conversation_id), viewer)


@conversations_router.delete(
    "/{conversation_id}/admins/{username}",
    response={200: ConversationOut, **READ},
    summary="No longer an admin",
)
def unmake_admin(request: HttpRequest, conversation_id: int, username: str) -> dict[str, Any]:
    """A group's admin takes the role back from someone (a group keeps at least one admin)."""
    viewer = viewer_of(request)
    seat = _seat(request, conversation_id)
    actions.do_make_admin(actor=viewer, seat=seat, username=username, on=False)
    return conversation_data(_seat(request, conversation_id), viewer)


@conversations_router.post(
    "/{conversation_id}/participants",
    response={200: ConversationOut, **READ},
    summary="Add people",
)
def add_people(
    request: HttpRequest, conversation_id: int, payload: ParticipantsIn
) -> dict[str, Any]:
    seat = _seat(request, conversation_id)
    actions.do_add_people(actor=viewer_of(request), seat=seat, usernames=payload.participants)
    return conversation_data(_seat(request, conversation_id), viewer_of(request))


@conversations_router.delete(
    "/{conversation_id}/participants",
    response={200: ConversationOut, **READ},
    summary="Remove people, or leave",
)
def remove_people(
    request: HttpRequest, conversation_id: int, payload: ParticipantsIn
) -> dict[str, Any]:
    """``{"participants": [usernames]}``: an admin removes them; anyone leaves by naming only
    themselves. All or nothing."""
    viewer = viewer_of(request)
    seat = _seat(request, conversation_id)
    actions.do_remove_people(actor=viewer, seat=seat, usernames=payload.participants)
    return conversation_data(_seat(request, conversation_id), viewer)


@conversations_router.delete(
    "/{conversation_id}/participants/{username}",
    response={200: ConversationOut, **READ},
    summary="Remove someone, or leave",
)
def remove_person(request: HttpRequest, conversation_id: int, username: str) -> dict[str, Any]:
    """An admin removes someone; anyone leaves by naming themselves."""
    seat = _seat(request, conversation_id)
    actions.do_remove_person(actor=viewer_of(request), seat=seat, username=username)
    return conversation_data(_seat(request, conversation_id), viewer_of(request))


@conversations_router.get(
    "/{conversation_id}/messages", response={200: MessagePage, **READ}, summary="Messages"
)
def messages(
    request: HttpRequest, conversation_id: int, params: Query[MessagesQuery]
) -> dict[str, Any]:
    """Newest first; `before` a message id, or `cursor` for the next page."""
    page = queries.messages_page(
        _seat(request, conversation_id), before=params.before, cursor=params.cursor
    )
    viewer = viewer_of(request)
    return {
        "items": [message_data(m, viewer) for m in page.items],
        "next_cursor": page.next_cursor,
    }


@conversations_router.post(
    "/{conversation_id}/messages", response={201: MessageOut, **READ}, summary="Send"
)
def send(request: HttpRequest, conversation_id: int, payload: MessageIn) -> Status[dict[str, Any]]:
    message = actions.do_send_message(
        actor=viewer_of(request),
        seat=_seat(request, conversation_id, people=False),
        body=payload.body,
        reply_to=payload.reply_to,
    )
    return Status(201, message_data(message, viewer_of(request)))


@conversations_router.post(
    "/{conversation_id}/messages/with-attachments",
    response={201: MessageOut, **READ, 413: ErrorOut},
    summary="Send with pictures or files",
)
def send_with_attachments(
    request: HttpRequest,
    conversation_id: int,
    payload: Form[MessageWithAttachmentsIn],
    files: File[list[UploadedFile]],
) -> Status[dict[str, Any]]:
    """multipart/form-data: ``body`` (may be empty), ``reply_to``, one or more ``files`` (checked
    as post attachments are) and ``alt_texts`` in the same order. All or nothing: a file refused
    (422 on ``file`` or ``alt_text``) sends nothing."""
    viewer = viewer_of(request)
    message = actions.do_send_message(
        actor=viewer,
        seat=_seat(request, conversation_id, people=False),
        body=payload.body,
        reply_to=payload.reply_to,
        uploads=with_descriptions(files, payload.alt_texts),
    )
    return Status(201, message_data(message, viewer))


@conversations_router.post(
    "/{conversation_id}/read", response={200: ConversationOut, **READ}, summary="Read up to"
)
def read(request: HttpRequest, conversation_id: int, payload: ReadIn) -> dict[str, Any]:
    seat = _seat(request, conversation_id)
    actions.do_read(actor=viewer_of(request), seat=seat, up_to=payload.up_to)
    return conversation_data(_seat(request, conversation_id), viewer_of(request))


@messages_router.patch("/{message_id}", response={200: MessageOut, **READ}, summary="Edit")
def edit(request: HttpRequest, message_id: int, payload: MessageChangeIn) -> dict[str, Any]:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    return message_data(
        actions.do_edit_message(actor=viewer, seat=seat, message=message, body=payload.body),
        viewer,
    )


@messages_router.delete("/{message_id}", response={200: MessageOut, **READ}, summary="Delete")
def delete(request: HttpRequest, message_id: int) -> dict[str, Any]:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    return message_data(actions.do_delete_message(actor=viewer, seat=seat, message=message), viewer)


@messages_router.post(
    "/{message_id}/reactions", response={200: MessageOut, **READ}, summary="React"
)
def react(request: HttpRequest, message_id: int, payload: ReactionIn) -> dict[str, Any]:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    return message_data(
        actions.do_react(actor=viewer, seat=seat, message=message, kind=payload.kind, on=True),
        viewer,
    )


@messages_router.delete(
    "/{message_id}/reactions/{kind}", response={200: MessageOut, **READ}, summary="Unreact"
)
def unreact(request: HttpRequest, message_id: int, kind: str) -> dict[str, Any]:
    viewer = viewer_of(request)
    seat, message = queries.access_message(viewer, message_id)
    return message_data(
        actions.do_react(actor=viewer, seat=seat, message=message, kind=kind, on=False),
        viewer,
    )


@me_router.get("/messaging", response={200: PreferencesOut, **READ}, summary="Your choices")
def preferences(request: HttpRequest) -> dict[str, Any]:
    """Read receipts and presence: whether others see them (you see theirs only while you
    share your read receipts)."""
    found = queries.preferences_of(viewer_of(request).pk)
    return {"read_receipts": found.read_receipts, "show_presence": found.show_presence}


@me_router.patch("/messaging", response={200: PreferencesOut, **READ}, summary="Change them")
def change_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    changed = actions.do_change_preferences(
        actor=viewer_of(request), data=payload.model_dump(exclude_unset=True)
    )
    return {"read_receipts": changed.read_receipts, "show_presence": changed.show_presence}


@me_router.get("/blocks", response={200: list[PersonRef], **READ}, summary="Who you blocked")
def blocks(request: HttpRequest) -> list[dict[str, Any] | None]:
    return [person_ref(person) for person in queries.blocked_by(viewer_of(request))]


@me_router.post("/blocks", response={200: list[PersonRef], **READ}, summary="Block someone")
def block(request: HttpRequest, payload: UsernameIn) -> list[dict[str, Any] | None]:
    """They can no longer start a conversation with you or write to you in your direct one."""
    viewer = viewer_of(request)
    actions.do_block(actor=viewer, other=access_person_card(viewer, payload.username)[0], on=True)
    return [person_ref(person) for person in queries.blocked_by(viewer)]


@me_router.delete("/blocks/{username}", response={200: list[PersonRef], **READ}, summary="Unblock")
def unblock(request: HttpRequest, username: str) -> list[dict[str, Any] | None]:
    viewer = viewer_of(request)
    actions.do_block(actor=viewer, other=access_person_card(viewer, username)[0], on=False)
    return [person_ref(person) for person in queries.blocked_by(viewer)]


@messages_router.get(
    "/attachments/{attachment_id}",
    response={200: None, **READ},
    summary="Download a file",
)
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A message's file, always with ``Content-Disposition: attachment`` (never shown inline);
    404 for anyone who may not read the message."""
    return download_response(queries.access_attachment(viewer_of(request), attachment_id))
