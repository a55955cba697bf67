"""Django's SQLite backend, with the connections of a process kept in a pool between requests,
and its write transactions queued on a lock instead of retrying SQLite's.

Under ASGI Django runs each request's synchronous code in a thread of its own, so a per-thread
persistent connection (CONN_MAX_AGE) is never reused, and every request paid for a new SQLite
connection: opening the file, the PRAGMAs and parsing the schema on the first statement (1.0 ms
of a 1.1 ms first query on the bench organisation, docs/performance.md). Here a closed
connection goes back to a process-wide pool instead, and the next request's thread takes it.

Safe because a pooled connection is used by one thread at a time (Django's SQLite connections
are opened with ``check_same_thread=False``), and one goes back to the pool only outside any
transaction (an open one is rolled back first). In-memory databases are left to Django: it
never closes them. The pool is per process: connections are never shared across a fork.

Writes: SQLite lets one transaction write at a time. Django begins every atomic block with
``BEGIN IMMEDIATE`` (settings: ``transaction_mode``), and a thread that finds the database locked
sleeps in SQLite's busy handler, 1 ms then longer and longer up to 100 ms a try, while others that
arrive later may win: under sustained posting p99 reached 2.6-4 s with a few "database is locked"
errors. A thread now first waits on a process-wide lock, handed over the moment the transaction
before it commits or rolls back, and only then begins. Other processes (a task worker) still meet
SQLite's own lock and busy timeout; after ``WRITE_WAIT_SECONDS`` a thread stops waiting on the
Python lock and leaves it to SQLite, so a transaction left open by mistake cannot stall writes.
"""

import threading
from typing import Any

from django.db.backends.sqlite3 import base

# More than the threads a process runs at once is only memory: the rest are closed.
POOL_SIZE = 16
# As long as SQLite's busy timeout (settings: PRAGMA busy_timeout=5000).
WRITE_WAIT_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    _pools: dict[str, list[Any]] = {}
    _pools_lock = threading.Lock()
    _write_locks: dict[str, threading.Lock] = {}
    _holds_write_lock = False

    def _pool(self) -> list[Any]:
        name = str(self.settings_dict["NAME"])
        with self._pools_lock:
            return self._pools.setdefault(name, [])

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if not self.is_in_memory_db():
            pool = self._pool()
            with self._pools_lock:
                if pool:
                    return pool.pop()
        return super().get_new_connection(conn_params)

    def _write_lock(self) -> threading.Lock:
        name = str(self.settings_dict["NAME"])
        with self._pools_lock:
            return self._write_locks.setdefault(name, threading.Lock())

    def _start_transaction_under_autocommit(self) -> None:
        if not self.is_in_memory_db() and not self._holds_write_lock:
            self._holds_write_lock = self._write_lock().acquire(timeout=WRITE_WAIT_SECONDS)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            self._write_lock().release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            self._close_into_pool()
        finally:
            self._release_write_lock()

    def _close_into_pool(self) -> None:
        connection = self.connection
        if connection is None or self.is_in_memory_db():
            super()._close()  # type: ignore[misc]  # private in the stubs, public in Django
            return
        with self.wrap_database_errors:
            if connection.in_transaction:
                connection.rollback()
            pool = self._pool()
            with self._pools_lock:
                if len(pool) < POOL_SIZE:
                    pool.append(connection)
                    return
            connection.close()
