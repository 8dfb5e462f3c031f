"""A merge leaves no copy and an erasure reaches every copy: the duplicate is blanked at the merge (only the
pointer stays), its messages follow the record kept, and erasing the kept person also erases every record
merged into them and forgets the identifier searches that found them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import AuditEntry, Person
from cases.selectors import find_people
from notifications.models import Message
from notifications.services import enqueue
from privacy import crypto
from tests.cases.factories import make_case, make_person

pytestmark = pytest.mark.django_db


def _raw_person(pk: int) -> dict:
    """The row as the database holds it (what a dump shows), not as the model decrypts it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_names, family_names, name_tokens, phone, phone_hash, whatsapp, whatsapp_hash, email, "
            "document_number, document_number_hash, notes, date_of_birth, merged_into_id FROM cases_person "
            "WHERE id = %s",
            [pk],
        )
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _duplicate(window, staff):
    return make_person(
        window,
        staff,
        given_names="Yolanda",
        family_names="Quispe Mamani",
        date_of_birth=date(1988, 4, 2),
        phone="+506 7111 2222",
        whatsapp="+506 7111 3333",
        email="yolanda@example.org",
        document_number="Q998877",
        notes="Vive en La Carpio",
        consents=("processing", "contact_phone"),
    )


def test_a_merged_duplicate_keeps_only_its_pointer(window_cr, staff_cr):
    keep = make_person(window_cr, staff_cr, given_names="Yolanda", family_names="Quispe", phone="+50670001111")
    duplicate = _duplicate(window_cr, staff_cr)
    queued = enqueue(
        kind="appointment_reminder",
        channel="sms",
        recipient="+50671112222",
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "x"},
        due_at=timezone.now() + timedelta(days=1),
        addressee=duplicate,
    )
    services.merge_people(keep=keep, duplicate=duplicate, by=staff_cr)
    row = _raw_person(duplicate.pk)
    assert row["merged_into_id"] == keep.pk
    assert crypto.decrypt(row["given_names"]) == "—" and row["family_names"] == "" and not row["name_tokens"]
    assert not any(row[f] for f in ("phone", "phone_hash", "whatsapp", "whatsapp_hash", "email", "notes"))
    assert not row["document_number"] and not row["document_number_hash"] and row["date_of_birth"] is None
    # What the kept record lacked came over; the duplicate's message now names the kept record.
    keep.refresh_from_db()
    assert keep.document_number == "Q998877" and keep.email == "yolanda@example.org"
    queued.refresh_from_db()
    assert queued.addressee == f"cases.person:{keep.pk}" and queued.recipient == "+50671112222"
    assert [m.person for m in find_people(staff_cr, names="Yolanda Quispe")] == [keep]
    assert AuditEntry.objects.filter(action="merge", person_id=duplicate.pk, details__blanked=True).exists()


def test_erasing_the_kept_person_erases_every_record_merged_into_them(window_cr, staff_cr, admin_user):
    keep = make_person(window_cr, staff_cr, given_names="Yolanda", family_names="Quispe", phone="+50670001111")
    make_case(window_cr, staff_cr, person=keep)
    duplicate = _duplicate(window_cr, staff_cr)
    # A record merged before duplicates were blanked: it still holds its data.
    old = make_person(window_cr, staff_cr, given_names="Yoli", family_names="Kispe", phone="+50672223333")
    Person.objects.filter(pk=old.pk).update(merged_into=duplicate)
    services.merge_people(keep=keep, duplicate=duplicate, by=staff_cr)
    # Identifier searches that found them keep the hash of what was searched until the erasure.
    services.audit_identifier_search(user=staff_cr, phone="+50672223333", found=[old.pk])
    services.audit_identifier_search(user=staff_cr, phone="+50670001111", found=[keep.pk])
    services.audit_identifier_search(user=staff_cr, phone="+50679999999", found=[])
    to_keep = enqueue(
        kind="appointment_reminder",
        channel="email",
        recipient="yolanda@example.org",
        language="es",
        template="statuscheck/messages/answer",
        context={"text": "Cita"},
        addressee=keep,
    )

    services.erase_person(person=keep, by=admin_user)

    for pk in (keep.pk, duplicate.pk, old.pk):
        row = _raw_person(pk)
        assert crypto.decrypt(row["given_names"]) == "—" and not row["family_names"] and not row["name_tokens"]
        assert not row["phone"] and not row["phone_hash"] and not row["email"] and not row["document_number"]
    old.refresh_from_db()
    assert old.anonymised_at is not None and old.merged_into_id == duplicate.pk
    searches = AuditEntry.objects.filter(action="search").order_by("pk")
    assert [bool(e.details["hash"]) for e in searches] == [False, False, True]
    to_keep.refresh_from_db()
    assert to_keep.purged_at is not None and to_keep.recipient == ""
    assert AuditEntry.objects.filter(action="erase", person_id=old.pk, details__merged_into=keep.pk).exists()
    erase = AuditEntry.objects.get(action="erase", person_id=keep.pk)
    assert erase.details["merged_records"] == 2 and erase.details["searches_forgotten"] == 2
    assert not Message.objects.filter(recipient_hash__gt="", addressee=f"cases.person:{keep.pk}").exists()
