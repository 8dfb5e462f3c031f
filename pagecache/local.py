"""Each worker's own copies of public pages, so that a hit asks Redis nothing.

A copy kept here is served while the versions of its tags, also kept here, are current. They are trusted only
while one connection of this process hears Redis's invalidation messages for the tag keys (client-side
caching: ``CLIENT TRACKING ... BCAST``, Redis 6 and later, RESP3) and has answered a ping sent less than half a
second ago: any message other than the ping's answer forgets every version kept, and a closed connection or a
forked process forgets everything (a Redis that stops answering answers no ping either). How and why: docs/speed.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

PING = b"*1\r\n$4\r\nPING\r\n"
PONG = b"+PONG\r\n"
# The copies are trusted while a ping sent less than this many seconds ago has been answered: every
# invalidation Redis sent before answering it has then been heard.
HEARD_WITHIN = 0.5
# A ping is sent at most this often, by the request that finds the last one older.
PING_EVERY = 0.1
# After a connection failed, it is tried again after this many seconds (requests ask Redis meanwhile).
RETRY_SECONDS = 10

# A Redis that is slow to answer is not waited for inside a request: the copies stay off until the next try.
LONGEST_WAIT = 0.2

_lock = threading.Lock()


def _usable() -> bool:
    return True


# Whether the cache answers at all (portal.cache plugs in its circuit breaker): no connection is tried while
# it does not, so that no request waits for one.
usable = _usable


class _State:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.connection: redis.Connection | None = None
        self.poller: select.poll | None = None
        self.retry_at = 0.0
        self.ping_sent_at = 0.0
        self.heard_at = -HEARD_WITHIN - 1  # when the last answered ping was sent
        self.waiting: list[float] = []  # pings sent and not answered yet, oldest first
        self.buffer = b""
        self.generation = 0  # counts every forgetting of the versions
        self.versions: dict[str, str] = {}  # tag cache key -> version
        self.pages: OrderedDict[str, dict] = OrderedDict()  # page cache key -> entry
        self.size = 0


_state = _State()


def budget() -> int:
    """The bytes of page bodies each process may keep; 0 keeps none (``PAGE_CACHE_LOCAL_BYTES``)."""
    return getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 0)


def _server() -> str | None:
    """The one Redis the page cache writes and reads, or None where another cache (or several servers) is used."""
    options = settings.CACHES["default"]
    if not options["BACKEND"].endswith(".RedisCache"):
        return None
    location = options["LOCATION"]
    servers = location if isinstance(location, list | tuple) else location.split(",")
    return servers[0] if len(servers) == 1 else None


def _close() -> None:
    if _state.connection is not None:
        with contextlib.suppress(Exception):  # closing a connection that may be broken already
            _state.connection.disconnect()
    _state.connection = _state.poller = None
    _state.buffer = b""
    _state.waiting = []
    _state.ping_sent_at = 0.0
    _state.heard_at = -HEARD_WITHIN - 1
    _forget_all()


def _forget_all() -> None:
    _state.generation += 1
    _state.versions.clear()
    _state.pages.clear()
    _state.size = 0


def _connect(now: float) -> bool:
    server = _server()
    if server is None or budget() <= 0:
        return False
    given = settings.CACHES["default"].get("OPTIONS", {})
    timeouts = {
        name: min(given.get(name) or LONGEST_WAIT, LONGEST_WAIT)
        for name in ("socket_connect_timeout", "socket_timeout")
    }
    try:
        options = redis.connection.parse_url(server)
        kind = options.pop("connection_class", redis.Connection)
        connection = kind(**options, **timeouts, protocol=3)
        connection.connect()
        prefix = cache.make_key(_tag_prefix())
        connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", prefix)
        if connection.read_response() not in (b"OK", "OK"):
            raise redis.ConnectionError("tracking refused")
    except (redis.RedisError, OSError, ValueError) as error:
        logger.warning("page cache: each worker's own copies off for %s s (%s)", RETRY_SECONDS, type(error).__name__)
        _state.retry_at = now + RETRY_SECONDS
        return False
    _state.connection = connection
    _state.poller = select.poll()
    _state.poller.register(connection._sock, select.POLLIN)
    return True


def _tag_prefix() -> str:
    from pagecache import TAG

    return TAG


def _read(now: float) -> None:
    """Take in what Redis sent: the answers to pings, and invalidations (any other bytes), without waiting."""
    sock = _state.connection._sock
    while _state.poller.poll(0) or getattr(sock, "pending", lambda: 0)():
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("page cache tracking connection closed")
        _state.buffer += data
    while _state.buffer.startswith(PONG) and _state.waiting:
        _state.heard_at = _state.waiting.pop(0)
        _state.buffer = _state.buffer[len(PONG) :]
    if _state.buffer and not (PONG.startswith(_state.buffer) and _state.waiting):
        # An invalidation (or what cannot be read as a ping's answer): every version kept may be old. The
        # pings still waiting are asked again, since their answers cannot be told apart from the rest.
        _state.buffer = b""
        _state.waiting = []
        _state.ping_sent_at = 0.0
        _state.generation += 1
        _state.versions.clear()


def listening() -> bool:
    """Whether the copies and versions kept in this process may be served now (see the module's docstring)."""
    now = time.monotonic()
    with _lock:
        if _state.pid != os.getpid():  # a forked worker does not share its parent's connection or copies
            _state.connection = _state.poller = None
            _close()
            _state.pid = os.getpid()
        if _state.connection is None and (now < _state.retry_at or not usable() or not _connect(now)):
            return False
        try:
            _read(now)
            if now - _state.ping_sent_at >= PING_EVERY:
                _state.connection._sock.sendall(PING)
                _state.ping_sent_at = now
                _state.waiting.append(now)
        except (OSError, ConnectionError):
            logger.warning("page cache: tracking connection lost; each worker's own copies forgotten")
            _close()
            _state.retry_at = now
            return False
        return now - _state.heard_at < HEARD_WITHIN


def generation() -> int:
    """To be read before asking Redis for versions: ``keep`` keeps them only if nothing was forgotten since."""
    return _state.generation


def forget_versions() -> None:
    """This process changed tags: its own copies are not served again before their versions are read anew."""
    with _lock:
        _state.generation += 1
        _state.versions.clear()


def entry(key: str, now: float) -> dict | None:
    """The current copy kept for ``key`` (with its prepared answers), if the process is listening."""
    if not listening():
        return None
    page = _state.pages.get(key)
    if page is None:
        return None
    if page["copy"]["until"] <= now:
        return None
    versions = _state.versions
    for tag_key, version in page["tag_versions"].items():
        if versions.get(tag_key) != version:
            return None
    with contextlib.suppress(KeyError):  # dropped meanwhile by another thread
        _state.pages.move_to_end(key)  # the least recently served go first when the budget is spent
    return page


def keep(key: str, copy: dict, tag_versions: dict[str, str], since: int) -> None:
    """Keep ``copy`` and the versions it was checked against, unless a version was forgotten ``since``."""
    size = len(copy["body"]) + len(copy.get("gzip") or b"")
    limit = budget()
    if size > limit // 4:
        return
    with _lock:
        if since != _state.generation or _state.connection is None:
            return
        _state.versions.update(tag_versions)
        old = _state.pages.pop(key, None)
        if old is not None:
            _state.size -= old["size"]
        _state.pages[key] = {"copy": copy, "tag_versions": tag_versions, "size": size, "prepared": {}}
        _state.size += size
        while _state.size > limit:
            _old_key, oldest = _state.pages.popitem(last=False)
            _state.size -= oldest["size"]


def reset() -> None:
    """Close the connection and forget everything (tests, a cache cleared, settings changed)."""
    with _lock:
        _close()
        _state.retry_at = 0.0


@receiver(setting_changed)
def _settings_changed(setting, **kwargs) -> None:
    if setting in ("CACHES", "PAGE_CACHE_LOCAL_BYTES"):
        reset()
