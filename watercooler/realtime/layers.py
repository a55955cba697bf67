"""The embedded default's channel layer: in memory, one process, made to scale with sockets.

It speaks Channels' layer API (``send``, ``receive``, ``new_channel``, groups, ``flush``) as
Channels' ``InMemoryChannelLayer`` does, with the costs measured with bench/scenario_ws.py
(10,000 sockets, each in ~200 groups: one per person its reader follows) taken out:

* Channels' layer walks every message queue and every group membership on each ``receive``
  and ``group_send`` to drop expired ones: quadratic in open sockets (one walk took 221 ms at
  10,000 sockets). Here only channels with unread messages are walked, at most once per
  ``CLEAN_SECONDS``; a channel whose message expired unread still leaves all its groups.
* A group is a list of channel names, not a dict of channel → join time: ~9 bytes a membership
  instead of ~50, which at 200 groups a socket was ~10 KiB of every socket. Leaving a group
  scans its list; ``group_add_new`` joins many groups without scanning them. Memberships do not
  expire after a day as in Channels' layer: a socket open for longer must keep its groups.
* A channel waiting in ``receive`` holds one future, not an ``asyncio.Queue`` (five deques,
  ~4 KiB per socket); messages are only stored while nobody reads them.
* A consumer may ``attach`` a callable to its channel instead of calling ``receive``: messages
  are then handed to it as they are sent, without a task and a queue per message
  (``realtime.consumers.LiveConsumer`` does; see its ``__call__``).
* A group message is copied once per send, not once per channel, and every channel receives
  the same copy: receivers must only read messages. ``group_send_many`` sends one message to
  several groups and hands it to each channel once, however many of the groups it is in.
"""

import asyncio
import contextlib
import copy
import random
import string
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer

CLEAN_SECONDS = 30.0

# Takes a message; False when the receiver is full and the message was not taken.
Sink = Callable[[dict[str, Any]], bool]


class _Mailbox:
    """One channel: its unread messages (with their expiry), a waiting ``receive``, or the
    callable an attached consumer takes messages with."""

    __slots__ = ("capacity", "messages", "sink", "waiter")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.messages: deque[tuple[float, dict[str, Any]]] | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.sink: Sink | None = None

    def put(self, expires: float, message: dict[str, Any]) -> bool:
        if self.sink is not None:
            return self.sink(message)
        if self.messages is None:
            self.messages = deque()
        elif len(self.messages) >= self.capacity:
            return False
        self.messages.append((expires, message))
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)
        return True

    @property
    def idle(self) -> bool:
        return not self.messages and self.waiter is None and self.sink is None


class LocalChannelLayer(BaseChannelLayer):  # type: ignore[misc]  # channels ships no types
    extensions = ["groups", "flush"]

    def __init__(
        self,
        expiry: int = 60,
        group_expiry: int = 86400,  # accepted for Channels' settings; memberships do not expire
        capacity: int = 100,
        channel_capacity: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity)
        self.channel_capacity = self.compile_capacities(channel_capacity or {})
        self.channels: dict[str, _Mailbox] = {}
        self.groups: dict[str, list[str]] = {}
        self._cleaned_at = time.monotonic()
        # The event loop the sockets live on (set as they join): sends from worker threads are
        # handed to it (core.events.send_now), as futures and sinks belong to that loop.
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- channels ----------------------------------------------------------------------------

    async def new_channel(self, prefix: str = "specific.") -> str:
        return "{}.inmemory!{}".format(
            prefix,
            "".join(random.choices(string.ascii_letters, k=12)),  # noqa: S311
        )

    def _mailbox(self, channel: str) -> _Mailbox:
        box = self.channels.get(channel)
        if box is None:
            box = self.channels[channel] = _Mailbox(self.get_capacity(channel))
        return box

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        self._clean_expired()
        box = self._mailbox(channel)
        if not box.put(time.time() + self.expiry, copy.deepcopy(message)):
            raise ChannelFull(channel)

    async def receive(self, channel: str) -> dict[str, Any]:
        """The first message sent to ``channel`` (waiting for one); one reader at a time."""
        self.loop = asyncio.get_running_loop()
        self.require_valid_channel_name(channel)
        self._clean_expired()
        box = self._mailbox(channel)
        assert box.sink is None, "an attached channel is not read with receive()"
        try:
            while not box.messages:
                box.waiter = asyncio.get_running_loop().create_future()
                try:
                    await box.waiter
                finally:
                    box.waiter = None
            assert box.messages is not None
            _, message = box.messages.popleft()
            return message
        finally:
            if box.idle and self.channels.get(channel) is box:
                del self.channels[channel]

    def attach(self, channel: str, sink: Sink) -> None:
        """Hand every message for ``channel`` to ``sink`` as it is sent, from now until
        ``detach``; messages that were waiting go to it first. ``sink`` must not block."""
        self.require_valid_channel_name(channel)
        box = self._mailbox(channel)
        pending, box.messages = box.messages or (), None
        box.sink = sink
        for _, message in pending:
            sink(message)

    def detach(self, channel: str) -> None:
        box = self.channels.get(channel)
        if box is not None:
            box.sink = None
            if box.idle:
                del self.channels[channel]

    # --- groups --------------------------------------------------------------------------------

    async def group_add(self, group: str, channel: str) -> None:
        self.loop = asyncio.get_running_loop()
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        members = self.groups.get(group)
        if members is None:
            self.groups[group] = [channel]
        elif channel not in members:
            members.append(channel)

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_channel_name(channel)
        self.require_valid_group_name(group)
        members = self.groups.get(group)
        if members is None:
            return
        with contextlib.suppress(ValueError):
            members.remove(channel)
        if not members:
            del self.groups[group]

    async def group_add_new(self, groups: Iterable[str], channel: str) -> None:
        """Add ``channel`` to ``groups``, none of which it is in yet: the caller knows (a socket
        joining its feed's groups). Unlike ``group_add``, no scan of each group for the channel:
        at 10,000 sockets in ~200 groups each, those scans were most of opening a socket."""
        self.loop = asyncio.get_running_loop()
        self.require_valid_channel_name(channel)
        for group in groups:
            self.require_valid_group_name(group)
            members = self.groups.get(group)
            if members is None:
                self.groups[group] = [channel]
            else:
                members.append(channel)

    async def group_discard_many(self, groups: Iterable[str], channel: str) -> None:
        """``group_discard`` for several groups (a socket leaving)."""
        self.require_valid_channel_name(channel)
        for group in groups:
            members = self.groups.get(group)
            if members is None:
                continue
            with contextlib.suppress(ValueError):
                members.remove(channel)
            if not members:
                del self.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self.group_send_many([group], message)

    async def group_send_many(self, groups: Iterable[str], message: dict[str, Any]) -> None:
        """Send ``message`` to every channel in any of ``groups``, once per channel. A full
        channel (a reader that stopped reading) misses it, as with Channels' ``group_send``."""
        assert isinstance(message, dict), "Message is not a dict"
        groups = list(groups)
        for group in groups:
            self.require_valid_group_name(group)
        self._clean_expired()
        lists = [members for group in groups if (members := self.groups.get(group))]
        if not lists:
            return
        if len(lists) == 1:
            # A copy: a sink may leave groups while the message is handed out.
            targets: Iterable[str] = tuple(lists[0])
        else:
            targets = dict.fromkeys(channel for members in lists for channel in members)
        shared = copy.deepcopy(message)
        expires = time.time() + self.expiry
        for channel in targets:
            self._mailbox(channel).put(expires, shared)

    # --- expiry and flush ----------------------------------------------------------------------

    def _clean_expired(self) -> None:
        """Drop expired unread messages, at most once per ``CLEAN_SECONDS``; a channel that had
        one is taken out of every group (nobody reads it)."""
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_SECONDS:
            return
        self._cleaned_at = now
        wall = time.time()
        dead: set[str] = set()
        for channel, box in list(self.channels.items()):
            messages = box.messages
            while messages and messages[0][0] < wall:
                messages.popleft()
                dead.add(channel)
            if box.idle:
                del self.channels[channel]
        if dead:
            for group, members in list(self.groups.items()):
                members[:] = [channel for channel in members if channel not in dead]
                if not members:
                    del self.groups[group]

    async def flush(self) -> None:
        self.channels = {}
        self.groups = {}

    async def close(self) -> None:
        pass
