"""The rights of the person: erasure, retention, and the subject-access export."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.keys import normalise_recipient
from notifications.services import (
    cancel_for,
    messages_for_addressee,
    purge_for_addressee,
    purge_old_messages,
    readdress,
)
from privacy import erasure, retention, subject_access

from ..models import (
    Appointment,
    AuditEntry,
    Case,
    CaseStatus,
    FollowUp,
    Person,
    RegularizationProcess,
    TimelineEntry,
)
from ..rules import age_group_for
from ..selectors import person_data
from .common import CaseError, _lock, record_audit

logger = logging.getLogger(__name__)


def _case_objects(case: Case) -> list:
    """The records of a case that outbox messages are about (reminders name the place of an appointment)."""
    processes = list(RegularizationProcess.objects.filter(case=case))
    return [*processes, *Appointment.objects.filter(process__in=processes)]


def _blank_case(case: Case) -> None:
    case.notes = ""
    case.anonymised_at = timezone.now()
    case.save(update_fields=["notes", "anonymised_at"])
    case.follow_ups.update(note="—")
    case.referrals.update(feedback="")
    RegularizationProcess.objects.filter(case=case).update(permit_number="")
    Appointment.objects.filter(process__case=case).update(place="—", purpose="")
    case.timeline.filter(kind=TimelineEntry.Kind.CHECKLIST).update(details={})
    purge_for_addressee(None, objects=_case_objects(case))


def _addresses(person: Person) -> list[str]:
    """Where messages to the person went: outbox rows naming no person are found by these."""
    return [person.phone or "", person.whatsapp or "", person.email or ""]


def _blank_person(person: Person, *, addresses: list[str] | None = None) -> None:
    addresses = _addresses(person) if addresses is None else addresses
    person.age_group = age_group_for(person.date_of_birth)
    for field in ("family_names", "document_number", "phone", "whatsapp", "email", "notes", "document_type"):
        setattr(person, field, "")
    person.given_names = "—"
    person.date_of_birth = None
    person.birth_date_estimated = False
    person.document_number_hash = person.phone_hash = person.whatsapp_hash = ""
    person.name_tokens = []
    person.anonymised_at = timezone.now()
    person.save()
    person.household.all().delete()
    # Every copy: the messages written to the person (recipient and text) go too, and those to their
    # addresses that name no person (queued before messages named one, status-check answers).
    purge_for_addressee(person, addresses=addresses)
    # Identifier searches keep the hash they searched for; it would still single the person out.
    AuditEntry.objects.filter(person_id=person.pk, details__has_key="hash").update(details={"hash": ""})


def merged_records(person: Person) -> list[Person]:
    """Every record merged into the person, directly or through another merged record."""
    found: list[Person] = []
    frontier = [person.pk]
    while frontier:
        rows = list(Person.objects.filter(merged_into__in=frontier).exclude(pk__in=[p.pk for p in found]))
        found.extend(rows)
        frontier = [p.pk for p in rows]
    return found


def forget_searches_that_found(person_ids: list[int]) -> int:
    """Identifier searches whose results named one of ``person_ids`` keep no hash of what was searched
    (the hash beside the id would still tie the person to their number). Returns how many rows changed."""
    rows = AuditEntry.objects.filter(action=AuditEntry.Action.SEARCH, details__has_key="hash").exclude(details__hash="")
    wanted = set(person_ids)
    count = 0
    if connection.features.supports_json_field_contains:
        matches = AuditEntry.objects.none()
        for pk in wanted:
            matches |= rows.filter(details__found__contains=[pk])
        candidates = matches.distinct()
    else:
        candidates = rows
    for entry in candidates.iterator():
        if wanted & set(entry.details.get("found") or []):
            entry.details = {**entry.details, "hash": ""}
            entry.save(update_fields=["details"])
            count += 1
    return count


def blank_merged(*, duplicate: Person, keep: Person) -> None:
    """A duplicate merged into ``keep`` is blanked as an erasure, keeping only the pointer: what it held
    was moved to ``keep`` (its messages now name ``keep``); messages naming no person sent to an address of
    the duplicate that ``keep`` does not hold are purged, as nobody could find them any more."""
    readdress(duplicate, keep)
    kept = {normalise_recipient(a) for a in _addresses(keep)}
    _blank_person(duplicate, addresses=[a for a in _addresses(duplicate) if normalise_recipient(a) not in kept])


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


def erasure_answer_days() -> int:
    return int(getattr(settings, "CASES_ERASURE_ANSWER_DAYS", 30))


@transaction.atomic
def request_erasure_by_person(*, person: Person, case: Case, assigned_to: Any) -> FollowUp | None:
    """The person asks, on the status page, to be erased: the request is recorded on them and reaches the
    window as a follow-up of ``case`` assigned to ``assigned_to``, due when the answer is due
    (``CASES_ERASURE_ANSWER_DAYS``). Asking again changes nothing (returns None)."""
    person = _lock(person)
    if person.anonymised_at:
        raise CaseError(_("This person's data was already erased."))
    if person.erasure_requested_at:
        return None
    person.erasure_requested_at, person.erasure_requested_by = timezone.now(), None
    person.save(update_fields=["erasure_requested_at", "erasure_requested_by", "updated_at"])
    due_on = timezone.localdate() + timedelta(days=erasure_answer_days())
    with translation.override(case.window.country.default_language or settings.LANGUAGE_CODE):
        note = _("The person asked on the status page for their data to be erased: check and answer them by this date.")
    follow_up = FollowUp.objects.create(
        case=case, due_on=due_on, assigned_to=assigned_to, note=note, created_by=assigned_to
    )
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.FOLLOW_UP,
        by=None,
        details={"follow_up": follow_up.pk, "due_on": due_on.isoformat()},
    )
    record_audit(
        user=None,
        action=AuditEntry.Action.CHANGE,
        obj=person,
        details={"erasure_requested": True, "by_person": True, "follow_up": follow_up.pk, "due_on": due_on.isoformat()},
    )
    return follow_up


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
    # Every record merged into the person goes too (a merge made before duplicates were blanked kept them).
    merged = merged_records(person)
    for record in merged:
        record = _lock(record)
        if not record.anonymised_at:
            _blank_person(record)
            record_audit(user=by, action=AuditEntry.Action.ERASE, obj=record, details={"merged_into": person.pk})
    searches = forget_searches_that_found([person.pk, *[r.pk for r in merged]])
    # Copies the other apps keep or sent elsewhere (a handover to another country): their notes say so.
    person.erasure_notes = erasure.run_registered(person, by)
    record_audit(
        user=by,
        action=AuditEntry.Action.ERASE,
        obj=person,
        details={
            "requested": bool(person.erasure_requested_at),
            "requested_by": person.erasure_requested_by_id,
            "merged_records": len(merged),
            "searches_forgotten": searches,
        },
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


def anonymise_people_without_cases(*, now: datetime | None = None) -> int:
    """People registered (or left by a merge) with no case, untouched for longer than the retention period
    of their window's country: anonymised like the others. Returns how many."""
    now = now or timezone.now()
    done = 0
    candidates = Person.objects.filter(anonymised_at__isnull=True, cases__isnull=True).select_related("window__country")
    for person in candidates.iterator():
        if person.updated_at > now - timedelta(days=person.window.country.retention_days):
            continue
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person.pk)
            if person.anonymised_at or person.cases.exists():
                continue
            _blank_person(person)
            record_audit(
                user=None, action=AuditEntry.Action.ANONYMISE, obj=person, details={"reason": "retention_no_case"}
            )
            done += 1
    return done


def forget_old_search_hashes(*, now: datetime | None = None) -> int:
    """Audit rows are kept, without personal data: the identifier hash an old search looked for is removed
    after ``AUDIT_SEARCH_HASH_DAYS`` (the row still says who searched, when, and for what kind of identifier)."""
    now = now or timezone.now()
    limit = now - timedelta(days=int(getattr(settings, "AUDIT_SEARCH_HASH_DAYS", 365)))
    rows = AuditEntry.objects.filter(action=AuditEntry.Action.SEARCH, at__lt=limit).exclude(details__hash="")
    count = 0
    for entry in rows.filter(details__has_key="hash").iterator():
        entry.details = {**entry.details, "hash": ""}
        entry.save(update_fields=["details"])
        count += 1
    return count


def run_retention(*, now: datetime | None = None) -> dict[str, int]:
    """The daily retention run: every kind of personal record past its period, per country where the
    record has one. Returns, logs (counts only) and audits what it anonymised."""
    now = now or timezone.now()
    cases, people_with_cases = anonymise_expired_cases(now=now)
    report = {
        "cases": cases,
        "people_with_cases": people_with_cases,
        "people_without_cases": anonymise_people_without_cases(now=now),
        "messages": purge_old_messages(now=now),
        "audit_search_hashes": forget_old_search_hashes(now=now),
        # the other apps' records (training participants): privacy.retention
        **retention.run_registered(now),
    }
    logger.info("retention run %s", " ".join(f"{k}={v}" for k, v in report.items()))
    AuditEntry.objects.create(
        user=None, action=AuditEntry.Action.ANONYMISE, object_type="retention_run", details=report
    )
    return report


def export_person_data(*, person: Person, by: Any) -> dict:
    """Everything held on one person (subject access), as plain data; the export itself is audited."""

    data = person_data(person)
    data["messages"] = messages_for_addressee(person, addresses=_addresses(person))
    data.update(subject_access.collect(person))  # the other apps' records about the person (handovers)
    record_audit(user=by, action=AuditEntry.Action.EXPORT, obj=person, details={"kind": "subject_access"})
    return data
