"""The realtime event this app sends: ``follows.changed`` (docs/events.md).

Communities sends it when someone's active memberships change; the feed, later in the app order,
sends the same event when someone follows or unfollows a person or a topic, with this class.
"""

from dataclasses import dataclass
from typing import ClassVar

from watercooler.core.events import Event


@dataclass(frozen=True)
class FollowsChanged(Event):
    """What the person follows, or the communities they are an active member of, changed. No
    payload: their sockets re-read both (``realtime.access.following``) and re-join their
    ``author.*``, ``topic.*`` and ``community.*`` groups to match. Sent to ``user.<their id>``."""

    type: ClassVar[str] = "follows.changed"
