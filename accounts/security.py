"""Staff accounts beyond the password: security headers and ``no-store`` on personal pages, staff session
limits, the lockout page, and login logs that keep no username typed and no address. See docs/security.md."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from helpers.throttle import client_address, client_digest, keyed

logger = logging.getLogger("accounts.security")

SESSION_STARTED = "_portal_session_started"
SESSION_SEEN = "_portal_session_seen"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or response.has_header("Content-Disposition") or getattr(response, "personal_data", False):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


def personal_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a public view whose answer carries someone's personal data (a participant's own page):
    it gets ``Cache-Control: no-store`` like the staff pages."""
    from functools import wraps

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.personal_data = True
        return response

    return wrapped


class StaffSessionMiddleware:
    """End a signed-in session after a spell without requests, and after a fixed time in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if started is None or seen is None:
                request.session[SESSION_STARTED] = started = now
                request.session[SESSION_SEEN] = seen = now
            idle = now - seen > settings.STAFF_SESSION_IDLE_SECONDS
            if idle or now - started > settings.STAFF_SESSION_MAX_SECONDS:
                logger.info("session ended user=%s reason=%s", request.user.pk, "idle" if idle else "maximum")
                auth.logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect_to_login(request.get_full_path())
            # Writing the session on every request would cost a write per page: a minute's precision will do.
            if now - seen >= 60:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes' answer to a locked-out username: one page, whether the account exists or not."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _digest(value: str) -> str:
    """A keyed hash that lets an administrator tie log lines together without the logs holding the value."""
    return keyed(value)[:16]


def _username(credentials: dict | None) -> str:
    credentials = credentials or {}
    return str(credentials.get(settings.AXES_USERNAME_FORM_FIELD) or credentials.get("username") or "")


@receiver(user_logged_in)
def _log_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    client = client_digest(request) if request is not None else "-"
    logger.info("login user=%s client=%s", user.pk, client)


@receiver(user_logged_in)
def _forget_own_failures(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """A right password clears the wrong ones typed for this account from this address, and nothing else:
    failures on other usernames, or on this one from elsewhere, still count towards their lockouts, so no
    success (of an account an attacker owns, say) walks around the lock of an address or of a username."""
    from axes.models import AccessAttempt

    address = getattr(request, "axes_ip_address", None) if request is not None else None
    if address is None and request is not None:
        address = axes_client_ip(request)
    AccessAttempt.objects.filter(username__iexact=user.get_username(), ip_address=address).delete()


@receiver(user_logged_out)
def _log_logout(sender, request: HttpRequest | None, user, **kwargs) -> None:
    logger.info("logout user=%s", getattr(user, "pk", None))


@receiver(user_login_failed)
def _log_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    client = client_digest(request) if request is not None else "-"
    logger.warning("login failed username#=%s client=%s", _digest(_username(credentials).lower()), client)


@receiver(user_locked_out)
def _log_lockout(sender, request: HttpRequest | None = None, username: str | None = None, **kwargs) -> None:
    client = client_digest(request) if request is not None else "-"
    logger.warning("login locked out username#=%s client=%s", _digest((username or "").lower()), client)


def axes_client_ip(request) -> str | None:
    """The client's address as django-axes stores it, or None when it is not an IP address.

    Axes keeps the address in PostgreSQL's ``inet`` column: a value that is not an address (a login made
    without a request address, as a test's ``force_login`` does, or junk from a misconfigured proxy) would
    make the login itself fail with a database error instead of being recorded without an address.
    """
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
