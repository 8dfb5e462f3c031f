"""Every change of a status check's state, and the answer a person gets, live here.

- ``issue_pin``: a reference (kept) and a new PIN (the old one dies), unlocking a locked reference;
- ``set_enabled``: the clerk turns the check off or on at the person's request; ``turn_off``: the person does;
- ``look_up``: one attempt with a reference and a PIN, throttled per client and per reference, locked after
  ``STATUSCHECK_MAX_FAILURES`` wrong PINs in a row, audited as a ``Lookup`` row whatever the outcome;
- ``summary``: what the person may see (stage in plain words, next step, missing documents, next
  appointment with its window, the pathway's guide), and nothing else;
- ``answer_text``: the same as one short message for SMS or WhatsApp.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases import services as case_services
from cases.models import AuditEntry, ChecklistStatus, RegularizationProcess, Stage
from cases.rules import CHANNEL_CONSENT
from hub.models import Guide
from hub.pathways import Text, pick

from .models import Lookup, LookupOutcome, StatusAccess

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: a reference read aloud or copied from paper is not misread. 31^8 ≈ 8.5 × 10^11 references.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_RE = re.compile(r"^[A-Z2-9]{8}$")
PIN_LENGTH = 6  # the forms and the slip say "six digits" in words
# A hash to compare against when the reference does not exist, so that both answers take the same time.
_DUMMY_HASH = None

Outcome = LookupOutcome


def max_failures() -> int:
    return getattr(settings, "STATUSCHECK_MAX_FAILURES", 5)


def normalise_reference(text: str) -> str:
    """Upper case, separators and spaces removed: "vq7k-m3px" and "VQ7K M3PX" are the same reference."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())[:16]


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == 8 else reference


def new_reference() -> str:
    while True:
        reference = "".join(secrets.choice(ALPHABET) for _ in range(8))
        # never all digits: a message "<reference> <PIN>" must split one way only
        if not reference.isdigit() and not StatusAccess.objects.filter(reference=reference).exists():
            return reference


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


class StatusCheckError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the clerk's side ---------------------------------------------------------------------------------------


@transaction.atomic
def issue_pin(
    *, process: RegularizationProcess, by, pin: str | None = None, form_token=None
) -> tuple[StatusAccess, str]:
    """Give the process a reference (once) and a new PIN; the old PIN stops working and a lock is lifted.

    Returns (access, pin): the PIN in clear exists only in this return value, to be printed or sent now.
    The same form posted twice raises ``StatusCheckError`` instead of killing the PIN just handed out.
    """
    process = RegularizationProcess.objects.select_for_update().select_related("case__person").get(pk=process.pk)
    person = process.case.person
    if person.anonymised_at or person.merged_into_id:
        raise StatusCheckError(_("This person's data was erased or merged: no status check can be issued."))
    pin = pin or new_pin()
    now = timezone.now()
    access = StatusAccess.objects.select_for_update().filter(process=process).first()
    if access is not None and form_token and access.issue_token == form_token:
        raise StatusCheckError(_("This PIN was already issued from this form. If the slip is lost, issue a new PIN."))
    if access is None:
        access = StatusAccess.objects.create(
            process=process,
            reference=new_reference(),
            pin_hash=make_password(pin),
            issued_at=now,
            issued_by=by,
            issue_token=form_token,
        )
        change = "issued"
    else:
        access.pin_hash = make_password(pin)
        access.pin_version += 1
        access.failed_attempts = 0
        access.locked_at = None
        access.enabled = True
        access.turned_off_at = None
        access.issued_at, access.issued_by, access.issue_token = now, by, form_token
        access.save()
        change = "reissued"
    case_services.record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=process, details={"status_check": change})
    return access, pin


@transaction.atomic
def set_enabled(*, access: StatusAccess, enabled: bool, by) -> StatusAccess:
    """The clerk turns the check on or off (at the person's request)."""
    access = StatusAccess.objects.select_for_update().get(pk=access.pk)
    access.enabled = enabled
    access.turned_off_at = None if enabled else timezone.now()
    access.save(update_fields=["enabled", "turned_off_at"])
    case_services.record_audit(
        user=by,
        action=AuditEntry.Action.CHANGE,
        object_type="cases.regularizationprocess",
        object_id=access.process_id,
        details={"status_check": "on" if enabled else "off"},
    )
    return access


@transaction.atomic
def move_access(*, access: StatusAccess, process: RegularizationProcess, by) -> StatusAccess:
    """The person's case moved to another window (a handover between countries): the reference follows the
    process there, and the old PIN stops working at once. The check stays off until the new window issues a
    new PIN (``issue_pin``) on a new slip. Refused when the process already has a reference of its own."""
    access = StatusAccess.objects.select_for_update().get(pk=access.pk)
    if access.process_id == process.pk:
        return access
    if StatusAccess.objects.filter(process=process).exists():
        raise StatusCheckError(_("This process already has a status check reference of its own."))
    source = access.process_id
    access.process = process
    access.pin_hash = make_password(None)
    access.pin_version += 1
    access.enabled = False
    access.turned_off_at = timezone.now()
    access.failed_attempts, access.locked_at = 0, None
    access.save()
    case_services.record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=process, details={"status_check": "moved", "from": source}
    )
    return access


# --- throttling -----------------------------------------------------------------------------------------------


def _digest(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def _allow(key: str, limit: int, period: int) -> bool:
    """Count one use; False past ``limit`` in ``period`` seconds. If the cache is down the attempt is
    allowed: the lock after wrong PINs, kept in the database, still bounds the guessing of one reference."""
    bucket = f"statuscheck:{key}:{int(time.time() // period)}"
    try:
        cache.add(bucket, 0, timeout=period)
        try:
            used = cache.incr(bucket)
        except ValueError:
            cache.add(bucket, 1, timeout=period)
            used = 1
    except Exception:  # any cache failure: degrade, do not fail the page
        logger.warning("status check throttle unavailable: cache error")
        return True
    return used <= limit


def client_allowed(client_key: str) -> bool:
    limit = getattr(settings, "STATUSCHECK_CLIENT_LIMIT", 20)
    return _allow(f"client:{_digest('client', client_key)}", limit, 3600)


def reference_allowed(reference: str) -> bool:
    limit = getattr(settings, "STATUSCHECK_REFERENCE_LIMIT", 10)
    return _allow(f"ref:{_digest('reference', reference)}", limit, 3600)


# --- the person's side ---------------------------------------------------------------------------------------


@dataclass
class Result:
    outcome: str
    access: StatusAccess | None = None

    @property
    def shown(self) -> bool:
        return self.outcome == Outcome.SHOWN


def _pin_matches(access: StatusAccess | None, pin: str) -> bool:
    global _DUMMY_HASH
    if access is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = make_password(secrets.token_hex(8))
        check_password(pin, _DUMMY_HASH)
        return False
    return check_password(pin, access.pin_hash)


def look_up(*, reference: str, pin: str, channel: str, client_key: str, provider_ref: str | None = None) -> Result:
    """One attempt. Every outcome but SHOWN gets the same answer from the callers: nobody learns whether a
    reference exists, is locked or turned off. Each attempt writes one ``Lookup`` row (never the PIN)."""
    reference = normalise_reference(reference)
    pin = re.sub(r"\D", "", pin or "")
    logged_reference = reference[:9]
    if not client_allowed(client_key):
        return _record(channel, Outcome.THROTTLED, logged_reference, None, provider_ref)
    if not REFERENCE_RE.match(reference) or len(pin) != PIN_LENGTH:
        return _record(channel, Outcome.MALFORMED, logged_reference, None, provider_ref)
    if not reference_allowed(reference):
        access = StatusAccess.objects.filter(reference=reference).first()
        return _record(channel, Outcome.THROTTLED, reference, access, provider_ref)
    with transaction.atomic():
        access = (
            StatusAccess.objects.select_for_update()
            .select_related("process__case__window__country", "process__case__person")
            .filter(reference=reference)
            .first()
        )
        matches = _pin_matches(access, pin)
        if access is None:
            outcome = Outcome.UNKNOWN
        elif access.locked:
            outcome = Outcome.LOCKED
        elif not matches:
            access.failed_attempts += 1
            if access.failed_attempts >= max_failures():
                access.locked_at = timezone.now()
                outcome = Outcome.LOCKED
            else:
                outcome = Outcome.WRONG_PIN
            access.save(update_fields=["failed_attempts", "locked_at"])
        elif not access.enabled or _person_gone(access):
            outcome = Outcome.OFF
        else:
            access.failed_attempts = 0
            access.last_seen_at = timezone.now()
            access.save(update_fields=["failed_attempts", "last_seen_at"])
            outcome = Outcome.SHOWN
        return _record(channel, outcome, reference, access, provider_ref)


def _person_gone(access: StatusAccess) -> bool:
    """Erased, or merged into another record: the check shows nothing any more (the window issues a new
    reference on the record that was kept)."""
    person = access.process.case.person
    return bool(person.anonymised_at or person.merged_into_id)


def _record(channel, outcome, reference, access, provider_ref) -> Result:
    country_id = access.process.case.window.country_id if access is not None else None
    try:
        with transaction.atomic():
            Lookup.objects.create(
                channel=channel,
                outcome=outcome,
                reference=reference,
                access=access,
                country_id=country_id,
                provider_ref=provider_ref,
            )
    except IntegrityError:
        # The gateway delivered the same inbound message twice: it was recorded (and answered) already.
        raise DuplicateDelivery from None
    logger.info("status look-up channel=%s outcome=%s", channel, outcome)
    return Result(outcome, access if outcome == Outcome.SHOWN else None)


class DuplicateDelivery(Exception):
    """The same inbound message (by the gateway's id) was already handled."""


@transaction.atomic
def turn_off(*, access: StatusAccess, channel: str) -> None:
    """The person turns their own check off (after a successful look-up): it stays off until the window
    turns it on again or issues a new PIN."""
    access = StatusAccess.objects.select_for_update().get(pk=access.pk)
    if not access.enabled and access.turned_off_at:
        return  # already off: a second press (or a double click) records nothing more
    access.enabled = False
    access.turned_off_at = timezone.now()
    access.save(update_fields=["enabled", "turned_off_at"])
    Lookup.objects.create(
        channel=channel,
        outcome=Outcome.TURNED_OFF,
        reference=access.reference,
        access=access,
        country_id=access.process.case.window.country_id,
    )


# --- the person's rights, after a correct reference and PIN -----------------------------------------------------


def consented_channels(access: StatusAccess) -> list[str]:
    """The channels ("whatsapp", "sms", "email") whose consent the person has given and not withdrawn."""
    person = access.process.case.person
    return [channel for channel, kind in CHANNEL_CONSENT.items() if case_services.has_consent(person, kind)]


def withdraw_channel(*, access: StatusAccess, channel: str) -> bool:
    """The person withdraws their consent to ``channel``; False when there was none to withdraw."""
    if channel not in consented_channels(access):
        return False
    case_services.withdraw_consent(person=access.process.case.person, kind=CHANNEL_CONSENT[channel], by=None)
    return True


def emergency_consent(access: StatusAccess) -> str:
    """The consent to emergency messages as the status page offers it: "given" (in force), "possible" (not
    given, and a channel the person consented to exists to write on), or "" (no channel: nothing to offer)."""
    from cases.models import ConsentKind
    from cases.rules import contact_channels

    person = access.process.case.person
    if case_services.has_consent(person, ConsentKind.EMERGENCY):
        return "given"
    return "possible" if contact_channels(person) else ""


def give_emergency(*, access: StatusAccess, language: str) -> bool:
    """The person asks for emergency messages, having read the notice in ``language``; False when nothing
    was given (already given, or no channel to write on). Recorded as given by the person (no clerk)."""
    from cases.models import ConsentKind

    if emergency_consent(access) != "possible":
        return False
    person = access.process.case.person
    case_services.record_consent(person=person, kinds=[ConsentKind.EMERGENCY], notice_language=language, by=None)
    return True


def withdraw_emergency(*, access: StatusAccess) -> bool:
    """The person stops emergency messages; False when there was no such consent."""
    from cases.models import ConsentKind

    if emergency_consent(access) != "given":
        return False
    case_services.withdraw_consent(person=access.process.case.person, kind=ConsentKind.EMERGENCY, by=None)
    return True


def ask_erasure(*, access: StatusAccess) -> bool:
    """The person asks to be erased: the request reaches the window as a follow-up of the case, due when
    the answer is due, for the clerk of the case (else the one who issued the PIN, else who opened the
    case). False when it had been asked already."""
    case = access.process.case
    clerk = case.assigned_to or access.issued_by or case.opened_by
    return case_services.request_erasure_by_person(person=case.person, case=case, assigned_to=clerk) is not None


# --- what the person sees ------------------------------------------------------------------------------------


def stage_text(stage: str) -> tuple[str, str]:
    """(where the process is, what happens next), in plain words, in the active language."""
    texts = {
        Stage.PREPARING: (
            _("Your application is being prepared with the information window."),
            _("Bring the missing documents listed here to the window."),
        ),
        Stage.DOCUMENTS_COMPLETE: (
            _("Your documents are complete."),
            _(
                "The window will hand in your application to the authority. You do not need to come unless you have an appointment."
            ),
        ),
        Stage.SUBMITTED: (
            _("Your application was handed in to the authority."),
            _("The authority will study it. Keep your receipt and go to any appointment shown here."),
        ),
        Stage.IN_REVIEW: (
            _("The authority is studying your application."),
            _("Wait for the decision. Go to any appointment shown here, with your documents."),
        ),
        Stage.APPROVED: (
            _("Your application was approved."),
            _("Ask the window how and where to collect your permit. Bring your identity document."),
        ),
        Stage.DENIED: (
            _("The authority refused your application."),
            _("Come to the window soon: you may be able to appeal, and appeals have deadlines."),
        ),
        Stage.APPEALED: (
            _("Your appeal was handed in."),
            _("Wait for the decision on the appeal. Go to any appointment shown here."),
        ),
        Stage.WITHDRAWN: (
            _("This application was withdrawn."),
            _("Come to the window if you want to start again."),
        ),
    }
    return texts.get(stage, (pgettext("process stage", "Unknown"), ""))


@dataclass
class Appointment:
    when: datetime
    place: str
    day_text: str
    time_text: str


@dataclass
class Summary:
    reference: str
    stage: str
    stage_text: str
    next_step: str
    since: date | None
    missing: list[Text] = field(default_factory=list)
    appointment: Appointment | None = None
    window_name: str = ""
    window_address: str = ""
    window_language: str = ""
    window_city: str = ""
    window_phone: str = ""
    window_whatsapp: str = ""
    window_email: str = ""
    window_hours: list[str] = field(default_factory=list)
    guide_url: str = ""
    guide_title: Text | None = None


def _since(process: RegularizationProcess) -> date | None:
    """The day the process reached its stage: the date the workflow records for it (the start for a process
    still being prepared)."""
    field = case_services.STAGE_DATE_FIELD.get(process.stage)
    return getattr(process, field) if field else process.started_at


def summary(access: StatusAccess, language: str) -> Summary:
    """What the person may see of their process, in ``language``. Deliberately no name, no birth date, no
    document number, no notes, no history: only the stage, the next step, the missing documents, the next
    appointment and where the window is."""
    process = RegularizationProcess.objects.select_related("pathway", "case__window__country").get(pk=access.process_id)
    window = process.case.window
    country = window.country
    zone = country.zoneinfo
    with translation.override(language):
        text, next_step = stage_text(process.stage)
        missing = []
        if process.checklist_open:
            items = process.checklist.filter(status=ChecklistStatus.MISSING, required=True).select_related("document")
            for item in items:
                name = pick(item.document, "name", language, country) if item.document else Text("", language)
                missing.append(name or Text(item.name, country.default_language))
        if process.stage == Stage.PREPARING and not missing:
            next_step = _("The window has the documents it needs from you and will tell you the next step.")
        appointment = None
        upcoming = process.appointments.filter(at__gte=timezone.now()).order_by("at").first()
        if upcoming is not None:
            local = timezone.localtime(upcoming.at, zone)
            appointment = Appointment(
                when=local,
                place=upcoming.place,
                day_text=formats.date_format(local, "DATE_FORMAT"),
                time_text=formats.time_format(local, "TIME_FORMAT"),
            )
        hours = [
            f"{h.get_weekday_display()} {formats.time_format(h.opens, 'TIME_FORMAT')}–{formats.time_format(h.closes, 'TIME_FORMAT')}"
            for h in window.hours.all()
        ]
        guide = Guide.objects.published().filter(pathway=process.pathway, country=country).order_by("pk").first()
        guide_url, guide_title = "", None
        if guide is not None:
            guide_url = guide.get_absolute_url()
            guide_title = pick(guide, "title", language, country)
        return Summary(
            reference=format_reference(access.reference),
            stage=process.stage,
            stage_text=text,
            next_step=next_step,
            since=_since(process),
            missing=missing,
            appointment=appointment,
            window_name=window.name,
            window_address=window.address,
            window_language=window.written_in,
            window_city=window.city,
            window_phone=window.phone,
            window_whatsapp=window.whatsapp,
            window_email=window.email,
            window_hours=hours,
            guide_url=guide_url,
            guide_title=guide_title,
        )


SMS_LIMIT = 160


def answer_text(result: Result, language: str) -> str:
    """The answer to a message: the status in as few characters as can hold it (one SMS where it can be)."""
    with translation.override(language):
        if result.outcome == Outcome.THROTTLED:
            return _("Too many tries. Try again in an hour.")
        if not result.shown:
            return not_found_text()
        info = summary(result.access, language)
        parts = [f"{info.reference}: {info.stage_text}"]
        if info.missing:
            parts.append(_("Missing: %(documents)s.") % {"documents": ", ".join(t.value for t in info.missing)})
        if info.appointment:
            parts.append(
                _("Appointment %(day)s %(time)s, %(place)s.")
                % {
                    "day": info.appointment.day_text,
                    "time": info.appointment.time_text,
                    "place": info.appointment.place,
                }
            )
        text = " ".join(parts)
        optional = [info.next_step]
        if info.guide_url:
            optional.append(settings.PORTAL_URL + info.guide_url)
        for extra in optional:
            if len(text) + 1 + len(extra) <= SMS_LIMIT:
                text = f"{text} {extra}"
        return text


def not_found_text() -> str:
    return _(
        "We could not show a process for this reference and PIN. Check both and try again. After several "
        "wrong tries the check is blocked: ask your information window for a new PIN."
    )


def check_url(language: str) -> str:
    with translation.override(language):
        return settings.PORTAL_URL + reverse("statuscheck:check")


def sms_number() -> str:
    """The programme's number that answers "<reference> <PIN>" by SMS or WhatsApp (empty: none yet)."""
    return getattr(settings, "STATUSCHECK_SMS_NUMBER", "")
