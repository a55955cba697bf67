"""The realtime events announcements send (docs/events.md)."""

from typing import Any

from watercooler.announcements.models import Announcement


def announcement_event(announcement: Announcement) -> dict[str, Any]:
    """The ``announcement.published`` payload (docs/announcements.md)."""
    return {
        "type": "announcement.published",
        "announcement": {
            "id": announcement.pk,
            "title": announcement.title,
            "post_id": announcement.post_id,
            "body_html": announcement.post.body_html,
            "must_read": announcement.must_read,
            "publish_at": announcement.publish_at.isoformat(),
            "expires_at": announcement.expires_at.isoformat() if announcement.expires_at else None,
            "published_at": (
                announcement.published_at.isoformat() if announcement.published_at else None
            ),
        },
    }
