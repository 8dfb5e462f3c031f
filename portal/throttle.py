"""A small per-client limit for the public forms (feedback, enrolment), kept in the cache.

The public forms need no account, so nothing else stops a script from posting thousands of answers or
enrolment requests (each of which e-mails a confirmation link). A fixed window per client and form is
enough to make flooding pointless while a person, or the people sharing a window's connection, never
meets it. The client is known only by a keyed hash of its address: no address is stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind PROXY_HOPS reverse proxies REMOTE_ADDR is the nearest proxy's, shared
    by every visitor; each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    that many entries from the end (entries further left are whatever the client chose to send)."""
    hops = settings.PROXY_HOPS
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def keyed(value: str) -> str:
    """A keyed hash of a value (an address, an e-mail): stable for a limit, useless to anyone reading the cache."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_digest(request: HttpRequest) -> str:
    return keyed(client_address(request))


def allow(request: HttpRequest, scope: str, *, limit: int, period: int = 3600) -> bool:
    """Count one use of ``scope`` by this client; False once it has used it ``limit`` times in ``period`` s."""
    return allow_key(f"{scope}:{client_digest(request)}", limit=limit, period=period)


def allow_key(name: str, *, limit: int, period: int = 3600) -> bool:
    """Count one use of ``name`` (already free of personal data); False past ``limit`` uses in ``period`` s."""
    window = int(time.time() // period)
    key = f"throttle:{name}:{window}"
    # add() is a no-op when the key exists, and incr() is atomic on Redis and memcached: two requests
    # at once never both see the last free use.
    cache.add(key, 0, timeout=period)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=period)
        used = 1
    return used <= limit
