"""Presence heartbeats for the sockets of one process (the rule — what online, away and offline
mean, and how long a heartbeat counts — is messaging's: ``policy`` and ``queries.presence_of``).

Every ``HEARTBEAT_SECONDS`` the keeper writes one statement with a heartbeat for each person who
has a socket open in this process (and when they were last active), then sweeps: people last
announced as present whose heartbeats have all expired — their process crashed, or its sockets
dropped without a goodbye — are announced offline. A person's first socket opening, their last
one closing, and activity after being away are written within the same turn of the loop, so
others see them come and go without waiting for the next beat. Nothing here is trusted to run:
if this process dies, its heartbeats simply expire and another process's sweep notices.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket

from channels.db import database_sync_to_async
from django.utils import timezone

from watercooler.messaging import actions
from watercooler.messaging.policy import AWAY_AFTER_SECONDS, HEARTBEAT_SECONDS

logger = logging.getLogger(__name__)


class PresenceKeeper:
    """The people with open sockets on one event loop, and their heartbeats."""

    def __init__(self) -> None:
        self._reset(None)

    def _reset(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        # One name per loop: a restarted process (or a test's new loop) beats under a new one,
        # and the old name's rows expire.
        self.process = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._sockets: dict[int, int] = {}
        self._active: dict[int, dt.datetime] = {}
        self._changed: set[int] = set()
        self._gone: set[int] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._reset(loop)
        return loop

    def add(self, person_id: int) -> None:
        """A socket of ``person_id`` opened (they count as active now)."""
        loop = self._bind()
        self._sockets[person_id] = self._sockets.get(person_id, 0) + 1
        self._active[person_id] = timezone.now()
        self._gone.discard(person_id)
        self._changed.add(person_id)
        self._soon()
        if self._timer is None:
            self._timer = loop.call_later(HEARTBEAT_SECONDS, self.beat)

    def discard(self, person_id: int) -> None:
        """A socket of ``person_id`` closed; their last one closing is written at once."""
        if self._loop is not asyncio.get_running_loop():
            return
        left = self._sockets.get(person_id, 0) - 1
        if left > 0:
            self._sockets[person_id] = left
            return
        self._sockets.pop(person_id, None)
        self._active.pop(person_id, None)
        self._changed.discard(person_id)
        self._gone.add(person_id)
        self._soon()

    def touch(self, person_id: int) -> None:
        """``person_id`` did something (typed, came back to the tab): written at once when they
        were away, else with the next beat."""
        if person_id not in self._sockets or self._loop is not asyncio.get_running_loop():
            return
        now = timezone.now()
        before = self._active.get(person_id, now)
        self._active[person_id] = now
        if (now - before).total_seconds() >= AWAY_AFTER_SECONDS:
            self._changed.add(person_id)
            self._soon()

    def __len__(self) -> int:
        return len(self._sockets)

    def beat(self) -> None:
        """Every open socket's person beats; then the sweep for expired heartbeats."""
        self._timer = None
        if self._loop is None or self._loop.is_closed():
            return
        self._changed.update(self._sockets)
        self._start_flush(sweep=True)
        if self._sockets:
            self._timer = self._loop.call_later(HEARTBEAT_SECONDS, self.beat)

    def _soon(self) -> None:
        assert self._loop is not None
        self._loop.call_soon(self._start_flush)

    def _start_flush(self, sweep: bool = False) -> None:
        assert self._loop is not None
        if not (self._changed or self._gone or sweep):
            return
        task = self._loop.create_task(self.flush(sweep=sweep))
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def flush(self, sweep: bool = False) -> None:
        """Write what changed since the last flush (one at a time, in order)."""
        async with self._lock:
            changed, gone = self._changed, self._gone
            self._changed, self._gone = set(), set()
            active = {pk: self._active[pk] for pk in changed if pk in self._active}
            if not (active or gone or sweep):
                return
            try:
                await database_sync_to_async(actions.do_beat)(
                    process=self.process, active=active, gone=sorted(gone)
                )
                if sweep:
                    await database_sync_to_async(actions.do_announce_presence)()
            except Exception:
                # Written with the next beat; until then heartbeats may expire (offline is the
                # safe way to be wrong).
                logger.exception("Could not write presence for %d people", len(active) + len(gone))
                self._changed |= {pk for pk in changed if pk in self._sockets}
                self._gone |= {pk for pk in gone if pk not in self._sockets}

    async def settle(self) -> None:
        """Wait for the writes queued so far (tests, and a process shutting down)."""
        await asyncio.sleep(0)
        while self._flushing and self._loop is asyncio.get_running_loop():
            with contextlib.suppress(Exception):
                await asyncio.gather(*self._flushing)


presence = PresenceKeeper()
