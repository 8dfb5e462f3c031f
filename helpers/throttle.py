"""A small per-client limit for the public forms, counted in the database (``helpers.ThrottleCount``) so that every
worker counts the same uses and the forms keep working while the cache is down; the client is known only by a
keyed hash of its address."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone


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
    """A keyed hash of a value (an address, an e-mail): stable for a limit, useless to anyone reading it."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_digest(request: HttpRequest) -> str:
    return keyed(client_address(request))


def allow(request: HttpRequest, scope: str, *, limit: int, period: int = 3600) -> bool:
    """Count one use of ``scope`` by this client; False once it has used it ``limit`` times in ``period`` s."""
    return allow_key(f"{scope}:{client_digest(request)}", limit=limit, period=period)


def allow_key(name: str, *, limit: int, period: int = 3600) -> bool:
    """Count one use of ``name`` (already free of personal data); False past ``limit`` uses in ``period`` s."""
    window = int(time.time() // period)
    key = f"{name}:{window}"
    expires = datetime.fromtimestamp((window + 1) * period, tz=UTC)
    from .models import ThrottleCount

    # An UPDATE with F() is atomic in the database: two requests at once never both see the last free use.
    with transaction.atomic():
        counted = ThrottleCount.objects.filter(key=key).update(count=F("count") + 1)
        if not counted:
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:  # another request created it first
                ThrottleCount.objects.filter(key=key).update(count=F("count") + 1)
        used = ThrottleCount.objects.filter(key=key).values_list("count", flat=True).first() or 1
    ThrottleCount.objects.filter(expires_at__lt=timezone.now()).delete()
    return used <= limit
