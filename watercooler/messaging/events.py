"""The realtime events messaging sends, each only to the ``user.<id>`` groups of the people in
the conversation now (docs/events.md says what a client does with each).

``message.created``, ``message.updated``, ``message.deleted`` carry the message as the API
returns it; ``message.reaction`` the message's new reaction totals; ``conversation.read`` a
person's new read position (to their own tabs with their unread count, and — when both sides
share read receipts — to the others as "seen by"); ``conversation.typing`` someone typing;
``presence.changed`` a person's new status, to everyone who shares a conversation with them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from watercooler.core.events import Event, send_event, user_group


@dataclass(frozen=True)
class MessageCreated(Event):
    type: ClassVar[str] = "message.created"
    conversation_id: int
    message: dict[str, Any]


@dataclass(frozen=True)
class MessageUpdated(Event):
    type: ClassVar[str] = "message.updated"
    conversation_id: int
    message: dict[str, Any]


@dataclass(frozen=True)
class MessageDeleted(Event):
    type: ClassVar[str] = "message.deleted"
    conversation_id: int
    message: dict[str, Any]


@dataclass(frozen=True)
class MessageReactionChanged(Event):
    type: ClassVar[str] = "message.reaction"
    conversation_id: int
    message_id: int
    reactions: dict[str, int]


@dataclass(frozen=True)
class ConversationRead(Event):
    type: ClassVar[str] = "conversation.read"
    conversation_id: int
    person: str
    last_read_id: int
    unread_count: int | None


@dataclass(frozen=True)
class ConversationTyping(Event):
    type: ClassVar[str] = "conversation.typing"
    conversation_id: int
    person: dict[str, Any] | None


@dataclass(frozen=True)
class PresenceChanged(Event):
    type: ClassVar[str] = "presence.changed"
    person: str
    status: str


def message_payload(data: dict[str, Any]) -> dict[str, Any]:
    """A message as the API returns it (``schemas.message_data``), in plain JSON types: events
    cross processes through Redis, which carries no datetimes."""
    return {
        **data,
        "created_at": data["created_at"].isoformat(),
        "edited_at": data["edited_at"].isoformat() if data["edited_at"] else None,
    }


def send_to(person_ids: Iterable[int], event: Event) -> None:
    """``event`` to the sockets of ``person_ids`` once the transaction commits."""
    send_event([user_group(pk) for pk in sorted(set(person_ids))], event)
