"""Every change of a handover's state: starting it under the rule of its pair of countries and the person's
consent, confirming an SMS code, routing, accepting (a case opens in the receiving country), declining,
withdrawing consent, moving the status check, and the erasure asked of the other country.

Each runs in one transaction, locks the handover, raises ``HandoverError`` with a translated message when a
rule forbids the change, and writes the audit log (the sending person's and case's ids, and on acceptance the
receiving ones too). Callers check access first (``views``).
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import AuditEntry, Case, CaseStatus, CloseReason, Person, RegularizationProcess
from cases.rules import has_consent, people_with_number
from notifications.models import Message
from notifications.services import enqueue
from statuscheck import services as statuscheck_services
from statuscheck.models import StatusAccess
from ventanillas import access
from ventanillas.models import Country, InformationWindow

from .models import ConsentMethod, Decision, ErasureRequest, Handover, PairRule, Part, Purpose, Status

CODE_LENGTH = 6
# A code sent by SMS holds this long, and for this many wrong answers; then the window sends a new one.
CODE_VALID_FOR = timedelta(hours=48)
CODE_TRIES = 5


class HandoverError(Exception):
    """A rule refused the change; ``message`` is translated and shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def audit(handover: Handover, *, by: Any, action: str, event: str, side: str = "sending", **details: Any) -> None:
    """One audit row about the handover, on the sending person and case (``side="receiving"``: on the
    receiving ones). Codes and ids only."""
    person_id, case_id = handover.person_id, handover.case_id
    if side == "receiving":
        person_id, case_id = handover.received_person_id, handover.received_case_id
    case_services.record_audit(
        user=by,
        action=action,
        object_type="handovers.handover",
        object_id=handover.pk,
        person_id=person_id,
        case_id=case_id,
        details={"event": event, **details},
    )


def rule_for(from_country: Country, to_country: Country) -> PairRule | None:
    return PairRule.objects.filter(from_country=from_country, to_country=to_country).first()


def allowed_countries(from_country: Country) -> list[Country]:
    """Countries a window of ``from_country`` may hand over to: those with a rule that does not forbid it."""
    rules = PairRule.objects.filter(from_country=from_country).exclude(decision=Decision.FORBIDDEN)
    return list(Country.objects.filter(pk__in=rules.values("to_country")).order_by("name"))


def note_choices(case: Case) -> list[tuple[str, str]]:
    """The notes of a file that may be shared, each chosen one by one: (key, first words)."""
    choices = []
    if case.person.notes:
        choices.append(("person", _("Notes on the person: %(start)s") % {"start": _start(case.person.notes)}))
    if case.notes:
        choices.append(("case", _("Notes on the case: %(start)s") % {"start": _start(case.notes)}))
    for follow_up in case.follow_ups.all():
        if follow_up.note and follow_up.note != "—":
            choices.append((f"follow_up:{follow_up.pk}", _("Follow-up: %(start)s") % {"start": _start(follow_up.note)}))
    return choices


def _start(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _locked(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().get(pk=handover.pk)


@transaction.atomic
def start_handover(
    *,
    case: Case,
    by: Any,
    to_country: Country,
    to_window: InformationWindow | None,
    parts: list[str],
    notes_shared: list[str],
    purpose: str,
    consent_method: str,
    consent_language: str,
    form_token: uuid.UUID | None = None,
) -> Handover:
    """Hand the case's file over to a window of another country (or to the country, whose officer routes it).

    Preconditions: ``by`` may change the case. The pair's rule decides: forbidden (or no rule) refuses;
    "with consent" needs a way the person gave it; "without consent" records the rule's legal basis. With an
    SMS code the handover waits for the code before anything is shared (a code is queued to the person's
    phone). The same form sent twice starts one handover."""
    if form_token and (existing := Handover.objects.filter(form_token=form_token).first()):
        return existing
    case = Case.objects.select_for_update().select_related("person", "window__country").get(pk=case.pk)
    person = case.person
    if case.status == CaseStatus.CLOSED:
        raise HandoverError(_("This case is closed: reopen it before handing it over."))
    if person.anonymised_at or person.merged_into_id:
        raise HandoverError(_("This person's data was erased or merged: the file cannot be handed over."))
    from_country = case.window.country
    rule = rule_for(from_country, to_country)
    if rule is None or rule.decision == Decision.FORBIDDEN or to_country.pk == from_country.pk:
        raise HandoverError(
            _("The rules of the programme do not allow handovers from %(from)s to %(to)s.")
            % {"from": from_country.name, "to": to_country.name},
            field="to_country",
        )
    if to_window is not None and to_window.country_id != to_country.pk:
        raise HandoverError(_("Choose a window of the receiving country."), field="to_window")
    parts = [p for p in Part.values if p in set(parts)]
    if not parts:
        raise HandoverError(_("Choose at least one part of the file to share."), field="parts")
    if Part.DOCUMENT_NUMBERS in parts and Part.DOCUMENTS not in parts:
        raise HandoverError(_("Document numbers are shared only with the documents they belong to."), field="parts")
    available = {key for key, _label in note_choices(case)}
    if not set(notes_shared) <= available:
        raise HandoverError(_("A note chosen is not one of this file's notes."), field="notes_shared")
    if purpose not in Purpose.values:
        raise HandoverError(_("Say why the file is handed over."), field="purpose")
    if rule.decision == Decision.WITHOUT_CONSENT:
        consent_method = ConsentMethod.NONE
    elif consent_method not in ConsentMethod.values or consent_method == ConsentMethod.NONE:
        raise HandoverError(_("Say how the person gave their consent."), field="consent_method")
    if consent_method == ConsentMethod.SMS_CODE and not (person.phone and has_consent(person, "contact_phone")):
        raise HandoverError(
            _("The person has no phone number they accept messages on: choose another way to record consent."),
            field="consent_method",
        )
    if Handover.objects.filter(
        case=case, to_country=to_country, status__in=[Status.AWAITING_CONSENT, Status.PENDING]
    ).exists():
        raise HandoverError(_("This file is already on its way to that country."), field="to_country")
    now = timezone.now()
    awaiting = consent_method == ConsentMethod.SMS_CODE
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                case=case,
                person=person,
                from_window=case.window,
                to_country=to_country,
                to_window=to_window,
                parts=parts,
                notes_shared=list(notes_shared),
                purpose=purpose,
                legal_basis=rule.legal_basis if consent_method == ConsentMethod.NONE else "",
                consent_method=consent_method,
                consent_given_at=None if awaiting or consent_method == ConsentMethod.NONE else now,
                consent_language=consent_language,
                status=Status.AWAITING_CONSENT if awaiting else Status.PENDING,
                sent_by=by,
                sent_at=now,
                form_token=form_token,
            )
    except IntegrityError:
        return Handover.objects.get(form_token=form_token)
    if awaiting:
        _send_code(handover, person)
    audit(
        handover,
        by=by,
        action=AuditEntry.Action.CREATE,
        event="shared" if not awaiting else "started",
        parts=parts,
        notes=len(notes_shared),
        to_country=to_country.code,
        consent=consent_method,
    )
    return handover


def _send_code(handover: Handover, person: Person) -> None:
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    sent_at = timezone.now()
    # Kept as a password hash, like a status-check PIN: the code itself exists only in the message.
    Handover.objects.filter(pk=handover.pk).update(
        consent_code_hash=make_password(code), consent_code_sent_at=sent_at, consent_code_tries=0
    )
    enqueue(
        kind="handovers.consent_code",
        channel="sms",
        recipient=person.phone,
        language=handover.consent_language,
        template="handovers/messages/consent_code",
        context={"code": code, "country": handover.to_country.name},
        obj=handover,
        key=f"handovers:code:{handover.pk}:{sent_at.timestamp()}",
        addressee=person,
        secret=("code",),
        time_zone=handover.from_window.country.time_zone,
    )


def code_expired(handover: Handover, now=None) -> bool:
    """Whether the SMS code of a handover waiting for it no longer holds: too old, or too many wrong answers."""
    sent_at = handover.consent_code_sent_at or handover.sent_at
    now = now or timezone.now()
    return not handover.consent_code_hash or now - sent_at > CODE_VALID_FOR or handover.consent_code_tries >= CODE_TRIES


def _code_matches(handover: Handover, code: str) -> bool:
    return bool(code) and bool(handover.consent_code_hash) and check_password(code, handover.consent_code_hash)


def _record_code_consent(handover: Handover, *, by: Any, via: str) -> Handover:
    handover.consent_code_hash = ""
    handover.consent_given_at = timezone.now()
    handover.status = Status.PENDING
    handover.save(update_fields=["consent_code_hash", "consent_given_at", "status"])
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="shared", consent="sms_code", via=via)
    return handover


def confirm_code(*, handover: Handover, code: str, by: Any) -> Handover:
    """The person gave the clerk the code sent to them: their consent is recorded now and the handover is
    sent. A wrong code counts among the code's tries. (A reply by SMS goes through ``answer_reply``.)"""
    with transaction.atomic():
        handover = _locked(handover)
        if handover.status != Status.AWAITING_CONSENT:
            raise HandoverError(_("This handover is not waiting for a code."))
        if code_expired(handover):
            raise HandoverError(_("The code sent to the person has expired: send them a new one."), "code")
        code = "".join(ch for ch in code if ch.isdigit())
        if _code_matches(handover, code):
            return _record_code_consent(handover, by=by, via="window")
        # Counted in its own committed write, before the refusal is raised.
        Handover.objects.filter(pk=handover.pk).update(consent_code_tries=handover.consent_code_tries + 1)
    raise HandoverError(_("This is not the code sent to the person. Check it with them and type it again."), "code")


@transaction.atomic
def resend_code(*, handover: Handover, by: Any) -> Handover:
    """Send the person a new code (the first expired, or never arrived); the old one stops holding."""
    handover = _locked(handover)
    if handover.status != Status.AWAITING_CONSENT:
        raise HandoverError(_("This handover is not waiting for a code."))
    person = Person.objects.get(pk=handover.person_id)
    if not person.phone:
        raise HandoverError(_("The person has no phone number on record: choose another way to consent."))
    _send_code(handover, person)
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="code_sent")
    return handover


# The code of a reply: six digits, however the person spaced them ("123 456", "123-456").
REPLY_CODE_RE = re.compile(rf"^\s*(?:\d[\s.-]*){{{CODE_LENGTH}}}$")


@transaction.atomic
def answer_reply(*, channel: str, number: str, body: str, message_id: str | None) -> bool:
    """A message to the programme's number (``statuscheck.replies``): a person giving back the code of a
    handover waiting for their consent. A good code records the consent (by SMS code) and sends the
    handover; a wrong or expired one is answered so, in the language of the notice. Returns False when the
    message is no such reply (it is then a status question), True when it was answered here."""
    if not number or not REPLY_CODE_RE.match(body or ""):
        return False
    key = f"handovers:reply:{message_id}" if message_id else f"handovers:reply:{uuid.uuid4()}"
    if message_id and Message.objects.filter(key=key).exists():
        return True  # the gateway delivered this reply twice: it was answered once already
    people = people_with_number(number, "whatsapp" if channel == "whatsapp" else "sms")
    waiting = list(
        Handover.objects.select_for_update()
        .filter(status=Status.AWAITING_CONSENT, person__in=people.values("pk"))
        .select_related("to_country", "from_window__country")
        .order_by("-sent_at", "-pk")
    )
    if not waiting:
        return False
    code = "".join(ch for ch in body if ch.isdigit())
    holding = [h for h in waiting if not code_expired(h)]
    confirmed = next((h for h in holding if _code_matches(h, code)), None)
    if confirmed is not None:
        _record_code_consent(confirmed, by=None, via="sms_reply")
        handover, template = confirmed, "handovers/messages/consent_recorded"
    else:
        for wrong in holding:
            Handover.objects.filter(pk=wrong.pk).update(consent_code_tries=wrong.consent_code_tries + 1)
            audit(wrong, by=None, action=AuditEntry.Action.CHANGE, event="wrong_code")
        handover = holding[0] if holding else waiting[0]
        template = "handovers/messages/code_wrong" if holding else "handovers/messages/code_expired"
    enqueue(
        kind="handovers.consent_reply",
        channel=channel,
        recipient=number,
        language=handover.consent_language,
        template=template,
        context={"country": handover.to_country.name},
        obj=handover,
        key=key,
        addressee=Person.objects.get(pk=handover.person_id),
        time_zone=handover.from_window.country.time_zone,
    )
    return True


@transaction.atomic
def route(*, handover: Handover, window: InformationWindow, by: Any) -> Handover:
    """The receiving country's officer (or an administrator) sends a handover addressed to the country to one
    of its windows."""
    handover = _locked(handover)
    if not (access.is_administrator(by) or handover.to_country_id in access.officer_country_ids(by)):
        raise HandoverError(_("Only an officer of the receiving country routes a handover."))
    if handover.status != Status.PENDING:
        raise HandoverError(_("Only a handover waiting for an answer can be routed."))
    if window.country_id != handover.to_country_id:
        raise HandoverError(_("Choose a window of the receiving country."), field="window")
    handover.to_window, handover.routed_by = window, by
    handover.save(update_fields=["to_window", "routed_by"])
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="routed", window=window.pk)
    return handover


def record_view(*, handover: Handover, by: Any, side: str) -> None:
    """Reading a handover's shared parts is a disclosure: one audit row per look."""
    audit(handover, by=by, action=AuditEntry.Action.VIEW, event="viewed", side="sending", reader=side)


def _identity(handover: Handover, person: Person) -> dict:
    data = {
        "given_names": person.given_names,
        "family_names": person.family_names,
        "date_of_birth": person.date_of_birth,
        "birth_date_estimated": person.birth_date_estimated,
        "sex": person.sex,
        "gender": person.gender,
        "nationality": person.nationality,
        "preferred_language": person.preferred_language,
    }
    if Part.DOCUMENTS in handover.parts:
        data.update(document_type=person.document_type, document_country=person.document_country)
    if Part.DOCUMENT_NUMBERS in handover.parts:
        data["document_number"] = person.document_number or ""
    if handover.consent_method == ConsentMethod.NONE:
        data["legal_basis"] = "mandate"
    return data


@transaction.atomic
def accept(*, handover: Handover, by: Any, existing: Person | None = None) -> Case:
    """The receiving window accepts: a case opens there, for ``existing`` (a person of its own the search
    before creating found) or for a new record made from the shared identity. The sending case is closed as
    "moved away" and stays read-only there; the handover links both.

    Preconditions: ``by`` may change records of the receiving window; the consent holds."""
    handover = _locked(handover)
    if handover.status != Status.PENDING:
        raise HandoverError(_("This handover is not waiting for an answer."))
    if not handover.sharing:
        raise HandoverError(_("The person withdrew their consent: the handover cannot be accepted."))
    if handover.to_window_id is None:
        raise HandoverError(_("The receiving country's officer must first route this handover to a window."))
    window = handover.to_window
    if not access.can_write_window(by, window):
        raise HandoverError(_("Only the staff of the receiving window can accept this handover."))
    source = Person.objects.get(pk=handover.person_id)
    if source.anonymised_at:
        raise HandoverError(_("This person's data was erased in the sending country."))
    if existing is not None:
        if not Person.objects.writable_by(by).filter(pk=existing.pk).exists() or existing.anonymised_at:
            raise HandoverError(_("Choose one of your window's people."), field="person")
        person = existing
    else:
        if Part.IDENTITY not in handover.parts:
            raise HandoverError(
                _("The identity was not shared: register the person at your window first, then choose them here."),
                field="person",
            )
        vulnerabilities = []
        if Part.NEEDS in handover.parts:
            vulnerabilities = list(source.vulnerabilities.values_list("code", flat=True))
        consents = () if handover.consent_method == ConsentMethod.NONE else ("processing",)
        try:
            person, _new = case_services.create_person(
                window=window,
                by=by,
                data=_identity(handover, source),
                vulnerabilities=vulnerabilities,
                consents=consents,
            )
        except case_services.CaseError as error:
            raise HandoverError(error.message) from None
    sending_case = Case.objects.get(pk=handover.case_id)
    needs = sending_case.needs if Part.NEEDS in handover.parts else []
    try:
        case, _new = case_services.open_case(person=person, window=window, by=by, needs=needs)
    except case_services.CaseError as error:
        raise HandoverError(error.message) from None
    now = timezone.now()
    handover.status, handover.decided_by, handover.decided_at, handover.accepted_at = Status.ACCEPTED, by, now, now
    handover.received_case, handover.received_person = case, person
    handover.save(
        update_fields=["status", "decided_by", "decided_at", "accepted_at", "received_case", "received_person"]
    )
    if sending_case.status != CaseStatus.CLOSED:
        case_services.close_case(case=sending_case, by=by, reason=CloseReason.MOVED)
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="accepted", linked_existing=existing is not None)
    audit(handover, by=by, action=AuditEntry.Action.CREATE, event="received", side="receiving")
    return case


@transaction.atomic
def decline(*, handover: Handover, by: Any, reason: str) -> Handover:
    """The receiving window (or country officer) declines, with a reason the sending window reads."""
    handover = _locked(handover)
    if handover.status != Status.PENDING:
        raise HandoverError(_("This handover is not waiting for an answer."))
    reason = (reason or "").strip()
    if not reason:
        raise HandoverError(_("Say why the handover is declined."), field="reason")
    handover.status, handover.decided_by, handover.decided_at = Status.DECLINED, by, timezone.now()
    handover.decline_reason = reason
    handover.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="declined")
    return handover


@transaction.atomic
def withdraw(*, handover: Handover, by: Any) -> Handover:
    """The person withdraws their consent to this handover (at either window): nothing more is shared from
    now on; a handover not yet accepted stops; an accepted one keeps the case opened with it, and the
    receiving window sees that the consent was withdrawn."""
    handover = _locked(handover)
    if not handover.withdrawable:
        raise HandoverError(_("There is no consent in force to withdraw for this handover."))
    handover.consent_withdrawn_at, handover.consent_withdrawn_by = timezone.now(), by
    fields = ["consent_withdrawn_at", "consent_withdrawn_by"]
    if handover.status in (Status.PENDING, Status.AWAITING_CONSENT):
        handover.status, handover.consent_code_hash = Status.STOPPED, ""
        fields += ["status", "consent_code_hash"]
    handover.save(update_fields=fields)
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="consent_withdrawn")
    if handover.received_case_id:
        audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="consent_withdrawn", side="receiving")
    return handover


@transaction.atomic
def move_status_check(*, handover: Handover, by: Any) -> RegularizationProcess:
    """The person's status check follows the active case: the reference of the sending case's process moves to
    the process under way in the receiving case, where the window issues a new PIN on a new slip."""
    handover = _locked(handover)
    if handover.status != Status.ACCEPTED or handover.received_case_id is None:
        raise HandoverError(_("The status check moves once the handover is accepted."))
    target = RegularizationProcess.objects.filter(case_id=handover.received_case_id).under_way().first()
    if target is None:
        raise HandoverError(_("Start a regularization process in the new case first: the status check follows it."))
    found = StatusAccess.objects.filter(process__case_id=handover.case_id).order_by("-issued_at").first()
    if found is None:
        raise HandoverError(_("The person had no status check in the sending country: issue one here."))
    try:
        statuscheck_services.move_access(access=found, process=target, by=by)
    except statuscheck_services.StatusCheckError as error:
        raise HandoverError(error.message) from None
    audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="status_check_moved", side="receiving")
    return target


def handed_over_reason(case: Case) -> str:
    """Why a case stays closed (a guard of ``cases.services.reopen_case``): its file was handed over to
    another country and accepted there; the sending window keeps it read-only."""
    if Handover.objects.filter(case=case, status=Status.ACCEPTED).exists():
        return _("This case was handed over to another country: it stays read-only here.")
    return ""


# --- erasure across countries ----------------------------------------------------------------------------------


def erasure_answer_days() -> int:
    return case_services.erasure_answer_days()


def on_erasure(person: Person, by: Any) -> list[str]:
    """A step of ``cases.services.erase_person`` (``privacy.erasure``): every handover of the erased person,
    sent or received, stops sharing; the other side of an accepted one is asked to erase by the legal
    deadline (``CASES_ERASURE_ANSWER_DAYS``). Returns what was done, as sentences for the administrator."""
    notes = []
    due_on = timezone.localdate() + timedelta(days=erasure_answer_days())
    rows = Handover.objects.filter(person=person) | Handover.objects.filter(received_person=person)
    for handover in rows.select_related("from_window", "to_window__country", "to_country"):
        handover = Handover.objects.select_for_update().select_related("from_window__country").get(pk=handover.pk)
        if handover.status in (Status.PENDING, Status.AWAITING_CONSENT):
            handover.status = Status.STOPPED
            handover.consent_code_hash = ""
        handover.decline_reason = ""
        handover.save(update_fields=["status", "consent_code_hash", "decline_reason"])
        sending = handover.person_id == person.pk
        other_window = handover.to_window if sending else handover.from_window
        other_person = handover.received_person_id if sending else handover.person_id
        audit(
            handover, by=by, action=AuditEntry.Action.ERASE, event="erased", side="sending" if sending else "receiving"
        )
        # A request this side was asked to answer is answered by this very erasure.
        for asked in handover.erasure_requests.filter(person=person, done_at__isnull=True):
            asked.done_at, asked.done_by = timezone.now(), by
            asked.save(update_fields=["done_at", "done_by"])
            audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="erasure_done", window=asked.window_id)
        if handover.status != Status.ACCEPTED or other_window is None or other_person is None:
            continue
        if Person.objects.filter(pk=other_person, anonymised_at__isnull=False).exists():
            continue
        _request, created = ErasureRequest.objects.get_or_create(
            handover=handover,
            window=other_window,
            defaults={"person_id": other_person, "asked_at": timezone.now(), "due_on": due_on},
        )
        if created:
            audit(handover, by=by, action=AuditEntry.Action.CHANGE, event="erasure_asked", due_on=due_on.isoformat())
        notes.append(
            _("The window %(window)s in %(country)s was asked to erase this person's data too, by %(date)s.")
            % {
                "window": other_window.name,
                "country": other_window.country.name,
                "date": date_format(due_on, "DATE_FORMAT"),
            }
        )
    return notes


@transaction.atomic
def complete_erasure_request(*, request: ErasureRequest, by: Any) -> ErasureRequest:
    """The window asked to erase says it is done (its administrator erased the person, or nobody was left)."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.done_at:
        raise HandoverError(_("This erasure request was already answered."))
    person = Person.objects.filter(pk=request.person_id).first()
    if person is not None and not person.anonymised_at:
        raise HandoverError(_("Erase the person's record first (an administrator confirms it on the person's page)."))
    request.done_at, request.done_by = timezone.now(), by
    request.save(update_fields=["done_at", "done_by"])
    audit(request.handover, by=by, action=AuditEntry.Action.CHANGE, event="erasure_done", window=request.window_id)
    return request
