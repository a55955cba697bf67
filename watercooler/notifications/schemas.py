"""Request and response schemas of the notifications API (``watercooler/notifications/api.py``).

``NotificationOut`` is also the ``notification`` inside the ``notification.created`` realtime
event, so a client shows a pushed notification exactly as it would after a fresh read.
"""

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.notifications import queries
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.people.schemas import StrictInput

MAX_IDS = 500


class ActorOut(Schema):
    username: str
    display_name: str
    photo_thumb_url: str | None = Field(description="Path of the small square photo, or null.")
    profile_url: str

    @staticmethod
    def resolve_photo_thumb_url(obj: User) -> str | None:
        return obj.photo_thumb.url if obj.photo_thumb else None

    @staticmethod
    def resolve_profile_url(obj: User) -> str:
        return reverse("people:profile", args=[obj.username])


class NotificationOut(Schema):
    """Expects ``actor``, ``post``, ``reply`` and ``post.announcement`` selected (as
    ``queries.notifications_page`` does), so a page is a fixed number of queries."""

    id: int
    kind: str = Field(description=f"One of: {', '.join(NotificationKind.values)}.")
    text: str = Field(description='The notification in words: "Ana Silva and 4 others …".')
    excerpt: str = Field(description="The start of the post or reply it is about, or empty.")
    url: str = Field(description="Path of what it is about (a post, a reply, a profile).")
    actor: ActorOut | None = Field(description="The most recent person who did it.")
    actor_count: int = Field(description="How many people are folded into this notification.")
    post_id: int | None
    reply_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    read: bool
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return queries.notification_text(obj)

    @staticmethod
    def resolve_excerpt(obj: Notification) -> str:
        return queries.notification_excerpt(obj)

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return queries.notification_url(obj)

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.read_at is not None


def notification_dict(notification: Notification) -> dict[str, Any]:
    """The notification as the API returns it, as JSON-ready values."""
    return NotificationOut.from_orm(notification).model_dump(mode="json")


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None = Field(description="Pass back as ?cursor= for the next page.")


class NotificationsQuery(Schema):
    cursor: str | None = None
    limit: int = Field(queries.NOTIFICATIONS_PAGE_SIZE, ge=1, le=queries.MAX_PAGE_SIZE)


class MarkReadIn(Schema):
    """``{"ids": [...]}`` marks those; ``{}`` (or no body) or ``{"all": true}`` marks all."""

    model_config = ConfigDict(extra="forbid")

    ids: list[int] | None = Field(default=None, max_length=MAX_IDS)
    all: bool | None = None


class UnreadOut(Schema):
    unread_count: int


class NotificationTopicOut(Schema):
    key: str
    label: str
    in_app: bool


class NotificationSettingsOut(Schema):
    topics: list[NotificationTopicOut] = Field(
        description="What you may turn off; announcements always reach you."
    )


class NotificationSettingsIn(StrictInput):
    in_app: dict[str, bool] = Field(
        description="Topics by key, each true (shown in the app) or false; others keep theirs."
    )
