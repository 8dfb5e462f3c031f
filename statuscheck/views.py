"""The status check: the person's page (public), the clerk's page (staff), the gateway's webhook."""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cases import services as case_services
from cases.models import RegularizationProcess
from cases.rules import contact_channels
from helpers.throttle import client_digest
from notifications.models import Channel
from notifications.services import enqueue

from . import inbound, services
from .forms import CheckForm, IssueForm
from .models import LookupChannel, StatusAccess

OFF_SALT = "statuscheck.turn-off"
OFF_MAX_AGE = 15 * 60


# --- the person's page ---------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.look_up(
            reference=form.cleaned_data["reference"],
            pin=form.cleaned_data["pin"],
            channel=LookupChannel.WEB,
            client_key=client_digest(request),
        )
        if result.shown:
            language = get_language()
            token = signing.dumps({"a": result.access.pk, "v": result.access.pin_version}, salt=OFF_SALT)
            context = {
                "info": services.summary(result.access, language),
                "off_token": token,
                "channels": _labelled(services.consented_channels(result.access)),
                "emergency": services.emergency_consent(result.access),
                "erasure_asked": bool(result.access.process.case.person.erasure_requested_at),
            }
            return render(request, "statuscheck/status.html", context)
        if result.outcome == services.Outcome.THROTTLED:
            error = _("Too many tries from this connection. Try again in an hour.")
        else:
            error = services.not_found_text()
        # The reference stays in the form; the PIN is never sent back to the browser.
        form = CheckForm(initial={"reference": form.cleaned_data["reference"]})
        return render(request, "statuscheck/check.html", {"form": form, "error": error})
    return render(request, "statuscheck/check.html", {"form": form}, status=400 if form.is_bound else 200)


def _labelled(channels: list[str]) -> list[tuple[str, str]]:
    labels = dict(Channel.choices)
    return [(channel, labels[channel]) for channel in channels]


def _signed_access(request: HttpRequest) -> StatusAccess | None:
    """The access named by the page's signed token (given after a correct reference and PIN, for 15 minutes)."""
    try:
        data = signing.loads(request.POST.get("token", ""), salt=OFF_SALT, max_age=OFF_MAX_AGE)
    except signing.BadSignature:
        return None
    return StatusAccess.objects.filter(pk=data.get("a"), pin_version=data.get("v")).first()


def _expired(request: HttpRequest) -> HttpResponse:
    return render(request, "statuscheck/check.html", {"form": CheckForm(), "expired": True}, status=400)


@never_cache
@require_POST
def my_data(request: HttpRequest) -> HttpResponse:
    """The person withdraws a channel's consent, gives or stops the consent to emergency messages, or asks
    to be erased, from their status page."""
    access = _signed_access(request)
    if access is None or not access.enabled or services._person_gone(access):
        return _expired(request)
    action = request.POST.get("action", "")
    if action == "erase":
        services.ask_erasure(access=access)
        text = _(
            "Your request to erase your data has reached your information window. It must answer you within "
            "%(days)s days."
        ) % {"days": case_services.erasure_answer_days()}
    elif action.startswith("withdraw:") and action.partition(":")[2] in Channel.values:
        channel = action.partition(":")[2]
        services.withdraw_channel(access=access, channel=channel)
        text = _("You will receive no more messages from us by %(channel)s.") % {
            "channel": dict(Channel.choices)[channel]
        }
    elif action == "emergency:give" and services.give_emergency(access=access, language=get_language()):
        text = _(
            "You will receive emergency messages, on a channel you agreed to, until the emergency ends. You can "
            "stop them at any time from this page or by texting STOP."
        )
    elif action == "emergency:stop" and services.withdraw_emergency(access=access):
        text = _("You will receive no more emergency messages from us.")
    else:
        return _expired(request)
    return render(request, "statuscheck/my_data_done.html", {"text": text})


@never_cache
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    access = _signed_access(request)
    if access is None:
        return _expired(request)
    services.turn_off(access=access, channel=LookupChannel.WEB)
    return render(request, "statuscheck/turned_off.html")


# --- the clerk's page ------------------------------------------------------------------------------------------


def _process(request: HttpRequest, pk: int, *, write: bool = False) -> RegularizationProcess:
    process = get_object_or_404(
        RegularizationProcess.objects.visible_to(request.user).select_related(
            "case__person", "case__window", "pathway"
        ),
        pk=pk,
    )
    if write and not RegularizationProcess.objects.writable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return process


def _channels(process: RegularizationProcess) -> list[tuple[str, str]]:
    labels = dict(Channel.choices)
    return [(channel, labels[channel]) for channel in contact_channels(process.case.person)]


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_access(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(request, pk, write=request.method == "POST")
    access = StatusAccess.objects.filter(process=process).first()
    channels = _channels(process)
    form = IssueForm(request.POST or None, channels=channels, initial={"form_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            access, pin = services.issue_pin(
                process=process, by=request.user, form_token=form.cleaned_data["form_token"]
            )
        except services.StatusCheckError as error:
            form.add_error(None, error.message)
        else:
            person = process.case.person
            language = person.preferred_language or get_language()
            sent = ""
            if form.cleaned_data["send_by"]:
                sent = _send_slip(access, pin, form.cleaned_data["send_by"], language)
            context = {
                "process": process,
                "access": access,
                "pin": pin,
                "reference": services.format_reference(access.reference),
                "slip_language": language,
                "check_url": services.check_url(language),
                "sms_number": services.sms_number(),
                "sent": sent,
            }
            return render(request, "statuscheck/slip.html", context)
    context = {
        "process": process,
        "access": access,
        "reference": services.format_reference(access.reference) if access else "",
        "form": form,
        "can_write": RegularizationProcess.objects.writable_by(request.user).filter(pk=pk).exists(),
        "lookups": access.lookups.all()[:10] if access else [],
        "max_failures": services.max_failures(),
    }
    return render(request, "statuscheck/staff_access.html", context, status=400 if form.is_bound else 200)


def _send_slip(access: StatusAccess, pin: str, channel: str, language: str) -> str:
    person = access.process.case.person
    if channel not in contact_channels(person):
        return ""
    recipient = {Channel.WHATSAPP: person.whatsapp, Channel.SMS: person.phone, Channel.EMAIL: person.email}[channel]
    enqueue(
        kind="statuscheck.slip",
        channel=channel,
        recipient=recipient,
        language=language,
        template="statuscheck/messages/slip",
        context={
            "reference": services.format_reference(access.reference),
            "pin": pin,
            "url": services.check_url(language),
            "sms_number": services.sms_number(),
        },
        obj=access,
        key=f"statuscheck:slip:{access.pk}:{access.pin_version}:{channel}",
        addressee=person,
        secret=("pin",),
        time_zone=access.process.case.window.country.time_zone,
    )
    return dict(Channel.choices)[channel]


@login_required
@require_POST
def staff_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process(request, pk, write=True)
    access = get_object_or_404(StatusAccess, process=process)
    enabled = request.POST.get("enabled") == "1"
    services.set_enabled(access=access, enabled=enabled, by=request.user)
    messages.success(request, _("The status check is on.") if enabled else _("The status check is off."))
    return redirect("statuscheck:staff", pk=process.pk)


# --- the gateway's webhook ----------------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def inbound_message(request: HttpRequest) -> HttpResponse:
    if not inbound.signed(request):
        return HttpResponse(status=403)
    with contextlib.suppress(services.DuplicateDelivery):
        inbound.answer(request)
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml")
    response["Cache-Control"] = "no-store"
    return response
