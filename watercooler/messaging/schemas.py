"""The shapes of /api/v1/conversations and /api/v1/messages."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from watercooler.core.media import media_url
from watercooler.feed.schemas import AttachmentOut
from watercooler.messaging.models import Message, MessageAttachment
from watercooler.messaging.policy import SEEN_BY_LIMIT
from watercooler.people.schemas import PersonRef, StrictInput, person_ref


class MessageOut(Schema):
    id: int
    conversation_id: int
    author: PersonRef | None = Field(description="Null when the author's account is gone.")
    body: str = Field(description="Empty once deleted.")
    body_html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted: bool
    reply_to: int | None = Field(description="The message this one answers, quoting it.")
    reactions: dict[str, int]
    attachments: list[AttachmentOut] = Field(description="Pictures and files sent with it.")


def attachment_data(attachment: MessageAttachment, viewer: Any = None) -> dict[str, Any]:
    """A message's file as the API and events give it. Pictures' URLs are signed for ``viewer``
    (unsigned in events, which go to everyone in the conversation: the file request is then
    checked against the database); other files download through the API, checked each time."""
    image = attachment.is_image
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": media_url(attachment.file, viewer)
        if image
        else f"/api/v1/messages/attachments/{attachment.pk}",
        "is_image": image,
        "thumbnail_url": media_url(attachment.thumbnail, viewer) if image else None,
        "width": attachment.width,
        "height": attachment.height,
        "alt_text": attachment.alt_text,
    }


def message_data(message: Message, viewer: Any = None) -> dict[str, Any]:
    return {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "author": person_ref(message.author),
        "body": message.body,
        "body_html": message.body_html,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "deleted": message.deleted_at is not None,
        "reply_to": message.reply_to_id,
        "reactions": message.reaction_summary,
        "attachments": [attachment_data(a, viewer) for a in message.attachments.all()],
    }


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class ConversationOut(Schema):
    id: int
    title: str
    direct: bool = Field(
        description="Between exactly two people, found again rather than repeated."
    )
    participants: list[PersonRef] = Field(description="The people in it now.")
    admins: list[str] = Field(description="Usernames of who may change its title and people.")
    unread_count: int
    last_read_id: int
    last_message: MessageOut | None
    last_activity_at: dt.datetime
    muted: bool
    archived: bool
    left: bool = Field(description="You left or were removed: you read what was said until then.")
    presence: dict[str, str] = Field(
        description="The others' status by username: online, away or offline."
    )
    read_positions: dict[str, int] = Field(
        description="Seen by: the newest message each other person read, by username, in "
        f"conversations of up to {SEEN_BY_LIMIT} people, between people who share read receipts."
    )


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class ConversationIn(StrictInput):
    participants: list[str] = Field(max_length=1000, description="Usernames, yourself aside.")
    title: str | None = Field(None, max_length=1000)


class ConversationChangeIn(StrictInput):
    title: str | None = Field(None, max_length=1000)
    muted: bool | None = None
    archived: bool | None = None


class ParticipantsIn(StrictInput):
    participants: list[str] = Field(max_length=1000)


class InboxQuery(Schema):
    cursor: str | None = Field(None, max_length=1000)
    archived: bool = False
    unread: bool | None = Field(
        None, description="true: only conversations with unread messages; false: only without."
    )


class MessagesQuery(Schema):
    before: int | None = Field(
        None, ge=1, le=2**62, description="Only messages older than this one."
    )
    cursor: str | None = Field(None, max_length=1000)


class MessageIn(StrictInput):
    body: str = Field(max_length=100_000)
    reply_to: int | None = Field(None, ge=1, le=2**62)


class MessageWithAttachmentsIn(StrictInput):
    body: str = Field("", max_length=100_000)
    reply_to: int | None = Field(None, ge=1, le=2**62)
    alt_texts: list[str] = Field(
        default_factory=list,
        description="A description of each file, in the order of ``files`` (for pictures: what"
        " a screen reader says).",
    )


class MessageChangeIn(StrictInput):
    body: str = Field(max_length=100_000)


class ReadIn(StrictInput):
    up_to: int = Field(ge=1, le=2**62, description="The newest message read.")


class PreferencesOut(Schema):
    read_receipts: bool
    show_presence: bool


class PreferencesIn(StrictInput):
    read_receipts: bool | None = None
    show_presence: bool | None = None


class UsernameIn(StrictInput):
    """One person, by username (whom to block, whom to make an admin)."""

    username: str = Field(max_length=150)


class MessagesUnreadOut(Schema):
    count: int
