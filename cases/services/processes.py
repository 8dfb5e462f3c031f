"""Regularization processes: the stage workflow, the checklist, the permit and appointments."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from helpers.idempotency import once
from notifications.services import cancel_for
from ventanillas.models import InformationWindow

from ..models import (
    Appointment,
    AuditEntry,
    Case,
    ChecklistItem,
    ChecklistStatus,
    RegularizationPathway,
    RegularizationProcess,
    Stage,
    TimelineEntry,
)
from ..reminders import APPOINTMENT, PERMIT, sync_appointment
from .common import CaseError, _check_moment, _lock, _require_open, _timeline, record_audit

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
def save_checklist(*, process: RegularizationProcess, statuses: dict[int, str], by: Any) -> list[ChecklistItem]:
    """Save the whole checklist of a process at once: ``statuses`` maps checklist item ids to a status.

    Only the documents whose status changes are written (a timeline and audit row each); ids of another
    process are ignored. All or nothing: one refused document (see ``set_checklist_status``) refuses the
    whole form, so that the page the clerk returns to shows what is really stored. Returns the items changed.
    """
    changed = []
    for item in process.checklist.filter(pk__in=statuses):
        if statuses[item.pk] != item.status:
            changed.append(set_checklist_status(item=item, status=statuses[item.pk], by=by))
    return changed


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
def book_appointment(
    *,
    process: RegularizationProcess,
    at: datetime,
    place: str,
    purpose: str,
    by: Any,
    form_token: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Any:
    """Book an appointment from ``now`` to two years ahead; one per ``form_token`` (a double click books
    one, and queues one set of reminders to the migrant)."""
    process = RegularizationProcess.objects.select_for_update().select_related("case").get(pk=process.pk)
    _require_open(process.case)
    if process.stage in (Stage.APPROVED, Stage.WITHDRAWN):
        raise CaseError(_("This process is finished: no more appointments can be booked."))
    _check_moment(at, now)

    def create() -> Appointment:
        appointment = Appointment.objects.create(process=process, at=at, place=place, purpose=purpose, created_by=by)
        _timeline(process.case, TimelineEntry.Kind.APPOINTMENT, by, appointment=appointment.pk, at=at.isoformat())
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=appointment, case_id=process.case_id)
        return appointment

    return once(form_token, Appointment, create)[0]


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
    _check_moment(at)
    changed = [f for f, v in (("at", at), ("place", place), ("purpose", purpose)) if getattr(appointment, f) != v]
    if not changed:
        return appointment
    appointment.at, appointment.place, appointment.purpose = at, place, purpose
    appointment.save(update_fields=["at", "place", "purpose"])

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
