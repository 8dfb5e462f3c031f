"""Every change of state in the cases app happens here.

Each service runs in one transaction, locks the row it changes, checks the allowed source states and
raises ``CaseError`` (a translated message meant for the form) when a rule forbids the change, writes the
case timeline and the audit log, and queues follow-up work with ``transaction.on_commit``. Callers (views,
commands) check access first: services assume the user may write the record's window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.services import cancel_for
from ventanillas.models import InformationWindow, PartnerOrganisation

from .models import (
    AgeGroup,
    Appointment,
    AuditEntry,
    Case,
    CaseStatus,
    ChecklistItem,
    ChecklistStatus,
    CloseReason,
    Consent,
    ConsentKind,
    Consultation,
    FollowUp,
    HouseholdMember,
    Person,
    PersonVulnerability,
    Referral,
    ReferralStatus,
    RegularizationPathway,
    RegularizationProcess,
    Stage,
    TimelineEntry,
)


class CaseError(Exception):
    """A rule of the domain refused the change; ``message`` is translated and shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Helpers ----------------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def name_key(*parts: str) -> str:
    """The form of a name that the duplicate search compares: normalised tokens, sorted (order-tolerant)."""
    return " ".join(sorted(normalise_text(" ".join(parts)).split()))


def normalise_document_number(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits.lstrip("0")


def identifier_hash(kind: str, value: str) -> str:
    """Keyed hash (HMAC-SHA256 with SEARCH_HASH_KEY) of a normalised identifier, for exact-match search.

    ``kind`` is "document" or "phone"; the same number always gives the same hash, and nobody without the
    key can test a guessed number against the table.
    """
    normalised = normalise_document_number(value) if kind == "document" else normalise_phone(value)
    if not normalised:
        return ""
    key = settings.SEARCH_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def age_group_for(dob: date | None, today: date | None = None) -> str:
    if dob is None:
        return AgeGroup.UNKNOWN
    today = today or timezone.localdate()
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return AgeGroup.for_age(age)


def record_audit(
    *,
    user: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    case_id: int | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Write one audit row: who (``user``, may be None for a command), did ``action`` to which record.

    Other apps call this for their exports (``action=AuditEntry.Action.EXPORT``,
    ``object_type="dashboards.indicators"``). ``details`` holds codes and counts, never personal data.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if isinstance(obj, Person):
            person_id = person_id or obj.pk
        elif isinstance(obj, Case):
            case_id = case_id or obj.pk
            person_id = person_id or obj.person_id
        elif hasattr(obj, "case_id"):
            case_id = case_id or obj.case_id
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        person_id=person_id,
        case_id=case_id,
        details=details or {},
    )


def _timeline(case: Case, kind: str, by: Any, **details: Any) -> TimelineEntry:
    return TimelineEntry.objects.create(case=case, kind=kind, by=by, details=details)


def _lock(obj: models.Model) -> models.Model:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _require_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_("This case is closed. Reopen it before changing it."))


def _idempotent_create(model: type[models.Model], form_token: uuid.UUID | None, create) -> tuple[Any, bool]:
    """Run ``create`` once per form token: a second submission of the same form returns the first record."""
    if form_token:
        existing = model.objects.filter(form_token=form_token).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # Two submissions raced past the check above: the unique token let only one of them in.
        if form_token:
            existing = model.objects.filter(form_token=form_token).first()
            if existing:
                return existing, False
        raise


# --- Consultations ----------------------------------------------------------------------------------------


@transaction.atomic
def log_consultation(
    *, window: InformationWindow, by: Any, data: dict, form_token: uuid.UUID | None = None
) -> tuple[Consultation, bool]:
    """Log an anonymous consultation. Returns (consultation, created); a resubmitted form creates nothing."""
    if data.get("date") and data["date"] > timezone.localdate():
        raise CaseError(_("The date cannot be in the future."), field="date")

    def create() -> Consultation:
        consultation = Consultation.objects.create(window=window, recorded_by=by, form_token=form_token, **data)
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=consultation)
        return consultation

    return _idempotent_create(Consultation, form_token, create)


# --- People -----------------------------------------------------------------------------------------------

PERSON_FIELDS = (
    "given_names",
    "family_names",
    "date_of_birth",
    "birth_date_estimated",
    "sex",
    "gender",
    "nationality",
    "document_type",
    "document_number",
    "document_country",
    "phone",
    "whatsapp",
    "email",
    "preferred_language",
    "notes",
    "legal_basis",
)


def _apply_person_data(person: Person, data: dict) -> list[str]:
    changed = []
    for field in PERSON_FIELDS:
        if field in data and getattr(person, field) != data[field]:
            setattr(person, field, data[field])
            changed.append(field)
    if data.get("date_of_birth") and data["date_of_birth"] > timezone.localdate():
        raise CaseError(_("The date of birth cannot be in the future."), field="date_of_birth")
    person.name_key = name_key(person.given_names, person.family_names)
    person.document_number_hash = identifier_hash("document", person.document_number)
    person.phone_hash = identifier_hash("phone", person.phone)
    person.age_group = age_group_for(person.date_of_birth)
    return changed


def _set_vulnerabilities(person: Person, codes: Iterable[str]) -> None:
    codes = set(codes)
    person.vulnerabilities.exclude(code__in=codes).delete()
    existing = set(person.vulnerabilities.values_list("code", flat=True))
    PersonVulnerability.objects.bulk_create(
        [PersonVulnerability(person=person, code=code) for code in sorted(codes - existing)]
    )


@transaction.atomic
def create_person(
    *,
    window: InformationWindow,
    by: Any,
    data: dict,
    vulnerabilities: Iterable[str] = (),
    consents: Iterable[str] = (),
    form_token: uuid.UUID | None = None,
) -> tuple[Person, bool]:
    """Register a person at a window, with their vulnerabilities and the consents they gave now.

    When the legal basis is consent, consent to processing is required. Returns (person, created).
    """
    consents = set(consents)
    if data.get("legal_basis", "consent") == "consent" and ConsentKind.PROCESSING not in consents:
        raise CaseError(
            _("The person must consent to the processing of their data, or choose another legal basis."),
            field="consents",
        )

    def create() -> Person:
        person = Person(window=window, created_by=by, form_token=form_token)
        _apply_person_data(person, data)
        person.save()
        _set_vulnerabilities(person, vulnerabilities)
        language = data.get("preferred_language") or settings.LANGUAGE_CODE
        for kind in sorted(consents):
            Consent.objects.create(
                person=person, kind=kind, given_at=timezone.now(), notice_language=language, recorded_by=by
            )
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=person, details={"consents": sorted(consents)})
        return person

    return _idempotent_create(Person, form_token, create)


@transaction.atomic
def update_person(*, person: Person, by: Any, data: dict, vulnerabilities: Iterable[str] | None = None) -> Person:
    """Change a person's details; the audit row lists the fields changed (never their values)."""
    person = _lock(person)
    if person.anonymised_at:
        raise CaseError(_("This person's data was erased and cannot be changed."))
    changed = _apply_person_data(person, data)
    person.save()
    if vulnerabilities is not None:
        before = set(person.vulnerabilities.values_list("code", flat=True))
        _set_vulnerabilities(person, vulnerabilities)
        if before != set(vulnerabilities):
            changed.append("vulnerabilities")
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=person, details={"fields": changed})
    return person


HOUSEHOLD_FIELDS = ("relationship", "given_names", "age_group", "sex")


def _household_timeline(person: Person, by: Any, change: str, member: HouseholdMember) -> None:
    """The household shapes every case of the person: note the change on each case still open."""
    for case in person.cases.exclude(status=CaseStatus.CLOSED):
        _timeline(case, TimelineEntry.Kind.HOUSEHOLD, by, change=change, relationship=member.relationship)


def _require_not_erased(person: Person) -> None:
    if person.anonymised_at:
        raise CaseError(_("This person's data was erased and cannot be changed."))


@transaction.atomic
def add_household_member(*, person: Person, by: Any, data: dict) -> HouseholdMember:
    """Add a member of the person's household; written to the audit log and the open cases' timelines."""
    person = _lock(person)
    _require_not_erased(person)
    member = HouseholdMember.objects.create(person=person, **{f: data[f] for f in HOUSEHOLD_FIELDS if f in data})
    _household_timeline(person, by, "added", member)
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=member, person_id=person.pk)
    return member


@transaction.atomic
def update_household_member(*, member: HouseholdMember, by: Any, data: dict) -> HouseholdMember:
    """Correct a household member; the audit row lists the fields changed (never their values)."""
    member = HouseholdMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    _require_not_erased(member.person)
    changed = []
    for field in HOUSEHOLD_FIELDS:
        if field in data and getattr(member, field) != data[field]:
            setattr(member, field, data[field])
            changed.append(field)
    if changed:
        member.save(update_fields=changed)
        _household_timeline(member.person, by, "changed", member)
    record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=member, person_id=member.person_id, details={"fields": changed}
    )
    return member


@transaction.atomic
def remove_household_member(*, member: HouseholdMember, by: Any) -> None:
    """Remove a household member (left the household, or recorded by mistake). The audit row keeps the
    relationship code only, so the log holds no personal data of the removed member."""
    member = HouseholdMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    _require_not_erased(member.person)
    _household_timeline(member.person, by, "removed", member)
    record_audit(
        user=by,
        action=AuditEntry.Action.CHANGE,
        obj=member,
        person_id=member.person_id,
        details={"removed": True, "relationship": member.relationship},
    )
    member.delete()


def has_consent(person: Person, kind: str) -> bool:
    """Whether the person's consent of this kind holds today (given, and not withdrawn since)."""
    latest = person.consents.filter(kind=kind).order_by("-given_at", "-pk").first()
    return bool(latest and latest.withdrawn_at is None)


# Contact channels in order of preference, with the detail each needs and the consent that allows it.
CONTACT_CHANNELS = (
    ("whatsapp", "whatsapp", ConsentKind.CONTACT_WHATSAPP),
    ("sms", "phone", ConsentKind.CONTACT_PHONE),
    ("email", "email", ConsentKind.CONTACT_EMAIL),
)


def contact_channels(person: Person) -> list[str]:
    """The channels ("whatsapp", "sms", "email", in this order of preference) on which the person may be
    written to today: the contact detail is on record and the matching consent is given and not withdrawn.
    Nobody is contacted after an erasure or once merged into another record (write to that record)."""
    if person.anonymised_at or person.merged_into_id:
        return []
    return [
        channel for channel, field, kind in CONTACT_CHANNELS if getattr(person, field) and has_consent(person, kind)
    ]


@transaction.atomic
def record_consent(*, person: Person, kinds: Iterable[str], notice_language: str, by: Any) -> list[Consent]:
    """Record consents given today, in the language the notice was read to the person."""
    person = _lock(person)
    if person.anonymised_at:
        raise CaseError(_("This person's data was erased and cannot be changed."))
    rows = [
        Consent.objects.create(
            person=person, kind=kind, given_at=timezone.now(), notice_language=notice_language, recorded_by=by
        )
        for kind in kinds
        if not has_consent(person, kind)
    ]
    record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=person, details={"consent_given": [c.kind for c in rows]}
    )
    return rows


@transaction.atomic
def withdraw_consent(*, person: Person, kind: str, by: Any) -> None:
    """Withdraw a consent: what depended on it (contact, sharing) stops from now on."""
    person = _lock(person)
    updated = person.consents.filter(kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )
    if not updated:
        raise CaseError(_("There is no consent of this kind to withdraw."))
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=person, details={"consent_withdrawn": kind})


@transaction.atomic
def merge_people(*, keep: Person, duplicate: Person, by: Any) -> Person:
    """Merge a duplicate into ``keep``: cases, consents, household and vulnerabilities move over; blank
    fields of ``keep`` take the duplicate's values; the duplicate stays as an empty pointer to ``keep``."""
    if keep.pk == duplicate.pk:
        raise CaseError(_("A person cannot be merged with themselves."))
    # Lock both rows in a fixed order so that two merges of the same pair cannot deadlock.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.merged_into_id or duplicate.merged_into_id:
        raise CaseError(_("One of these people was already merged into another record."))
    if keep.anonymised_at or duplicate.anonymised_at:
        raise CaseError(_("This person's data was erased and cannot be changed."))
    filled = []
    for field in PERSON_FIELDS:
        if field not in ("legal_basis", "preferred_language", "birth_date_estimated") and not getattr(keep, field):
            value = getattr(duplicate, field)
            if value and value != "unknown":
                setattr(keep, field, value)
                filled.append(field)
    _apply_person_data(keep, {})
    keep.save()
    cases = list(duplicate.cases.all())
    duplicate.cases.update(person=keep)
    duplicate.consents.update(person=keep)
    duplicate.household.update(person=keep)
    codes = set(duplicate.vulnerabilities.values_list("code", flat=True)) | set(
        keep.vulnerabilities.values_list("code", flat=True)
    )
    duplicate.vulnerabilities.all().delete()
    _set_vulnerabilities(keep, codes)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    for case in cases:
        _timeline(case, TimelineEntry.Kind.MERGED, by, duplicate=duplicate.pk, kept=keep.pk)
    for case in keep.cases.exclude(pk__in=[c.pk for c in cases]):
        _timeline(case, TimelineEntry.Kind.MERGED, by, duplicate=duplicate.pk, kept=keep.pk)
    record_audit(
        user=by,
        action=AuditEntry.Action.MERGE,
        obj=keep,
        details={"duplicate": duplicate.pk, "cases_moved": [c.pk for c in cases], "fields_filled": filled},
    )
    record_audit(user=by, action=AuditEntry.Action.MERGE, obj=duplicate, details={"merged_into": keep.pk})
    return keep


# --- Cases ------------------------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    person: Person,
    window: InformationWindow,
    by: Any,
    needs: Iterable[str] = (),
    notes: str = "",
    assigned_to: Any = None,
    consultation: Consultation | None = None,
    form_token: uuid.UUID | None = None,
) -> tuple[Case, bool]:
    """Open a case for a person at a window; a consultation it comes from is linked to it."""
    if person.merged_into_id:
        raise CaseError(_("This person was merged into another record: open the case there."))
    if person.anonymised_at:
        raise CaseError(_("This person's data was erased and cannot be changed."))
    if consultation is not None and consultation.case_id:
        raise CaseError(_("This consultation was already turned into a case."))

    def create() -> Case:
        case = Case.objects.create(
            person=person,
            window=window,
            opened_by=by,
            opened_at=timezone.now(),
            needs=list(needs),
            notes=notes,
            assigned_to=assigned_to or by,
            form_token=form_token,
        )
        _timeline(case, TimelineEntry.Kind.OPENED, by)
        if consultation is not None:
            Consultation.objects.filter(pk=consultation.pk, case__isnull=True).update(case=case)
            _timeline(case, TimelineEntry.Kind.CONSULTATION, by, consultation=consultation.pk)
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=case)
        return case

    return _idempotent_create(Case, form_token, create)


@transaction.atomic
def update_case(*, case: Case, by: Any, needs: Iterable[str], notes: str, assigned_to: Any) -> Case:
    case = _lock(case)
    _require_open(case)
    changed = []
    for field, value in (("needs", list(needs)), ("notes", notes), ("assigned_to", assigned_to)):
        if getattr(case, field) != value:
            setattr(case, field, value)
            changed.append(field)
    case.save()
    if changed:
        _timeline(case, TimelineEntry.Kind.CHANGED, by, fields=changed)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=case, details={"fields": changed})
    return case


@transaction.atomic
def close_case(*, case: Case, by: Any, reason: str) -> Case:
    """Close an open (or reopened) case with a reason; pending follow-ups stay for the record."""
    case = _lock(case)
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_("This case is already closed."))
    if reason not in CloseReason.values:
        raise CaseError(_("Choose why the case is closed."), field="reason")
    case.status, case.close_reason, case.closed_at = CaseStatus.CLOSED, reason, timezone.now()
    case.save(update_fields=["status", "close_reason", "closed_at"])
    _timeline(case, TimelineEntry.Kind.CLOSED, by, reason=reason)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=case, details={"status": "closed", "reason": reason})
    return case


@transaction.atomic
def reopen_case(*, case: Case, by: Any) -> Case:
    case = _lock(case)
    if case.status != CaseStatus.CLOSED:
        raise CaseError(_("Only a closed case can be reopened."))
    if case.anonymised_at:
        raise CaseError(_("This case was anonymised and cannot be reopened."))
    case.status, case.close_reason, case.closed_at = CaseStatus.REOPENED, "", None
    case.save(update_fields=["status", "close_reason", "closed_at"])
    _timeline(case, TimelineEntry.Kind.REOPENED, by)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=case, details={"status": "reopened"})
    return case


# --- Regularization process -------------------------------------------------------------------------------

# The workflow: from each stage, the stages a process may move to. Anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PREPARING: frozenset({Stage.DOCUMENTS_COMPLETE, Stage.WITHDRAWN}),
    Stage.DOCUMENTS_COMPLETE: frozenset({Stage.PREPARING, Stage.SUBMITTED, Stage.WITHDRAWN}),
    Stage.SUBMITTED: frozenset({Stage.IN_REVIEW, Stage.APPROVED, Stage.DENIED, Stage.WITHDRAWN}),
    Stage.IN_REVIEW: frozenset({Stage.APPROVED, Stage.DENIED, Stage.WITHDRAWN}),
    Stage.DENIED: frozenset({Stage.APPEALED}),
    Stage.APPEALED: frozenset({Stage.APPROVED, Stage.DENIED, Stage.WITHDRAWN}),
    Stage.APPROVED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
}

# Which date column each stage stamps.
STAGE_DATE_FIELD = {
    Stage.DOCUMENTS_COMPLETE: "documents_complete_at",
    Stage.SUBMITTED: "submitted_at",
    Stage.IN_REVIEW: "in_review_at",
    Stage.APPROVED: "decided_at",
    Stage.DENIED: "decided_at",
    Stage.APPEALED: "appealed_at",
    Stage.WITHDRAWN: "withdrawn_at",
}


# A permit number as authorities print them: letters and digits, with spaces, dots, slashes or dashes.
PERMIT_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9 ./-]{2,59}$")


def normalise_permit_number(value: str) -> str:
    return " ".join((value or "").upper().split())


def _check_permit(
    permit_type: str, permit_number: str, expires_on: date | None, *, decided_on: date | None
) -> tuple[str, str]:
    """Validate the permit recorded on approval; returns (type, number) normalised.

    The type is required (the decision says what was granted); the number may follow when the card is
    issued, but must look like one; the expiry, when known, falls after the decision.
    """
    permit_type, permit_number = (permit_type or "").strip(), normalise_permit_number(permit_number)
    if not permit_type:
        raise CaseError(_("Enter the type of permit granted."), field="permit_type")
    if permit_number and not PERMIT_NUMBER_RE.match(permit_number):
        raise CaseError(
            _("A permit number has letters, digits, spaces, dots, slashes or dashes only (3 to 60)."),
            field="permit_number",
        )
    if expires_on and decided_on and expires_on <= decided_on:
        raise CaseError(_("The permit must expire after the date of approval."), field="permit_expires_on")
    return permit_type, permit_number


def window_today(window: InformationWindow) -> date:
    """Today at the window: the server runs in UTC, so an evening in the Americas is already tomorrow there."""
    return timezone.localdate(timezone=window.country.zoneinfo)


def allowed_moves(process: RegularizationProcess) -> list[str]:
    return [stage for stage in Stage.values if stage in TRANSITIONS[process.stage]]


@transaction.atomic
def start_process(
    *, case: Case, pathway: RegularizationPathway, by: Any, on: date | None = None
) -> RegularizationProcess:
    """Start a process on a pathway of the case's country; its checklist is copied from the pathway."""
    case = _lock(case)
    _require_open(case)
    if pathway.country_id != case.window.country_id:
        raise CaseError(_("Choose a pathway of the country of this case."), field="pathway")
    if not pathway.active:
        raise CaseError(_("This pathway is no longer open."), field="pathway")
    if case.processes.under_way().exists():
        raise CaseError(_("This case already has a process under way."), field="pathway")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise CaseError(_("The date cannot be in the future."), field="on")
    process = RegularizationProcess.objects.create(case=case, pathway=pathway, started_at=on)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(process=process, document=doc, name=doc.name, required=doc.required, order=doc.order)
            for doc in pathway.documents.all()
        ]
    )
    _timeline(case, TimelineEntry.Kind.PROCESS_STARTED, by, process=process.pk, pathway=pathway.pk)
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=process, details={"pathway": pathway.pk})
    return process


def _check_move(process: RegularizationProcess, to: str, on: date) -> None:
    if to not in TRANSITIONS.get(process.stage, ()):
        raise CaseError(
            _("A process cannot move from “%(source)s” to “%(target)s”.")
            % {"source": Stage(process.stage).label, "target": Stage(to).label}
        )
    if on > timezone.localdate():
        raise CaseError(_("The date cannot be in the future."), field="on")
    previous = [
        d for d in (process.started_at, process.documents_complete_at, process.submitted_at, process.in_review_at) if d
    ]
    if process.stage == Stage.DENIED and process.decided_at:
        previous.append(process.decided_at)
    if process.stage == Stage.APPEALED and process.appealed_at:
        previous.append(process.appealed_at)
    if to != Stage.PREPARING and previous and on < max(previous):
        raise CaseError(
            _("The date cannot be before the previous stage (%(date)s).") % {"date": date_format(max(previous))},
            field="on",
        )
    if to == Stage.DOCUMENTS_COMPLETE:
        missing = process.checklist.filter(required=True, status=ChecklistStatus.MISSING)
        if missing.exists():
            raise CaseError(
                _("Some required documents are still missing: %(names)s.")
                % {"names": ", ".join(missing.values_list("name", flat=True))}
            )


@transaction.atomic
def move_process(
    *,
    process: RegularizationProcess,
    to: str,
    by: Any,
    on: date | None = None,
    permit_number: str = "",
    permit_type: str = "",
    permit_expires_on: date | None = None,
) -> RegularizationProcess:
    """Move a process to another stage on date ``on`` (today by default), if the workflow allows it.

    Allowed: see ``TRANSITIONS``. Documents complete needs every required document received or not
    applicable; dates never go back before the previous stage nor into the future. Approval records the
    permit (number, type, expiry). Back to preparing clears the documents-complete date. The timeline and
    the audit log record the move.
    """
    process = (
        RegularizationProcess.objects.select_for_update().select_related("case", "case__window").get(pk=process.pk)
    )
    _require_open(process.case)
    on = on or timezone.localdate()
    if to not in Stage.values:
        raise CaseError(_("Choose a stage."), field="to")
    _check_move(process, to, on)
    if to == Stage.APPROVED:
        permit_type, permit_number = _check_permit(permit_type, permit_number, permit_expires_on, decided_on=on)
    source = process.stage
    process.stage = to
    if to == Stage.PREPARING:
        process.documents_complete_at = None
    else:
        setattr(process, STAGE_DATE_FIELD[to], on)
    if to in (Stage.APPROVED, Stage.DENIED):
        process.approved = to == Stage.APPROVED
    if to == Stage.APPEALED:
        process.approved = None
    if to == Stage.APPROVED:
        process.permit_number, process.permit_type = permit_number, permit_type
        process.permit_expires_on = permit_expires_on
    process.save()
    _timeline(
        process.case, TimelineEntry.Kind.STAGE, by, process=process.pk, source=source, target=to, on=on.isoformat()
    )
    record_audit(
        user=by,
        action=AuditEntry.Action.STAGE,
        obj=process,
        case_id=process.case_id,
        person_id=process.case.person_id,
        details={"source": source, "target": to, "on": on.isoformat()},
    )
    return process


@transaction.atomic
def set_checklist_status(*, item: ChecklistItem, status: str, by: Any) -> ChecklistItem:
    """Mark a checklist document received, missing or not applicable (required ones cannot be n/a)."""
    item = ChecklistItem.objects.select_for_update().select_related("process__case").get(pk=item.pk)
    _require_open(item.process.case)
    if status not in ChecklistStatus.values:
        raise CaseError(_("Choose a status."), field="status")
    if not item.process.checklist_open:
        raise CaseError(_("The checklist can only change before the application is submitted."))
    if status == ChecklistStatus.MISSING and item.process.stage == Stage.DOCUMENTS_COMPLETE and item.required:
        raise CaseError(_("Move the process back to preparing before marking a required document missing."))
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    _timeline(item.process.case, TimelineEntry.Kind.CHECKLIST, by, item=item.pk, name=item.name, status=status)
    record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=item, case_id=item.process.case_id, details={"status": status}
    )
    return item


@transaction.atomic
def update_permit(
    *,
    process: RegularizationProcess,
    by: Any,
    permit_type: str,
    permit_number: str = "",
    permit_expires_on: date | None = None,
) -> RegularizationProcess:
    """Record or correct the permit of an approved process (the card often comes after the decision).

    The audit row and the timeline name the fields changed, never their values. Pending reminders of the
    permit's expiry are cancelled: the next reminder scan queues them again for the new date.
    """
    process = RegularizationProcess.objects.select_for_update().select_related("case").get(pk=process.pk)
    if process.stage != Stage.APPROVED:
        raise CaseError(_("Only an approved process has a permit."))
    if process.case.anonymised_at:
        raise CaseError(_("This case was anonymised and cannot be changed."))
    permit_type, permit_number = _check_permit(
        permit_type, permit_number, permit_expires_on, decided_on=process.decided_at
    )
    changed = []
    for field, value in (
        ("permit_type", permit_type),
        ("permit_number", permit_number),
        ("permit_expires_on", permit_expires_on),
    ):
        if (getattr(process, field) or None) != (value or None):
            setattr(process, field, value)
            changed.append(field)
    if changed:
        process.save()
        _timeline(process.case, TimelineEntry.Kind.PERMIT, by, process=process.pk, fields=changed)
    if "permit_expires_on" in changed:
        from .reminders import PERMIT

        cancel_for(process, PERMIT)
    record_audit(
        user=by,
        action=AuditEntry.Action.CHANGE,
        obj=process,
        case_id=process.case_id,
        person_id=process.case.person_id,
        details={"fields": changed},
    )
    return process


@transaction.atomic
def book_appointment(*, process: RegularizationProcess, at: datetime, place: str, purpose: str, by: Any) -> Any:
    process = RegularizationProcess.objects.select_for_update().select_related("case").get(pk=process.pk)
    _require_open(process.case)
    if process.stage in (Stage.APPROVED, Stage.WITHDRAWN):
        raise CaseError(_("This process is finished: no more appointments can be booked."))
    appointment = Appointment.objects.create(process=process, at=at, place=place, purpose=purpose, created_by=by)
    _timeline(process.case, TimelineEntry.Kind.APPOINTMENT, by, appointment=appointment.pk, at=at.isoformat())
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=appointment, case_id=process.case_id)
    return appointment


def _local_iso(appointment: Appointment) -> str:
    """The appointment's time in its country's zone, as the timeline shows it to everyone."""
    return appointment.at.astimezone(appointment.process.case.window.country.zoneinfo).isoformat()


def _lock_appointment(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("process__case__window__country", "process__case__person", "process__case__assigned_to")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def move_appointment(*, appointment: Appointment, at: datetime, place: str, purpose: str, by: Any) -> Appointment:
    """Move an appointment (new time, place or purpose) while the case is open and the process not finished.

    Its pending reminders are cancelled, since their text names the old time and place, and queued again
    for the new one through ``cases.reminders.sync_appointment``, in this same transaction.
    """
    appointment = _lock_appointment(appointment)
    process = appointment.process
    _require_open(process.case)
    if process.stage in (Stage.APPROVED, Stage.WITHDRAWN):
        raise CaseError(_("This process is finished: its appointments can only be cancelled."))
    if at <= timezone.now():
        raise CaseError(_("Choose a time in the future."), field="at")
    changed = [f for f, v in (("at", at), ("place", place), ("purpose", purpose)) if getattr(appointment, f) != v]
    if not changed:
        return appointment
    appointment.at, appointment.place, appointment.purpose = at, place, purpose
    appointment.save(update_fields=["at", "place", "purpose"])
    from .reminders import APPOINTMENT, sync_appointment

    cancel_for(appointment, APPOINTMENT)
    sync_appointment(appointment)
    _timeline(
        process.case, TimelineEntry.Kind.APPOINTMENT_MOVED, by, appointment=appointment.pk, at=_local_iso(appointment)
    )
    record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=appointment, case_id=process.case_id, details={"fields": changed}
    )
    return appointment


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, by: Any) -> None:
    """Cancel an appointment that has not taken place: its pending reminders are cancelled, the row goes
    (the timeline and the audit log keep when it was), so no later reminder scan can find it again."""
    appointment = _lock_appointment(appointment)
    case = appointment.process.case
    _require_open(case)
    if appointment.at <= timezone.now():
        raise CaseError(_("This appointment has already taken place."))
    cancel_for(appointment)
    _timeline(
        case, TimelineEntry.Kind.APPOINTMENT_CANCELLED, by, appointment=appointment.pk, at=_local_iso(appointment)
    )
    record_audit(
        user=by, action=AuditEntry.Action.CHANGE, obj=appointment, case_id=case.pk, details={"cancelled": True}
    )
    appointment.delete()


# --- Follow-ups and referrals -----------------------------------------------------------------------------


@transaction.atomic
def plan_follow_up(*, case: Case, due_on: date, assigned_to: Any, note: str, by: Any) -> FollowUp:
    case = _lock(case)
    _require_open(case)
    follow_up = FollowUp.objects.create(case=case, due_on=due_on, assigned_to=assigned_to, note=note, created_by=by)
    _timeline(case, TimelineEntry.Kind.FOLLOW_UP, by, follow_up=follow_up.pk, due_on=due_on.isoformat())
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=follow_up)
    return follow_up


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, by: Any) -> FollowUp:
    """Mark a follow-up done. Refused on a closed case (reopen it first). Writes the timeline and audit."""
    # The case first, as every case service locks it, so that closing the case cannot interleave.
    case = Case.objects.select_for_update().get(pk=follow_up.case_id)
    _require_open(case)
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    if follow_up.done_at:
        raise CaseError(_("This follow-up is already done."))
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["done_at"])
    _timeline(follow_up.case, TimelineEntry.Kind.FOLLOW_UP_DONE, by, follow_up=follow_up.pk)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=follow_up, details={"done": True})
    return follow_up


@transaction.atomic
def refer(*, case: Case, partner: PartnerOrganisation, service: str, by: Any) -> Referral:
    """Refer the person to a partner for a service. Needs the person's consent to share in force."""
    case = Case.objects.select_for_update().select_related("person", "window").get(pk=case.pk)
    _require_open(case)
    if not has_consent(case.person, ConsentKind.SHARE_PARTNERS):
        raise CaseError(
            _("The person has not agreed to share their data with partners: record that consent first."),
            field="partner",
        )
    if partner.country_id not in (None, case.window.country_id) or not partner.active:
        raise CaseError(_("Choose an active partner working in this country."), field="partner")
    now = timezone.now()
    referral = Referral.objects.create(
        case=case, partner=partner, service=service, sent_at=now, status_changed_at=now, created_by=by
    )
    _timeline(case, TimelineEntry.Kind.REFERRAL, by, referral=referral.pk, partner=partner.pk, service=service)
    record_audit(user=by, action=AuditEntry.Action.CREATE, obj=referral, details={"partner": partner.pk})
    return referral


REFERRAL_TRANSITIONS = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.COMPLETED, ReferralStatus.DECLINED},
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.DECLINED: set(),
}


@transaction.atomic
def update_referral(*, referral: Referral, status: str, feedback: str, by: Any) -> Referral:
    """Record the partner's answer: sent → accepted or declined; accepted → completed or declined.

    Refused on a closed case (reopen it first) and for a status that is not a referral status. Writes the
    timeline and audit."""
    if status not in ReferralStatus.values:
        raise CaseError(_("Choose a status."), field="status")
    # The case first, as every case service locks it, so that closing the case cannot interleave.
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    _require_open(case)
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if status not in REFERRAL_TRANSITIONS.get(referral.status, set()):
        raise CaseError(
            _("A referral cannot move from “%(source)s” to “%(target)s”.")
            % {"source": ReferralStatus(referral.status).label, "target": ReferralStatus(status).label},
            field="status",
        )
    source = referral.status
    referral.status, referral.status_changed_at = status, timezone.now()
    if feedback:
        referral.feedback = feedback
    referral.save()
    _timeline(referral.case, TimelineEntry.Kind.REFERRAL_STATUS, by, referral=referral.pk, source=source, target=status)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=referral, details={"source": source, "target": status})
    return referral


# --- Rights of the person, retention ----------------------------------------------------------------------


def _blank_case(case: Case) -> None:
    case.notes = ""
    case.anonymised_at = timezone.now()
    case.save(update_fields=["notes", "anonymised_at"])
    case.follow_ups.update(note="—")
    case.referrals.update(feedback="")
    RegularizationProcess.objects.filter(case=case).update(permit_number="")
    case.timeline.filter(kind=TimelineEntry.Kind.CHECKLIST).update(details={})


def _blank_person(person: Person) -> None:
    person.age_group = age_group_for(person.date_of_birth)
    for field in ("family_names", "document_number", "phone", "whatsapp", "email", "notes", "document_type"):
        setattr(person, field, "")
    person.given_names = "—"
    person.date_of_birth = None
    person.birth_date_estimated = False
    person.name_key = person.document_number_hash = person.phone_hash = ""
    person.anonymised_at = timezone.now()
    person.save()
    person.household.all().delete()


@transaction.atomic
def request_erasure(*, person: Person, by: Any) -> Person:
    """Record that the person asked to be erased (window staff); an administrator confirms and erases."""
    person = _lock(person)
    if person.anonymised_at:
        raise CaseError(_("This person's data was already erased."))
    if person.erasure_requested_at:
        raise CaseError(_("The erasure of this person was already requested."))
    person.erasure_requested_at, person.erasure_requested_by = timezone.now(), by
    person.save(update_fields=["erasure_requested_at", "erasure_requested_by", "updated_at"])
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=person, details={"erasure_requested": True})
    return person


@transaction.atomic
def erase_person(*, person: Person, by: Any) -> Person:
    """Erase a person on request: names, birth date, documents, contacts and free text go; the counts
    (sex, age group, nationality, cases and their stages) stay for the statistics. Cannot be undone.

    Callers check that ``by`` is an administrator and that the erasure was confirmed (the page asks for the
    record number typed in). Pending reminders to the person are cancelled.
    """
    person = _lock(person)
    if person.anonymised_at:
        raise CaseError(_("This person's data was already erased."))
    for appointment in Appointment.objects.filter(process__case__person=person):
        cancel_for(appointment)
    for case in person.cases.all():
        _blank_case(case)
    _blank_person(person)
    record_audit(
        user=by,
        action=AuditEntry.Action.ERASE,
        obj=person,
        details={"requested": bool(person.erasure_requested_at), "requested_by": person.erasure_requested_by_id},
    )
    return person


def anonymise_expired_cases(*, now: datetime | None = None) -> tuple[int, int]:
    """Anonymise the closed cases older than their country's retention period, and the people whose
    cases are all closed and expired. Returns (cases, people). Safe to run again: done rows are skipped."""
    now = now or timezone.now()
    cases_done = people_done = 0
    expired = Case.objects.filter(status=CaseStatus.CLOSED, anonymised_at__isnull=True).select_related(
        "window__country"
    )
    for case in expired.iterator():
        if case.closed_at > now - timedelta(days=case.window.country.retention_days):
            continue
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case.pk)
            if case.anonymised_at:
                continue
            _blank_case(case)
            record_audit(user=None, action=AuditEntry.Action.ANONYMISE, obj=case, details={"reason": "retention"})
            cases_done += 1
            person = Person.objects.select_for_update().get(pk=case.person_id)
            if not person.anonymised_at and not person.cases.filter(anonymised_at__isnull=True).exists():
                _blank_person(person)
                record_audit(user=None, action=AuditEntry.Action.ANONYMISE, obj=person, details={"reason": "retention"})
                people_done += 1
    return cases_done, people_done


def export_person_data(*, person: Person, by: Any) -> dict:
    """Everything held on one person (subject access), as plain data; the export itself is audited."""
    from .selectors import person_data

    data = person_data(person)
    record_audit(user=by, action=AuditEntry.Action.EXPORT, obj=person, details={"kind": "subject_access"})
    return data
