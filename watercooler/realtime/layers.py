"""The embedded default's channel layer: Channels' in-memory layer, made to scale with sockets.

Channels' ``InMemoryChannelLayer`` walks every group membership of every socket on each
``receive`` and ``group_send`` to drop expired messages. Each consumer calls ``receive`` again
after every message, so one post to N sockets costs N full walks: quadratic in open sockets
(measured with bench/scenario_ws.py: one walk took 5 ms at 2,000 sockets and 221 ms at 10,000
sockets with 200 groups each; a post to 1,000 sockets kept the event loop busy for a minute).
Here the walk runs at most once per ``CLEAN_SECONDS``; messages still expire after ``expiry``
(60 s) give or take that interval, which only matters for sockets that stopped reading.

It also hands one message to a group's channels without copying it per channel: consumers
only read messages (``realtime.consumers.LiveConsumer.deliver``), and a post's payload copied
for 10,000 sockets was most of a broadcast's time. The message is copied once per send.
"""

import asyncio
import contextlib
import copy
import time
from typing import Any

from channels.layers import InMemoryChannelLayer

CLEAN_SECONDS = 30.0


class LocalChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_SECONDS:
            return
        self._cleaned_at = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        shared = copy.deepcopy(message)
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(
                channel, asyncio.Queue(maxsize=self.get_capacity(channel))
            )
            # A full channel (a socket that stopped reading) misses the message, as in
            # Channels' own layer; the others still get it.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((expires, shared))
