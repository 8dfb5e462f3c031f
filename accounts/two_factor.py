"""The second factor: a code from an authenticator app (TOTP), or one of ten single-use recovery codes.

Every account with a role (window staff, officers, trainers, editors, administrators, and Django staff
for the admin) must pass it: after the password, ``SecondFactorMiddleware`` sends a session that has not
proved a second factor to the setup page (no app yet) or the code page, whatever it asks for, the admin
included. A password reset changes the password only: the next login asks for the code again.

Devices are django-otp's: one ``TOTPDevice`` named "app" and one ``StaticDevice`` named "recovery" per user.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ventanillas.models import Membership

APP_DEVICE = "app"
RECOVERY_DEVICE = "recovery"
DEMO_DEVICE = "demo"
RECOVERY_CODES = 10
NEW_CODES_SESSION_KEY = "_portal_new_recovery_codes"

# Pages a signed-in session may reach before the second factor: the factor's own pages, leaving, and
# the password pages (which never sign anyone in).
EXEMPT_URL_NAMES = {
    "two-factor",
    "two-factor-setup",
    "logout",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
}


def needs_second_factor(user) -> bool:
    """Whoever can reach personal data, figures, content or the admin: every account with a role."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or Membership.objects.filter(user=user).exists())
    )


def app_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user, name__in=[APP_DEVICE, DEMO_DEVICE])
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-confirmed", "pk").first()


class SecondFactorMiddleware:
    """Send a signed-in session without a proven second factor to the code page, whatever it asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        if not needs_second_factor(user):
            return None
        target = "two-factor" if app_device(user) else "two-factor-setup"
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text=gettext_lazy("The six digits your authenticator app shows now, or one of your recovery codes."),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split()).lower()


def _demo_code(user) -> str | None:
    """The current code of a demo account, for `make run` only (DEBUG on, demo data loaded)."""
    if not settings.DEMO_SECOND_FACTOR_HINT:
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def _passed(request: HttpRequest, device) -> None:
    """The second step is done: the session is verified under a new key, so that a key seen after the
    password step alone (captured, or fixed by an attacker) opens nothing."""
    otp_login(request, device)
    request.session.cycle_key()


def _verify(user, token: str):
    """The device that accepts ``token``: the app for six digits, the recovery codes for anything else."""
    if token.isdigit() and len(token) == 6:
        device = app_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE, confirmed=True).first()
    if device is None:
        return None
    return verify_token(user, device.persistent_id, token)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not app_device(request.user):
        return redirect(f"{reverse('two-factor-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            _passed(request, device)
            if isinstance(device, StaticDevice):
                left = StaticToken.objects.filter(device=device).count()
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; %(count)s are left. Make new ones from the staff area if few are left."
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        form.add_error("otp_token", _("This code is not right, or it was already used. Try the next one."))
    context = {"form": form, "next": _next_url(request), "demo_code": _demo_code(request.user)}
    return render(request, "registration/two_factor.html", context)


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user) -> list[str]:
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: show the key (and its QR code), check one code, hand out recovery codes."""
    user = request.user
    if app_device(user) is not None:
        return redirect(f"{reverse('two-factor')}?{request.GET.urlencode()}")
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _passed(request, device)
            request.session[NEW_CODES_SESSION_KEY] = _new_recovery_codes(user)
            return redirect(f"{reverse('two-factor-codes')}?{urlencode({'next': _next_url(request)})}")
        form.add_error("otp_token", _("This code is not right. Check the time on your phone and try the next one."))
    import segno

    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": _group(secret),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes are shown once, right after they are made; asking again makes a new set."""
    if not request.user.is_verified():
        return redirect_to_login(request.get_full_path(), login_url=reverse("two-factor"))
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = _new_recovery_codes(request.user)
        return redirect("two-factor-codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    device = StaticDevice.objects.filter(user=request.user, name=RECOVERY_DEVICE).first()
    left = device.token_set.count() if device else 0
    context = {"codes": codes, "left": left, "next": _next_url(request)}
    return render(request, "registration/two_factor_codes.html", context)
