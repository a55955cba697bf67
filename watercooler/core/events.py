"""Realtime events: their base type and registry, the channel-layer group names they go to, and
sending them, only from actions and only after the transaction commits.

Every event is a frozen dataclass subclassing ``Event`` with a ``type`` (docs/events.md lists every
type and its fields; a test checks that page against ``EVENT_TYPES``). Each app keeps its own in its
``events.py``; defining the class registers it here, so the registry holds every type the product
sends.

Sending on commit means nobody is told about a change that was rolled back, and a client that
re-reads on an event always finds the change there. The group message is ``{"type": "deliver",
"event": {...}, "text": "<the event as JSON>"}``: the websocket consumer decides from ``event``
whether its person may see it and forwards ``text`` as it is, so an event for 10,000 sockets is
encoded once, not once per socket.
"""

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)


def encode(event: dict[str, Any]) -> str:
    """The text a socket receives for ``event`` (datetimes and decimals as the API writes them)."""
    return json.dumps(event, cls=DjangoJSONEncoder, separators=(",", ":"))


def send_now(groups: Iterable[str], event: dict[str, Any]) -> None:
    """Deliver ``event`` to every socket in ``groups``. Failures are logged, never raised:
    a realtime hiccup must not fail the write that already happened."""
    layer = get_channel_layer()
    if layer is None:
        return
    targets = list(dict.fromkeys(groups))
    if targets:
        # One trip into the event loop for all groups: an announcement to 10,000 people is
        # 10,000 group sends, and a loop hop per send would dominate.
        try:
            message = {"type": "deliver", "event": event, "text": encode(event)}
            async_to_sync(_send_all)(layer, targets, message)
        except Exception:
            logger.exception("Could not send %s", event.get("type"))


async def _send_all(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    many = getattr(layer, "group_send_many", None)
    if many is not None:
        # The embedded layer: one copy of the message, once to each socket in any group.
        try:
            await many(groups, message)
        except Exception:
            logger.exception("Could not send %s", message["event"].get("type"))
        return
    for group in groups:
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("Could not send %s to %s", message["event"].get("type"), group)


def send_on_commit(groups: Iterable[str], event: dict[str, Any]) -> None:
    """Queue ``event`` for ``groups`` once the current transaction commits."""
    groups = list(groups)
    transaction.on_commit(lambda: send_now(groups, event), robust=True)


# --- Event types ----------------------------------------------------------------------------------

EVENT_TYPES: dict[str, type["Event"]] = {}


@dataclass(frozen=True)
class Event:
    """One realtime event; subclasses set ``type`` and declare the payload's fields."""

    type: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str):
            known = EVENT_TYPES.get(event_type)
            if known is not None and known.__qualname__ != cls.__qualname__:
                raise TypeError(
                    f"{known.__qualname__} and {cls.__qualname__} both send {event_type!r}."
                )
            EVENT_TYPES[event_type] = cls

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


def send_event(groups: Iterable[str], event: Event) -> None:
    """Queue ``event`` for ``groups`` to go out when the current transaction commits."""
    send_on_commit(groups, event.as_dict())


# --- Groups: a websocket joins the groups for what its person may see --------------------------


def user_group(user_id: int) -> str:
    """Everything addressed to one person: notifications, their announcements, their own posts."""
    return f"user.{user_id}"


def author_group(author_id: int) -> str:
    """New posts by an author, for the sockets of their followers."""
    return f"author.{author_id}"


def topic_group(topic_name: str) -> str:
    """New posts in a topic, for the sockets of the topic's followers (names are [a-z0-9_])."""
    return f"topic.{topic_name}"


def post_group(post_id: int) -> str:
    """Live updates (replies, reactions, edits) of one post, for sockets showing it."""
    return f"post.{post_id}"


def community_group(community_id: int) -> str:
    """New posts in a community, for the sockets of its active members."""
    return f"community.{community_id}"
