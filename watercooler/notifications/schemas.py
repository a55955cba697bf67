"""Request and response schemas of the notifications API (``watercooler/notifications/api.py``).

``NotificationOut`` is also the ``notification`` inside the ``notification.created`` realtime
event, so a client shows a pushed notification exactly as it would after a fresh read.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.notifications import queries
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.notifications.policy import CHANNEL_KEYS, TOPICS
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
    email: bool
    push: bool


class QuietHours(Schema):
    start: dt.time = Field(description="Wall-clock time in your time zone, e.g. 22:00.")
    end: dt.time = Field(description="May be earlier than start: quiet hours over midnight.")


class NotificationSettingsOut(Schema):
    topics: list[NotificationTopicOut] = Field(
        description="What you may turn off, on each channel; announcements always reach you."
    )
    quiet_hours: QuietHours | None = Field(
        description="Nothing is emailed or pushed then; the app still collects."
    )
    time_zone: str = Field(description="The zone you chose; empty: your location's.")
    effective_time_zone: str = Field(description="The zone quiet hours and digests follow.")
    paused_until: dt.datetime | None = Field(description="Nothing is emailed or pushed until then.")
    digest: str = Field(description="daily, weekly or off.")
    digest_only: bool = Field(description="Only the digest: no missed-activity email, no push.")
    has_email_address: bool = Field(description="Whether email can reach you at all.")


class NotificationSettingsIn(StrictInput):
    in_app: dict[str, bool] | None = Field(
        default=None,
        description="Topics by key, each true (shown in the app) or false; others keep theirs.",
    )
    email: dict[str, bool] | None = Field(
        default=None, description="Topics emailed when you have not seen them in the app."
    )
    push: dict[str, bool] | None = Field(default=None, description="Topics pushed to devices.")
    quiet_hours: QuietHours | None = Field(
        default=None, description="null turns quiet hours off; absent keeps them."
    )
    time_zone: str | None = Field(
        default=None, max_length=64, description="A zone name; empty to follow your location."
    )
    pause: str | None = Field(default=None, description="1h, tomorrow (until the morning), or off.")
    digest: str | None = Field(default=None, description="daily, weekly or off.")
    digest_only: bool | None = None

    def changes(self) -> dict[str, Any]:
        """Only what the request named (an explicit null ``quiet_hours`` turns them off)."""
        named = self.model_fields_set
        out: dict[str, Any] = {
            key: getattr(self, key)
            for key in ("in_app", "email", "push", "time_zone", "pause", "digest", "digest_only")
            if key in named and getattr(self, key) is not None
        }
        if "quiet_hours" in named:
            hours = self.quiet_hours
            out["quiet_start"] = hours.start if hours else None
            out["quiet_end"] = hours.end if hours else None
        return out


class MuteOut(Schema):
    id: int
    kind: str = Field(description="community, topic or thread.")
    name: str
    url: str


class MuteIn(StrictInput):
    community: str | None = Field(default=None, max_length=100, description="A handle.")
    topic: str | None = Field(default=None, max_length=100, description="A #topic's name.")
    post: int | None = Field(default=None, description="A post: its thread is muted.")


def settings_dict(user: User, chosen: queries.NotificationSettings) -> dict[str, Any]:
    """The settings as the API and the page show them."""
    quiet = (
        {"start": chosen.quiet_start, "end": chosen.quiet_end}
        if chosen.quiet_start is not None and chosen.quiet_end is not None
        else None
    )
    return {
        "topics": [
            {
                "key": topic.key,
                "label": topic.label,
                **{channel: chosen.channels[channel][topic.key] for channel in CHANNEL_KEYS},
            }
            for topic in TOPICS
        ],
        "quiet_hours": quiet,
        "time_zone": chosen.time_zone,
        "effective_time_zone": chosen.zone.key,
        "paused_until": chosen.paused_until,
        "digest": chosen.digest,
        "digest_only": chosen.digest_only,
        "has_email_address": bool(user.email),
    }


class InboundEmailIn(Schema):
    """A mail provider's inbound webhook: either the whole message (``raw``, as received), or
    its parts. Unknown fields are ignored: providers send many."""

    raw: str | None = Field(default=None, max_length=10_000_000, description="RFC 5322 message.")
    recipient: str | None = Field(default=None, max_length=500, description="The reply address.")
    sender: str | None = Field(default=None, max_length=500, description="Who wrote it.")
    text: str | None = Field(default=None, max_length=1_000_000, description="The plain text.")
    message_id: str | None = Field(default=None, max_length=255)


class InboundEmailOut(Schema):
    kind: str = Field(description="post or conversation: where the reply went.")
    target_id: int
    duplicate: bool = Field(description="True when this message was posted before.")


class PushKeysIn(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscriptionIn(Schema):
    """The browser's ``PushSubscription.toJSON()``, as it is."""

    endpoint: str = Field(max_length=2000)
    expirationTime: int | None = Field(default=None, ge=0, le=2**53)  # noqa: N815 (the browser's name)
    keys: PushKeysIn


class PushSubscriptionOut(Schema):
    id: int
    service: str = Field(description="The push service's host.")
    user_agent: str
    created_at: dt.datetime
    last_pushed_at: dt.datetime | None

    @staticmethod
    def resolve_service(obj: Any) -> str:
        return urlsplit(obj.endpoint).hostname or ""


class PushKeyOut(Schema):
    public_key: str = Field(description="The applicationServerKey to subscribe with; empty: off.")
