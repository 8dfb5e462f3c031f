"""Django's Redis cache, keeping one client per server instead of building one for every operation, and failing
at once for a while after Redis stopped answering (a circuit breaker) so that callers, which all degrade
without the cache, do not each wait for a time-out.

``django.core.cache.backends.redis`` makes a new ``redis.Redis`` for each get or set; building one fills a
table of some 170 reply parsers, which costs more than the round trip to a local Redis (about 0.1 ms of
a cached public page's 0.3 ms). The client holds no connection of its own (its pool does), so one per
server is reused: Django already keeps a cache object per thread. ``settings.CACHES`` uses this backend
wherever ``CACHE_URL`` names Redis. What each caller does while the cache is down: docs/architecture.md.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

import pagecache.local

logger = logging.getLogger(__name__)

# After a failed operation, every operation of this process fails at once for this many seconds; the first one
# after them tries Redis again.
RETRY_SECONDS = 10
# The client operations the breaker guards (every one Django's cache calls).
GUARDED = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")

_open_until = 0.0


class CacheUnavailable(redis.ConnectionError):
    """The breaker is open: Redis failed less than RETRY_SECONDS ago and is not asked again yet."""


def is_open() -> bool:
    return time.monotonic() < _open_until


def reset() -> None:
    """Close the breaker (tests, and a process that knows Redis is back)."""
    global _open_until
    _open_until = 0.0


def _guarded(name: str):
    method = getattr(DjangoRedisCacheClient, name)

    def call(self, *args, **kwargs):
        global _open_until
        if is_open():
            raise CacheUnavailable("cache unreachable: not retried yet")
        try:
            return method(self, *args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            if not is_open():
                logger.warning("cache unreachable: not asked again for %s s", RETRY_SECONDS)
            _open_until = time.monotonic() + RETRY_SECONDS
            raise

    call.__name__ = name
    return call


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


for _name in GUARDED:
    setattr(RedisCacheClient, _name, _guarded(_name))


# Each worker's own page copies (pagecache.local) connect to Redis only while the breaker is closed.
pagecache.local.usable = lambda: not is_open()


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def clear(self) -> None:
        # Redis tells every process that keeps pages of its own (pagecache.local); this one forgets at once.
        pagecache.local.forget_versions()
        super().clear()
        pagecache.local.forget_versions()
