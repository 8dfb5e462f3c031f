"""Consultations and cases: logging a walk-in, opening, changing, closing and reopening a case."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpers import bulk
from ventanillas.models import InformationWindow, Sex

from ..models import (
    AgeGroup,
    AuditEntry,
    Case,
    CaseStatus,
    CloseReason,
    Consultation,
    Person,
    TimelineEntry,
)
from .common import CaseError, _idempotent_create, _lock, _require_open, _timeline, record_audit


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


@transaction.atomic
def log_consultations(*, window: InformationWindow, by: Any, rows: list[dict]) -> list[Consultation]:
    """Log many anonymous consultations at once (a register brought in from a file), with the checks of
    ``log_consultation`` and one audit row each, in two inserts."""
    today = timezone.localdate()
    if any(data.get("date") and data["date"] > today for data in rows):
        raise CaseError(_("The date cannot be in the future."), field="date")
    # By id: a related object given to a model's constructor costs a descriptor's checks per row.
    consultations = bulk.create(
        Consultation, [Consultation(window_id=window.pk, recorded_by_id=by.pk, **data) for data in rows]
    )
    user_id = by.pk if getattr(by, "is_authenticated", False) else None
    bulk.create(
        AuditEntry,
        [
            AuditEntry(
                user_id=user_id,
                action=AuditEntry.Action.CREATE,
                object_type="cases.consultation",
                object_id=str(c.pk),
            )
            for c in consultations
        ],
    )
    return consultations


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
    opened_at: datetime | None = None,
) -> tuple[Case, bool]:
    """Open a case for a person at a window; a consultation it comes from is linked to it. ``opened_at``:
    when it was opened, for a case brought in from an earlier register (now by default, never later)."""
    if opened_at is not None and opened_at > timezone.now():
        raise CaseError(_("The date cannot be in the future."), field="opened_at")
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
            opened_at=opened_at or timezone.now(),
            needs=list(needs),
            notes=notes,
            assigned_to=assigned_to or by,
            form_token=form_token,
        )
        _timeline(case, TimelineEntry.Kind.OPENED, by)
        if consultation is not None:
            _carry_from_consultation(person, consultation, by)
            Consultation.objects.filter(pk=consultation.pk, case__isnull=True).update(case=case)
            _timeline(case, TimelineEntry.Kind.CONSULTATION, by, consultation=consultation.pk)
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=case)
        return case

    return _idempotent_create(Case, form_token, create)


def _carry_from_consultation(person: Person, consultation: Consultation, by: Any) -> None:
    """What the consultation recorded fills what the person's record lacks: sex, nationality and, without a
    date of birth, the age group (nothing typed at the window is overwritten)."""
    values = {}
    if person.sex == Sex.UNKNOWN and consultation.sex != Sex.UNKNOWN:
        values["sex"] = consultation.sex
    if not person.nationality and consultation.nationality:
        values["nationality"] = consultation.nationality
    if not person.date_of_birth and person.age_group == AgeGroup.UNKNOWN and consultation.age_group != AgeGroup.UNKNOWN:
        values["age_group"] = consultation.age_group
    if values:
        Person.objects.filter(pk=person.pk).update(**values)
        for field, value in values.items():
            setattr(person, field, value)
        record_audit(
            user=by, action=AuditEntry.Action.CHANGE, obj=person, details={"from_consultation": sorted(values)}
        )


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


# Apps that keep a closed case read-only (handovers: a case handed over to another country) register a guard in
# their ready(): ``guard(case)`` returns the translated reason the case stays closed, or "".
_reopen_guards: list[Callable[[Case], str]] = []


def register_reopen_guard(guard: Callable[[Case], str]) -> None:
    _reopen_guards.append(guard)


@transaction.atomic
def reopen_case(*, case: Case, by: Any) -> Case:
    case = _lock(case)
    if case.status != CaseStatus.CLOSED:
        raise CaseError(_("Only a closed case can be reopened."))
    for guard in _reopen_guards:
        if reason := guard(case):
            raise CaseError(reason)
    if case.anonymised_at:
        raise CaseError(_("This case was anonymised and cannot be reopened."))
    case.status, case.close_reason, case.closed_at = CaseStatus.REOPENED, "", None
    case.save(update_fields=["status", "close_reason", "closed_at"])
    _timeline(case, TimelineEntry.Kind.REOPENED, by)
    record_audit(user=by, action=AuditEntry.Action.CHANGE, obj=case, details={"status": "reopened"})
    return case
