"""Public pages from a cache that is never stale.

A public page (a country's home, a guide, an article, the FAQ, the window directory, the training
catalogue, a search) is rendered once per address (language, country, query) and then served from the
shared cache (``CACHES["default"]``: Redis in production, local memory on a laptop) until something it
shows changes. Two things end a copy:

- **tags**: each page names, from its address alone, what it shows (``content:CR``, ``windows:CR``,
  ``alerts:CR``...). Each tag has a version in the cache; ``changed()`` gives it a new one when a row it
  covers is saved or deleted (``portal.signals``) or when a service changes rows without saving them (a
  seat taken). A copy remembers the versions it was made under, read *before* rendering, so a change that
  lands while a page renders can never be stored as current.
- **time**: what changes with the clock (an alert starting or ending, a window opening or closing,
  "today" at the country's midnight) is given to ``valid_until()`` while the page renders; the copy ends
  at the earliest of those moments.

Only readers without a session or a pending message are served a copy: signed-in staff and a reader who
has just sent a form get a fresh page, marked private. Copies carry an ``ETag`` and ``Last-Modified``, so
a phone that already has the page gets a 304 without its body. Staff pages never use this module.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

PAGE = "pagecache:page:"
TAG = "pagecache:tag:"
# A copy nothing ends (no clock in it) is still dropped after a day, so that a forgotten address frees memory.
LONGEST = 24 * 60 * 60
# Headers of the view's response worth keeping with a copy.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def changed(*tags: str) -> None:
    """Something the pages tagged ``tags`` show has changed: no copy made before is served again.

    The versions change at once (this request's next read sees the change) and again once the
    transaction commits (a page rendered meanwhile from the old rows is not kept as current).
    """
    if not tags:
        return

    def bump() -> None:
        cache.set_many({TAG + tag: uuid.uuid4().hex for tag in tags}, timeout=None)

    bump()
    transaction.on_commit(bump)


def valid_until(request: HttpRequest, moment: datetime | None) -> None:
    """The page being rendered for ``request`` changes by itself at ``moment`` (an aware datetime)."""
    if moment is None or not hasattr(request, "_pagecache_until"):
        return
    request._pagecache_until = min(request._pagecache_until, moment.timestamp())


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _page_key(request: HttpRequest) -> str:
    address = f"{request.method == 'HEAD'}|{request.get_full_path()}"
    return PAGE + hashlib.sha256(address.encode()).hexdigest()


def _versions(tags: list[str], found: dict) -> dict[str, str]:
    versions = {tag: found.get(TAG + tag) for tag in tags}
    missing = [tag for tag, version in versions.items() if version is None]
    if missing:
        for tag in missing:
            cache.add(TAG + tag, uuid.uuid4().hex, timeout=None)
        again = cache.get_many([TAG + tag for tag in missing])
        versions.update({tag: again.get(TAG + tag, "") for tag in missing})
    return versions


def _forget_session_read(request: HttpRequest) -> None:
    # Middleware and the page's header ask "is this a signed-in user?", which reads the (absent) session
    # and would add "Vary: Cookie". The answer for a request without a session cookie is always "no",
    # and signed-in readers never get a copy, so the page does not vary with the cookie.
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False


def _from_copy(request: HttpRequest, copy: dict) -> HttpResponse:
    response = HttpResponse(copy["body"])
    for name, value in copy["headers"].items():
        response[name] = value
    response["ETag"] = copy["etag"]
    response["Last-Modified"] = http_date(copy["made"])
    patch_cache_control(response, public=True, no_cache=True)
    return response


def public_page(tags: Callable[..., list[str]]):
    """Serve the decorated view from the cache; ``tags(**kwargs)`` names what its page shows."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                return response
            page_tags = sorted(set(tags(**kwargs)))
            key = _page_key(request)
            found = cache.get_many([key, *(TAG + tag for tag in page_tags)])
            copy = found.get(key)
            now = timezone.now().timestamp()
            if (
                copy is not None
                and copy["until"] > now
                and all(found.get(TAG + tag) == version for tag, version in copy["versions"].items())
            ):
                response = _from_copy(request, copy)
                response["X-Page-Cache"] = "hit"
                _forget_session_read(request)
                return get_conditional_response(
                    request, etag=copy["etag"], last_modified=int(copy["made"]), response=response
                )
            versions = _versions(page_tags, found)
            request._pagecache_until = now + LONGEST
            response = view(request, *args, **kwargs)
            until = request._pagecache_until
            _forget_session_read(request)
            # A page that set a cookie, or that holds a CSRF token (tied to one reader's cookie), is never shared.
            personal = bool(response.cookies) or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code != 200 or response.streaming or personal or until <= now:
                patch_cache_control(response, private=True)
                return response
            body = response.content
            copy = {
                "body": body,
                "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
                "versions": versions,
                "until": until,
                "made": int(now),
                "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            }
            cache.set(key, copy, timeout=max(1, int(until - now) + 1))
            response = _from_copy(request, copy)
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(request, etag=copy["etag"], last_modified=copy["made"], response=response)

        return wrapped

    return decorator


def country_tags(country: str, *more: str) -> list[str]:
    """What every page of a country shows: the country itself and the alerts of its banner."""
    code = country.upper()
    return [f"country:{code}", f"alerts:{code}", "alerts:region", *(f"{tag}:{code}" for tag in more)]
