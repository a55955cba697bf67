"""Django's SQLite backend, with the connections of a process kept in a pool between requests.

Under ASGI Django runs each request's synchronous code in a thread of its own, so a per-thread
persistent connection (CONN_MAX_AGE) is never reused, and every request paid for a new SQLite
connection: opening the file, the PRAGMAs and parsing the schema on the first statement (1.0 ms
of a 1.1 ms first query on the bench organisation, docs/performance.md). Here a closed
connection goes back to a process-wide pool instead, and the next request's thread takes it.

Safe because a pooled connection is used by one thread at a time (Django's SQLite connections
are opened with ``check_same_thread=False``), and one goes back to the pool only outside any
transaction (an open one is rolled back first). In-memory databases are left to Django: it
never closes them. The pool is per process: connections are never shared across a fork.
"""

import threading
from typing import Any

from django.db.backends.sqlite3 import base

# More than the threads a process runs at once is only memory: the rest are closed.
POOL_SIZE = 16


class DatabaseWrapper(base.DatabaseWrapper):
    _pools: dict[str, list[Any]] = {}
    _pools_lock = threading.Lock()

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

    def _close(self) -> None:
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
