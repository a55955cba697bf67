"""Django's Redis cache with one connection pool per process and server, shared by every cache
object.

Django keeps a cache object per thread and per asynchronous context (``caches`` is a
context-local handler), and each object's client opens a connection pool of its own. Under ASGI
every request and every websocket runs in a context of its own: 10,000 open websockets, each
reading the site settings once when it opened, held 10,000 Redis connections and met Redis's
default ``maxclients`` ("max number of clients reached" in the bench's PostgreSQL + Redis run,
docs/performance.md). redis-py's pools are thread-safe and notice a fork, so one per process and
server is enough.
"""

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple[str, Any, str], Any] = {}
_pools_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    def _get_connection_pool(self, write: bool) -> Any:
        client: Any = self  # Django's private attributes, not in the type stubs
        server = client._servers[client._get_connection_pool_index(write)]
        pool_class, options = client._pool_class, client._pool_options
        key = (server, pool_class, repr(sorted(options.items())))
        with _pools_lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = pool_class.from_url(server, **options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient
