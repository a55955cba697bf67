"""Re-checking, in batches, that the people behind open websockets may still use them.

A socket is authenticated once, when it opens. Afterwards its person may be deactivated, sign
out (the session row goes), change their password elsewhere (the session's password hash no
longer matches, as Django's ``get_user`` checks on every request) or revoke the API token the
socket came with. Each open socket is re-checked at least every ``REAUTHORISE_SECONDS``; one
that fails is closed with 4401.

The checks run in batches, a few queries for hundreds of sockets, on a timer per process
(every ``SWEEP_SECONDS``, the sockets whose last check is older than ``REAUTHORISE_SECONDS``
minus one sweep), not on the path of an event: a check per socket on delivery made a post to
10,000 sockets after a quiet minute wait for 10,000 queries, one after another in the one
thread Django's database work runs in. A socket that is still due when an event reaches it
(the sweep was late) joins a batch before the event is forwarded, so no event reaches a socket
whose sign-in was last confirmed more than ``REAUTHORISE_SECONDS`` ago.

Revocations are polled, not pushed: every way to lose access (an action, the admin, a session
that expired, another process) is seen the same way, on PostgreSQL and Redis as on SQLite.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from watercooler.people.models import ApiToken, User

logger = logging.getLogger(__name__)

REAUTHORISE_SECONDS = 60.0
SWEEP_SECONDS = 15.0
# Ids per IN (...) list: well under SQLite's and PostgreSQL's limits on parameters.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Credential:
    """What a socket was opened with: a token (its hash) or a session (its key and store)."""

    user_id: int
    token_hash: str | None = None
    session_key: str | None = None
    session_store: type[SessionBase] | None = None

    @classmethod
    def from_scope(cls, user_id: int, scope: dict[str, Any]) -> "Credential":
        if scope.get("auth") == "token":
            return cls(user_id, token_hash=scope.get("token_hash") or "")
        session = scope.get("session")
        if isinstance(session, SessionBase) and session.session_key:
            # The class, not the object: the check reads the stored session afresh.
            return cls(user_id, session_key=session.session_key, session_store=session.__class__)
        return cls(user_id)


class Recheckable(Protocol):
    credential: Credential
    authorised_at: float

    def revoke(self) -> None:
        """Stop forwarding events and close with 4401 (from the socket's own task)."""


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def still_authorised(credentials: Iterable[Credential]) -> set[Credential]:
    """The subset of ``credentials`` that still sign their person in, in a few queries."""
    credentials = set(credentials)
    user_ids = sorted({c.user_id for c in credentials})
    users: dict[int, User] = {}
    for ids in _chunks(user_ids):
        users.update(
            (user.pk, user)
            for user in User.objects.filter(pk__in=ids, is_active=True).only("pk", "password")
        )
    hashes = sorted({c.token_hash for c in credentials if c.token_hash is not None})
    tokens: set[tuple[str, int]] = set()
    for chunk in _chunks(hashes):
        tokens.update(
            ApiToken.objects.filter(key_hash__in=chunk).values_list("key_hash", "user_id")
        )
    sessions = _session_data([c for c in credentials if c.session_key is not None])
    ok: set[Credential] = set()
    for credential in credentials:
        user = users.get(credential.user_id)
        if user is None:
            continue
        if credential.token_hash is not None:
            if (credential.token_hash, credential.user_id) in tokens:
                ok.add(credential)
        elif credential.session_key is not None:
            data = sessions.get(credential.session_key)
            if data is not None and _session_signs_in(data, user):
                ok.add(credential)
        else:
            ok.add(credential)  # neither token nor session (tests' scopes): an active person
    return ok


def _session_data(credentials: list[Credential]) -> dict[str, dict[str, Any]]:
    """Stored data of each session that still exists, by key (the database store in one query
    per chunk; other stores one load each)."""
    found: dict[str, dict[str, Any]] = {}
    by_store: dict[type[SessionBase], list[str]] = {}
    for credential in credentials:
        assert credential.session_store is not None
        assert credential.session_key is not None
        by_store.setdefault(credential.session_store, []).append(credential.session_key)
    for store, keys in by_store.items():
        if issubclass(store, DatabaseSessionStore) and store.load is DatabaseSessionStore.load:
            model = store.get_model_class()
            decoder = store()
            for chunk in _chunks(sorted(set(keys))):
                rows = model.objects.filter(
                    session_key__in=chunk, expire_date__gt=timezone.now()
                ).values_list("session_key", "session_data")
                for key, raw in rows:
                    found[key] = decoder.decode(raw)
        else:
            for key in set(keys):
                session = store(key)
                data = session.load()
                if session.session_key == key and data:
                    found[key] = data
    return found


def _session_signs_in(data: dict[str, Any], user: User) -> bool:
    """As Django's ``get_user``: the session names the person and carries the hash of their
    current password (or one made with a fallback secret)."""
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return False
    session_hash = data.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    if constant_time_compare(session_hash, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )


class Rechecker:
    """The open sockets of one event loop and their batched re-checks."""

    def __init__(self) -> None:
        self._reset(None)

    def _reset(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self._loop = loop
        self._open: dict[Recheckable, None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._due: dict[Recheckable, None] = {}
        self._batch: asyncio.Future[set[Recheckable]] | None = None
        self._running: set[asyncio.Task[None]] = set()

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new loop (each test has its own): the sockets of the old one are gone.
            self._reset(loop)
        return loop

    def add(self, socket: Recheckable) -> None:
        loop = self._bind()
        self._open[socket] = None
        if self._timer is None:
            self._timer = loop.call_later(SWEEP_SECONDS, self.sweep)

    def discard(self, socket: Recheckable) -> None:
        self._open.pop(socket, None)
        self._due.pop(socket, None)

    def __len__(self) -> int:
        return len(self._open)

    def sweep(self) -> None:
        """Queue a check of every socket that will be due before the next sweep."""
        self._timer = None
        if not self._open or self._loop is None or self._loop.is_closed():
            return
        horizon = time.monotonic() - (REAUTHORISE_SECONDS - SWEEP_SECONDS)
        due = [socket for socket in self._open if socket.authorised_at <= horizon]
        if due:
            self._enqueue(due)
        self._timer = self._loop.call_later(SWEEP_SECONDS, self.sweep)

    async def confirm(self, socket: Recheckable) -> bool:
        """Whether ``socket``'s sign-in still holds (checked with whoever else is due now)."""
        self._bind()
        try:
            revoked = await asyncio.shield(self._enqueue([socket]))
        except Exception:
            # Checked again with the next event or sweep; until then, nothing is forwarded.
            return False
        return socket not in revoked

    def _enqueue(self, sockets: list[Recheckable]) -> "asyncio.Future[set[Recheckable]]":
        assert self._loop is not None
        self._due.update(dict.fromkeys(sockets))
        if self._batch is None:
            self._batch = self._loop.create_future()
            # Whoever else becomes due in this turn of the loop joins the same batch.
            self._loop.call_soon(self._flush)
        return self._batch

    def _flush(self) -> None:
        batch, due = self._batch, list(self._due)
        self._batch, self._due = None, {}
        assert batch is not None
        assert self._loop is not None
        task = self._loop.create_task(self._check(batch, due))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _check(self, batch: "asyncio.Future[set[Recheckable]]", due: list[Any]) -> None:
        try:
            ok = await database_sync_to_async(still_authorised)([s.credential for s in due])
        except Exception as exc:
            logger.exception("Could not re-check %d websockets", len(due))
            if not batch.done():
                batch.set_exception(exc)
                # A sweep's batch may have nobody waiting for it.
                batch.exception()
            return
        now = time.monotonic()
        revoked: set[Recheckable] = set()
        for socket in due:
            if socket.credential in ok:
                socket.authorised_at = now
            else:
                revoked.add(socket)
                self.discard(socket)
                with contextlib.suppress(Exception):
                    socket.revoke()
        if not batch.done():
            batch.set_result(revoked)


rechecker = Rechecker()
