from __future__ import annotations

import hmac
import logging
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from helpers import throttle
from pagecache import public_page
from ventanillas import access
from ventanillas.selectors import public_countries

logger = logging.getLogger(__name__)


@require_safe
@public_page(lambda: ["countries"])
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"countries": public_countries()})


@login_required
@require_safe
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "portal/staff_home.html",
        {
            "memberships": access.memberships(user),
            "windows": access.visible_windows(user),
            "writable": access.staff_window_ids(user),
            "is_admin": access.is_administrator(user),
            "sees_figures": access.aggregate_countries(user).exists(),
        },
    )


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """What answers: the database, the cache and the broker. Anything down answers 503 (never a 500) and names
    what is down, so the monitoring and the person on call both read the same thing. The site itself keeps
    answering without the cache or the broker (docs/architecture.md, "When a dependency is down").

    ``?worker=1`` also asks a Celery worker, which can hold the request for up to 5 s: it is for the
    operators' monitoring only, with ``Authorization: Bearer <HEALTH_TOKEN>``; anyone else gets a 404
    (and the proxy in docker-compose.yml does not pass it on at all).
    """
    body: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception as exc:  # any driver error: the probe must answer
        body["database"] = f"unavailable: {type(exc).__name__}"
    body["cache"] = _cache_state()
    body["broker"] = _broker_state()
    if request.GET.get("worker"):
        if not _health_token_ok(request):
            raise Http404
        from .tasks import ping

        nonce = uuid.uuid4().hex
        try:
            answer = ping.apply_async(args=[nonce]).get(timeout=5)
            body["worker"] = "ok" if answer["nonce"] == nonce else "wrong answer"
        except Exception as exc:
            body["worker"] = f"unavailable: {type(exc).__name__}"
    down = any(value not in ("ok", "not used") for value in body.values())
    return JsonResponse(body, status=503 if down else 200)


def _cache_state() -> str:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, timeout=5)
        ok = cache.get(key) == 1
        cache.delete(key)
    except Exception as exc:  # the cache backend's own error (Redis refused, timed out, not asked again yet)
        return f"unavailable: {type(exc).__name__}"
    return "ok" if ok else "unavailable: not kept"


def _broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used"
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def _health_token_ok(request: HttpRequest) -> bool:
    token = settings.HEALTH_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with at most PASSWORD_RESET_LIMIT e-mails an hour per address and per client.

    Past the limit the form answers exactly as before (the "check your e-mail" page) and sends nothing: the
    answer tells nobody whether an address has an account, nor that a limit was met.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limit = settings.PASSWORD_RESET_LIMIT
        by_address = throttle.allow_key(f"password-reset:{throttle.keyed(email)}", limit=limit)
        by_client = throttle.allow(self.request, "password-reset", limit=limit * 3)
        if not (by_address and by_client):
            logger.warning("password reset refused: limit reached client=%s", throttle.client_digest(self.request))
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


# Error pages ---------------------------------------------------------------------------------------------
# 400 and 500 render without the request's context processors, and the 500 page without the database: it is
# shown when the database may be the thing that failed.


def _country_home_of(path: str) -> str:
    """/ht/cr/guides/x/ -> /ht/cr/ when "cr" is one of the portal's countries (a way back from a 404); "" for an
    address that is not under a country, or under a code no country has (its home would be this 404 again)."""
    parts = [part for part in path.split("/") if part]
    if len(parts) >= 2 and len(parts[0]) == 2 and len(parts[1]) == 2 and parts[1].isalpha():
        try:
            known = {country.code.lower() for country in public_countries()}
        except DatabaseError:
            return ""
        if parts[1].lower() in known and path.rstrip("/") != f"/{parts[0]}/{parts[1]}":
            return f"/{parts[0]}/{parts[1]}/"
    return ""


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"country_home": _country_home_of(request.path)}, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    html = render_to_string("400.html", {"portal_name": settings.PORTAL_NAME})
    return HttpResponse(html, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused because its CSRF token is missing or wrong: the portal's own page, in the reader's
    language (Django's own is in English, and its inline styles are refused by the policy)."""
    html = render_to_string("403_csrf.html", {"portal_name": settings.PORTAL_NAME})
    return HttpResponse(html, status=403)


# The database could not do its part (stopped, refused, connection lost, a query it cancelled): a passing
# outage, said as such; any other error is a fault of ours (the 500 page).
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER = 60


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an error no view caught. When the database is the thing that failed, the translated 503
    page ("try again in a few minutes", Retry-After), which the page cache answers with a copy it still
    holds of a public page (pagecache/__init__.py); any other error, the 500 page."""
    if isinstance(sys.exception(), UNAVAILABLE):
        html = render_to_string("503.html", {"portal_name": settings.PORTAL_NAME})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    html = render_to_string("500.html", {"portal_name": settings.PORTAL_NAME})
    return HttpResponse(html, status=500)


# The favicon and the web manifest, at the addresses browsers ask for them --------------------------------

ICON_DIR = Path(settings.BASE_DIR) / "static" / "portal"


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    return FileResponse(open(ICON_DIR / "favicon.ico", "rb"), content_type="image/x-icon")


@require_safe
@cache_control(max_age=24 * 3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """Lets a phone keep the portal on its home screen, with its name and icon."""
    body = {
        "name": settings.PORTAL_NAME,
        "short_name": "Ventanillas",
        "start_url": "/",
        "scope": "/",
        "display": "minimal-ui",
        "background_color": "#ffffff",
        "theme_color": "#0b3d66",
        "icons": [
            {"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")
