"""CSRF protection without a cookie, for the anonymous public forms served from cached pages.

A cached page cannot hold a CSRF token (the token belongs to one reader's cookie), and setting the cookie
on every public page would make them uncacheable. Forms posted from those pages are checked instead by
the origin the browser declares, as browsers do for every POST: ``Sec-Fetch-Site`` (same-origin), else
``Origin``, else ``Referer`` (this site sends it within the site: ``Referrer-Policy: same-origin``) must
name this site or one of ``CSRF_TRUSTED_ORIGINS``. A post with none of them is refused. The forms
concerned change nothing a signed-in user owns (an anonymous "was this useful?"), and each keeps its
rate limit.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_callable
from django.views.decorators.csrf import csrf_exempt


def _same_origin(request: HttpRequest, url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


def is_same_origin(request: HttpRequest) -> bool:
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin != "null":
        return _same_origin(request, origin)
    referer = request.META.get("HTTP_REFERER")
    return bool(referer) and _same_origin(request, referer)


def same_origin_post(view):
    """Accept the view's POSTs only from this site's pages (no CSRF cookie needed; see the module)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            failure = get_callable(settings.CSRF_FAILURE_VIEW)
            return failure(request, reason="Origin checking failed: the form was not sent from this site.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
