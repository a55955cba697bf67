"""The realtime event this app sends (documented here, as the feed documents its own).

``notification.created`` → ``user.<recipient id>``: a new notification, or a folded one that
moved back to the top ("Ana and 4 others"; same ``notification.id`` as before). ``notification``
is the notification as ``GET /api/v1/notifications`` returns it; ``unread_count`` is the badge's
new number. A client replaces any row with the same id and sets the badge to ``unread_count``.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from watercooler.core.events import Event, send_event, user_group


@dataclass(frozen=True)
class NotificationCreated(Event):
    type: ClassVar[str] = "notification.created"
    notification: dict[str, Any]
    unread_count: int


def send_created(recipient_id: int, notification: dict[str, Any], unread_count: int) -> None:
    """Queue the event for the recipient's sockets once the current transaction commits (at
    once when there is none, as in the feed's on-commit signal receivers)."""
    event = NotificationCreated(notification=notification, unread_count=unread_count)
    send_event([user_group(recipient_id)], event)
