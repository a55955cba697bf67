"""The realtime events announcements send (docs/events.md, docs/announcements.md).

``announcement.published`` goes to each recipient's own group at publication (built by
``announcement_event``, delivered by ``tasks.deliver_published_event``); ``announcement.stats``
goes to the author's group, on commit, each time someone in the audience sees or acknowledges
the announcement.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from watercooler.announcements.models import Announcement
from watercooler.core.events import Event


@dataclass(frozen=True)
class AnnouncementPublished(Event):
    """An announcement reached its audience: ``announcement`` holds ``id``, ``title``,
    ``post_id``, ``body_html``, ``must_read`` and ``publish_at``, ``expires_at``,
    ``published_at`` (ISO 8601, ``expires_at`` null when it does not expire). A page fetches the
    viewer's card and pins it; it is not counted as a new post."""

    type: ClassVar[str] = "announcement.published"
    announcement: dict[str, Any]


@dataclass(frozen=True)
class AnnouncementStatsChanged(Event):
    """The announcement's new counters, for its author's statistics page."""

    type: ClassVar[str] = "announcement.stats"
    announcement_id: int
    audience_size: int
    seen_count: int
    acknowledged_count: int


def announcement_event(announcement: Announcement) -> AnnouncementPublished:
    """The ``announcement.published`` event of a published announcement."""
    return AnnouncementPublished(
        announcement={
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
        }
    )
