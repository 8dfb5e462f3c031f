"""What every service shares: the error a rule raises, the audit log, the timeline, row locks, and the
form token that makes a create run once."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from ventanillas import access

from ..models import (
    AuditEntry,
    Case,
    CaseStatus,
    Person,
    TimelineEntry,
)
from ..rules import identifier_hash


class CaseError(Exception):
    """A rule of the domain refused the change; ``message`` is translated and shown to the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _check_moment(at, now=None) -> None:
    """A planned date and time: not past, within the next two years (``helpers.validation``)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from helpers.validation import check_moment

    try:
        check_moment(at, now=now or timezone.now())
    except ValidationError as error:
        raise CaseError(error.messages[0], field="at") from None


def _check_day(day, field: str) -> None:
    """A planned day within the programme's years (2000 to two years ahead)."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from helpers.validation import check_day

    try:
        check_day(day, today=timezone.localdate())
    except ValidationError as error:
        raise CaseError(error.messages[0], field=field) from None


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


def audit_identifier_search(*, user: Any, document_number: str = "", phone: str = "", found: list[int] = ()) -> None:
    """A search by document number or phone discloses who holds it: one audit row per identifier searched,
    holding its keyed hash (never the value) and the people shown. A search by name alone is not logged."""
    searched = [
        (kind, value) for kind, value in (("document", document_number), ("phone", phone)) if (value or "").strip()
    ]
    if not searched:
        return  # a search by name alone: nothing to log, so the user's country is not read either
    region = next(iter(access.visible_windows(user).values_list("country__code", flat=True)), "")
    for kind, value in searched:
        record_audit(
            user=user,
            action=AuditEntry.Action.SEARCH,
            object_type="cases.person",
            details={"identifier": kind, "hash": identifier_hash(kind, value, region), "found": list(found)},
        )
