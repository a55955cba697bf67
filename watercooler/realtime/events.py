"""Sending events to websockets: only from actions, only after the transaction commits.

An event is a JSON object with a ``type`` (see docs/events.md for every type and its fields).
Sending on commit means nobody is told about a change that was rolled back, and a client that
re-reads on an event always finds the change there.

The group message is ``{"type": "deliver", "event": {...}, "text": "<the event as JSON>"}``:
the consumer decides from ``event`` whether its person may see it and forwards ``text`` as it
is, so an event for 10,000 sockets is encoded once, not once per socket.
"""

import json
import logging
from collections.abc import Iterable
from typing import Any

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
