"""The Redis cache shares one connection pool per process and server between cache objects."""

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache

from watercooler.core.cache import SharedPoolRedisCache

SERVER = "redis://127.0.0.1:6379/9"  # no connection is made: pools connect on first use


def _pool(cache: RedisCache) -> object:
    client: Any = cache._cache
    return client._get_connection_pool(write=True)


def test_cache_objects_of_every_thread_share_one_pool() -> None:
    first = SharedPoolRedisCache(SERVER, {})
    pools = [_pool(first)]
    thread = threading.Thread(target=lambda: pools.append(_pool(SharedPoolRedisCache(SERVER, {}))))
    thread.start()
    thread.join()
    assert pools[0] is pools[1]
    # Django's own opens a pool per object: what filled Redis's connection table.
    assert _pool(RedisCache(SERVER, {})) is not _pool(RedisCache(SERVER, {}))


def test_other_servers_and_options_get_pools_of_their_own() -> None:
    base = _pool(SharedPoolRedisCache(SERVER, {}))
    assert _pool(SharedPoolRedisCache("redis://127.0.0.1:6379/8", {})) is not base
    options = {"OPTIONS": {"socket_timeout": 3}}
    assert _pool(SharedPoolRedisCache(SERVER, options)) is not base
