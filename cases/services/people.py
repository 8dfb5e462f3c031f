"""People: registering and correcting a person, their household, consent, and merging duplicates."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpers.idempotency import once
from notifications import stoplist
from notifications.services import cancel_for_addressee
from ventanillas.models import InformationWindow

from ..models import (
    AuditEntry,
    CaseStatus,
    Consent,
    ConsentKind,
    HouseholdMember,
    Person,
    PersonVulnerability,
    TimelineEntry,
)
from ..rules import (
    CHANNEL_CONSENT,
    CONTACT_CHANNELS,
    PERSON_FIELDS,
    age_group_for,
    has_consent,
    parse_phone,
    person_hashes,
)
from .common import CaseError, _idempotent_create, _lock, _timeline, record_audit
from .rights import blank_merged


def _apply_person_data(person: Person, data: dict) -> list[str]:
    changed = []
    for field in PERSON_FIELDS:
        if field in data and getattr(person, field) != data[field]:
            setattr(person, field, data[field])
            changed.append(field)
    if person.document_country:
        # A country chosen from the list replaces what was recorded before the list existed.
        person.document_country_as_recorded = ""
    if data.get("date_of_birth") and data["date_of_birth"] > timezone.localdate():
        raise CaseError(_("The date of birth cannot be in the future."), field="date_of_birth")
    region = person.window.country.code
    for field in ("phone", "whatsapp"):
        value = getattr(person, field) or ""
        if value:
            e164 = parse_phone(value, region)
            if e164 is None:
                raise CaseError(
                    _("This is not a phone number we can read: write it with its country code (+%(code)s).")
                    % {"code": phonenumbers.country_code_for_region(region)},
                    field=field,
                )
            setattr(person, field, e164)
    for name, value in person_hashes(person).items():
        setattr(person, name, value)
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
    consent_given_at: datetime | None = None,
) -> tuple[Person, bool]:
    """Register a person at a window, with their vulnerabilities and the consents they gave now.

    When the legal basis is consent, consent to processing is required. Returns (person, created).
    ``consent_given_at``: when the consents were given, for a record brought in from an earlier register
    (the consent as the register recorded it); now by default.
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
                person=person,
                kind=kind,
                given_at=consent_given_at or timezone.now(),
                notice_language=language,
                recorded_by=by,
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
def add_household_member(
    *, person: Person, by: Any, data: dict, form_token: uuid.UUID | None = None
) -> HouseholdMember:
    """Add a member of the person's household; written to the audit log and the open cases' timelines.
    One member per ``form_token``: the same form sent twice adds one."""
    person = _lock(person)
    _require_not_erased(person)

    def create() -> HouseholdMember:
        member = HouseholdMember.objects.create(person=person, **{f: data[f] for f in HOUSEHOLD_FIELDS if f in data})
        _household_timeline(person, by, "added", member)
        record_audit(user=by, action=AuditEntry.Action.CREATE, obj=member, person_id=person.pk)
        return member

    return once(form_token, HouseholdMember, create)[0]


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
    # Consent given again at the window lifts a STOP the person's number sent on that channel.
    for channel, field, kind in CONTACT_CHANNELS:
        if channel in stoplist.STOPPABLE and kind in [c.kind for c in rows] and getattr(person, field):
            stoplist.lift(channel, getattr(person, field))
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
    # Messages already queued on a channel this consent allowed are cancelled now (the dispatcher would
    # also refuse them when sending); without consent to processing, nothing more is sent at all.
    channels = None if kind == ConsentKind.PROCESSING else [c for c, k in CHANNEL_CONSENT.items() if k == kind]
    cancelled = cancel_for_addressee(person, channels=channels, reason="consent withdrawn") if channels != [] else 0
    record_audit(
        user=by,
        action=AuditEntry.Action.CHANGE,
        obj=person,
        details={"consent_withdrawn": kind, "messages_cancelled": cancelled},
    )


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
    # The duplicate keeps no copy: blanked as an erasure, only the pointer to ``keep`` stays.
    blank_merged(duplicate=duplicate, keep=keep)
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
    record_audit(
        user=by, action=AuditEntry.Action.MERGE, obj=duplicate, details={"merged_into": keep.pk, "blanked": True}
    )
    return keep
