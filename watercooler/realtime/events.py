"""Sending events to websockets: only from actions, only after the transaction commits.

An event is a JSON object with a ``type`` (see docs/events.md for every type and its fields).
Sending on commit means nobody is told about a change that was rolled back, and a client that
re-reads on an event always finds the change there.
"""

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


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
            async_to_sync(_send_all)(layer, targets, {"type": "deliver", "event": event})
        except Exception:
            logger.exception("Could not send %s", event.get("type"))


async def _send_all(layer: Any, groups: list[str], message: dict[str, Any]) -> None:
    for group in groups:
        try:
            await layer.group_send(group, message)
        except Exception:
            logger.exception("Could not send %s to %s", message["event"].get("type"), group)


def send_on_commit(groups: Iterable[str], event: dict[str, Any]) -> None:
    """Queue ``event`` for ``groups`` once the current transaction commits."""
    groups = list(groups)
    transaction.on_commit(lambda: send_now(groups, event), robust=True)
