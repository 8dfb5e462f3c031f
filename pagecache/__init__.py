"""Public pages from a cache that is never stale while the page can be made again: ``PageCacheMiddleware``
answers a copy first (and the last copy when the database is down), ``public_page`` makes one, ``changed()``
ends the copies of a tag and ``valid_until()`` ends one by the clock. How and why: docs/speed.md."""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from pagecache import local

logger = logging.getLogger(__name__)

PAGE = "pagecache:page:"
TAG = "pagecache:tag:"
# A copy nothing ends (no clock in it) is still dropped after a day, so that a forgotten address frees memory.
LONGEST = 24 * 60 * 60
# Headers of the view's response worth keeping with a copy when no middleware records the whole answer's.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")
# Headers that belong to one answer (its encoding, length, validators), never kept: each answer sets its own.
PER_ANSWER = frozenset(
    {"content-length", "content-encoding", "etag", "last-modified", "cache-control", "x-page-cache", "date"}
)
# A copy's policy is kept without the nonce of the answer that made it (see the module's docstring).
POLICIES = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
NONCE = re.compile(r" 'nonce-[^']*'")
# The cache keys of the tags of each page this process has stored or served, by page key. A page's tags
# come from its address alone, so they never change; knowing them, a hit reads the copy and the versions
# of its tags in one round trip. Emptied when full.
_TAG_KEYS: dict[str, tuple[str, ...]] = {}
TAG_KEYS_KEPT = 10_000
# Tags changed while the cache could not be written; sent with the next change or before the next lookup.
_UNSENT: set[str] = set()
# What the portal answers when a dependency it cannot do without is down (portal.views.server_error): a
# public page that has a copy, even an old one, is answered with it instead.
UNAVAILABLE = 503
# As GZipMiddleware: a shorter body is not worth compressing, and is sent plain to everyone.
SHORTEST_GZIP = 200


def changed(*tags: str) -> None:
    """Something the pages tagged ``tags`` show has changed: no copy made before is served again.

    The versions change at once (this request's next read sees the change) and again once the
    transaction commits (a page rendered meanwhile from the old rows is not kept as current).
    """
    if not tags:
        return

    def bump() -> None:
        _bump(set(tags))

    bump()
    transaction.on_commit(bump)


def _bump(tags: set[str]) -> bool:
    """New versions for ``tags``, and for those this process could not bump while the cache was down."""
    tags = tags | _UNSENT
    if not tags:
        return True
    # This process's own copies are checked against Redis again, before and after the change (a version
    # read meanwhile by another thread is not kept); other processes hear of it from Redis (pagecache.local).
    local.forget_versions()
    try:
        cache.set_many({TAG + tag: uuid.uuid4().hex for tag in tags}, timeout=None)
    except Exception:  # the cache is down: the change is sent again with the next one, or the next page served
        logger.warning("page cache unreachable: %s changed tags kept to send later", len(tags))
        _UNSENT.update(tags)
        return False
    finally:
        local.forget_versions()
    _UNSENT.clear()
    return True


def valid_until(request: HttpRequest, moment: datetime | None) -> None:
    """The page being rendered for ``request`` changes by itself at ``moment`` (an aware datetime)."""
    if moment is None or not hasattr(request, "_pagecache_until"):
        return
    request._pagecache_until = min(request._pagecache_until, moment.timestamp())


def version(request: HttpRequest, tag: str) -> str | None:
    """The version ``tag`` had before the page of ``request`` was rendered, if the page names the tag and the
    cache answered: a part of the page kept between requests (``hub.pathways.facts_box``, the banner's
    alerts) is current while it was made under this same version."""
    return getattr(request, "_pagecache_versions", {}).get(tag) or None


def _note_versions(request: HttpRequest, page_tags: list[str]) -> None:
    """A page rendered for one reader still reads its tags' versions first (one round trip), so that the parts
    kept between requests can be checked against them (``version``)."""
    try:
        request._pagecache_versions = _versions(page_tags, cache.get_many([TAG + tag for tag in page_tags]))
    except Exception:  # the cache is down: every part of the page is read from the database
        return


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _address(request: HttpRequest) -> str:
    # The scheme and host are part of the address: a page writes them into its links (hreflang, canonical).
    # get_host() refuses a host outside ALLOWED_HOSTS (DisallowedHost), as CommonMiddleware would.
    return f"{request.method == 'HEAD'}|{request.scheme}://{request.get_host()}{request.get_full_path()}"


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    _build.cache_clear()


@functools.cache
def _build() -> str:
    """What a copy's headers and links owe to this deployment rather than to the page: the security headers'
    settings (a hit answers with the headers recorded when its copy was made) and the stylesheet's hashed
    address. A deployment that changes either starts from new copies instead of serving old headers or a
    stylesheet that is gone."""
    from django.templatetags.static import static

    names = sorted(name for name in dir(settings) if name.startswith(("SECURE_", "CONTENT_SECURITY_POLICY")))
    return repr(
        (
            [(name, getattr(settings, name)) for name in names],
            settings.X_FRAME_OPTIONS,
            getattr(settings, "PERMISSIONS_POLICY", None),
            static("portal/site.css"),
        )
    )


def _page_key(address: str) -> str:
    return PAGE + hashlib.sha256(f"{_build()}|{address}".encode()).hexdigest()


def _versions(tags: list[str], found: dict) -> dict[str, str]:
    versions = {tag: found.get(TAG + tag) for tag in tags}
    missing = [tag for tag, version in versions.items() if version is None]
    if missing:
        for tag in missing:
            cache.add(TAG + tag, uuid.uuid4().hex, timeout=None)
        again = cache.get_many([TAG + tag for tag in missing])
        versions.update({tag: again.get(TAG + tag, "") for tag in missing})
    return versions


def _current(copy: dict, found: dict, now: float) -> bool:
    """Whether ``copy`` may still be served: its time has not ended and no tag it was made under has changed."""
    return copy["until"] > now and all(found.get(TAG + tag) == version for tag, version in copy["versions"].items())


def _remember_tags(key: str, tag_keys: tuple[str, ...]) -> None:
    if len(_TAG_KEYS) >= TAG_KEYS_KEPT:
        _TAG_KEYS.clear()
    _TAG_KEYS[key] = tag_keys


def _forget_session_read(request: HttpRequest) -> None:
    # Middleware and the page's header ask "is this a signed-in user?", which reads the (absent) session
    # and would add "Vary: Cookie". The answer for a request without a session cookie is always "no",
    # and signed-in readers never get a copy, so the page does not vary with the cookie.
    session = getattr(request, "session", None)
    if session is not None and not session.modified:
        session.accessed = False


def _answer(request: HttpRequest, copy: dict, state: str) -> HttpResponse:
    """The answer made of ``copy`` for ``request``: its body (gzipped if the copy was recorded by the
    middleware and the client takes gzip), its headers, and a 304 if the client already has it."""
    etag = copy["etag"]
    packed = copy.get("gzip")
    if packed is not None and re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(packed)
        response["Content-Encoding"] = "gzip"
        # Weak, as GZipMiddleware makes it: the bytes differ from the plain body's (RFC 9110 8.8.1).
        response["ETag"] = "W/" + etag
    else:
        response = HttpResponse(copy["body"])
        response["ETag"] = etag
    for name, value in copy["headers"].items():
        response[name] = value
    if copy.get("whole"):  # otherwise CommonMiddleware, further in, sets it
        response["Content-Length"] = str(len(response.content))
    response["Last-Modified"] = http_date(copy["made"])
    patch_cache_control(response, public=True, no_cache=True)
    response["X-Page-Cache"] = state
    return get_conditional_response(request, etag=etag, last_modified=copy["made"], response=response)


class PageCacheMiddleware:
    """Serve a current copy before the rest of the middleware runs, and record each new copy's answer whole.

    It comes first: a hit skips every other middleware, URL resolution, the view and GZipMiddleware (the
    copy keeps its body gzipped once), and answers with the headers recorded with the copy.

    On a miss the request goes on to the view, whose ``public_page`` renders the page and hands the copy
    back on the response; this middleware then keeps with it every header the whole stack added (security
    headers, Content-Language, X-Frame-Options, Vary...), stores it, and answers from it exactly as a hit
    would.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Every public page lives under a language prefix (i18n_patterns): other addresses (health, admin,
        # sitemap...) never have a copy and are not looked up, so they pay nothing for this middleware.
        self.prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (_cacheable(request) and request.path_info.startswith(self.prefixes)):
            return self.get_response(request)
        try:
            address = _address(request)
        except DisallowedHost:  # refused further in, once the reader's language is known (the 400 page)
            return self.get_response(request)
        key = _page_key(address)
        now = timezone.now().timestamp()
        if not _UNSENT:
            kept = local.entry(key, now)
            if kept is not None and kept["copy"]["address"] == address:
                return _answer(request, kept["copy"], "hit")
        tag_keys = _TAG_KEYS.get(key)
        stale = None
        try:
            if _UNSENT and not _bump(set()):
                raise ConnectionError("cache unreachable")
            since = local.generation()
            if tag_keys is None:
                found, copy = {}, cache.get(key)
            else:  # one round trip: the copy and the versions of its tags
                found = cache.get_many([key, *tag_keys])
                copy = found.get(key)
            if copy is not None and copy.get("whole") and copy["address"] == address:
                wanted = tuple(TAG + tag for tag in copy["versions"])
                if wanted != tag_keys:
                    found.update(cache.get_many(wanted) if wanted else {})
                    _remember_tags(key, wanted)
                if _current(copy, found, now):
                    local.keep(key, copy, {name: found[name] for name in wanted}, since)
                    return _answer(request, copy, "hit")
                stale = copy
        except Exception:  # the cache is down (portal/cache.py stops asking it for a while): render the page
            request._pagecache_down = True
            return self.get_response(request)
        request._pagecache_whole = True
        response = self.get_response(request)
        if response.status_code == UNAVAILABLE and stale is not None:
            # The page could not be made again (the database is down): the last copy rather than nothing,
            # for this reader only, and not kept by the browser as current.
            logger.warning("page could not be rendered: a stale copy served")
            answer = _answer(request, stale, "stale")
            patch_cache_control(answer, private=True, no_store=True)
            return answer
        pending = getattr(response, "_pagecache_pending", None)
        if pending is None:
            return response
        copy, timeout = pending
        # Whatever the middleware in between made personal (a cookie) or private is not shared.
        if response.cookies or response.status_code != 200 or "private" in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True)
            return response
        copy["headers"] = {name: value for name, value in response.items() if name.lower() not in PER_ANSWER}
        for name in POLICIES:
            if name in copy["headers"]:
                copy["headers"][name] = NONCE.sub("", copy["headers"][name])
        copy["whole"] = True
        body = copy["body"]
        if len(body) >= SHORTEST_GZIP:
            packed = gzip.compress(body, compresslevel=6, mtime=0)
            copy["gzip"] = packed if len(packed) < len(body) else None
        try:
            cache.set(key, copy, timeout=timeout)
        except Exception:  # not kept this time: the next reader renders it again
            logger.warning("page cache unreachable: a page was not kept")
        _remember_tags(key, tuple(TAG + tag for tag in copy["versions"]))
        return _answer(request, copy, "miss")


# Conditional requests are answered by Django's own rules (``_answer``), never from a prepared answer.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def answer_kept(environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """The status, headers and body of the answer to a plain GET ``environ`` from a copy this process keeps
    (``pagecache.local``), or None: the request then goes through Django as any other."""
    if _UNSENT or any(name in environ for name in CONDITIONAL):
        return None
    request = WSGIRequest(environ)
    if not _cacheable(request):
        return None
    try:
        address = _address(request)
    except DisallowedHost:
        return None
    key = _page_key(address)
    kept = local.entry(key, timezone.now().timestamp())
    if kept is None or kept["copy"]["address"] != address:
        return None
    packed = bool(kept["copy"].get("gzip")) and bool(re_accepts_gzip.search(environ.get("HTTP_ACCEPT_ENCODING", "")))
    prepared = kept["prepared"].get(packed)
    if prepared is None:
        response = _answer(request, kept["copy"], "hit")
        prepared = kept["prepared"][packed] = (
            f"{response.status_code} {response.reason_phrase}",
            list(response.items()),
            response.content,
        )
    return prepared


def _uncached(view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    response = view(request, *args, **kwargs)
    patch_cache_control(response, private=True)
    return response


def public_page(tags: Callable[..., list[str]]):
    """Serve the decorated view from the cache; ``tags(**kwargs)`` names what its page shows.

    With ``PageCacheMiddleware`` in place, hits are served there and a new copy is stored there; this
    decorator renders the page and works out its copy (body, tag versions, end). Without it, the
    decorator serves and stores copies itself.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            down = getattr(request, "_pagecache_down", False)
            if not _cacheable(request) or down:
                if not down:
                    _note_versions(request, sorted(set(tags(**kwargs))))
                return _uncached(view, request, *args, **kwargs)
            page_tags = sorted(set(tags(**kwargs)))
            address = _address(request)
            key = _page_key(address)
            now = timezone.now().timestamp()
            try:
                found = cache.get_many([key, *(TAG + tag for tag in page_tags)])
                copy = found.get(key)
                if copy is not None and copy.get("address") == address and _current(copy, found, now):
                    _forget_session_read(request)
                    return _answer(request, {**copy, "gzip": None, "whole": False}, "hit")
                versions = _versions(page_tags, found)
                request._pagecache_versions = versions
            except Exception:  # the cache is down: the page is rendered for this reader alone
                return _uncached(view, request, *args, **kwargs)
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
                "address": address,
                "body": body,
                "gzip": None,
                "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
                "whole": False,
                "versions": versions,
                "until": until,
                "made": int(now),
                "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            }
            # Kept past its end (never served as current then): the copy a reader gets while the page cannot
            # be made again. One copy per address, replaced by the next one made.
            timeout = max(LONGEST, int(until - now) + 1)
            if getattr(request, "_pagecache_whole", False):
                # PageCacheMiddleware stores the copy with the headers of the whole answer and answers from it.
                response._pagecache_pending = (copy, timeout)
                return response
            try:
                cache.set(key, copy, timeout=timeout)
            except Exception:
                logger.warning("page cache unreachable: a page was not kept")
            return _answer(request, copy, "miss")

        return wrapped

    return decorator


def country_tags(country: str, *more: str) -> list[str]:
    """What every page of a country shows: the country itself and the alerts of its banner."""
    code = country.upper()
    return [f"country:{code}", f"alerts:{code}", "alerts:region", *(f"{tag}:{code}" for tag in more)]
