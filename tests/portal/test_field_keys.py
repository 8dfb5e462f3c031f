"""Personal data at rest: encrypted with the portal's own field keys (not SECRET_KEY), rotated by a command
that re-encrypts every field and recomputes every keyed hash, and read back in full afterwards."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import Appointment, Case, FollowUp, HouseholdMember, Person, Referral, RegularizationProcess
from cases.selectors import find_people
from notifications.models import Message
from notifications.services import enqueue
from privacy import crypto, rotation
from tests.cases.factories import make_case, make_person, pathway_with_documents
from ventanillas.models import PartnerOrganisation

pytestmark = pytest.mark.django_db

OLD, NEW = "tests-only-field-key", Fernet.generate_key().decode()


def raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names from the test
        return cursor.fetchone()[0]


@pytest.fixture
def filled(window_cr, staff_cr, cr):
    """One of every record that holds encrypted text or a keyed hash."""
    person = make_person(
        window_cr,
        staff_cr,
        consents=("processing", "share_partners", "contact_phone"),
        document_number="CR-77001",
        phone="8888 1234",
        whatsapp="+506 8777 0000",
        email="rosa@example.org",
        notes="Llegó con su hija",
    )
    services.add_household_member(person=person, by=staff_cr, data={"relationship": "child", "given_names": "Lucía"})
    case = make_case(window_cr, staff_cr, person=person, notes="Busca trabajo en Upala")
    process = services.start_process(case=case, pathway=pathway_with_documents(country=cr), by=staff_cr)
    RegularizationProcess.objects.filter(pk=process.pk).update(permit_number="DIMEX-555")
    services.book_appointment(
        process=process,
        at=timezone.now() + timedelta(days=5),
        place="Oficina de Migración, La Uruca",
        purpose="Huellas",
        by=staff_cr,
    )
    services.plan_follow_up(
        case=case, due_on=date.today() + timedelta(days=3), assigned_to=staff_cr, note="Llamar a Rosa", by=staff_cr
    )
    partner = PartnerOrganisation.objects.create(name="Cruz Roja", country=cr)
    referral = services.refer(case=case, partner=partner, service="health", by=staff_cr)
    services.update_referral(referral=referral, status="accepted", feedback="Atendida el lunes", by=staff_cr)
    enqueue(
        kind="test.hello",
        channel="email",
        recipient="rosa@example.org",
        language="es",
        template="t",
        context={"name": "Rosa"},
        due_at=timezone.now() + timedelta(days=1),
    )
    return person


def read_everything(person_pk: int) -> dict:
    person = Person.objects.get(pk=person_pk)
    case = Case.objects.get(person=person)
    return {
        "person": (
            person.given_names,
            person.family_names,
            person.document_number,
            person.phone,
            person.whatsapp,
            person.email,
            person.notes,
        ),
        "household": list(HouseholdMember.objects.values_list("given_names", flat=True)),
        "case": case.notes,
        "permit": RegularizationProcess.objects.get(case=case).permit_number,
        "appointment": list(Appointment.objects.values_list("place", "purpose")),
        "follow_up": list(FollowUp.objects.values_list("note", flat=True)),
        "referral": list(Referral.objects.values_list("feedback", flat=True)),
        "message": list(Message.objects.values_list("recipient", "context")),
    }


EXPECTED = {
    "person": (
        "María José",
        "Pérez Gómez",
        "CR-77001",
        "+50688881234",
        "+50687770000",
        "rosa@example.org",
        "Llegó con su hija",
    ),
    "household": ["Lucía"],
    "case": "Busca trabajo en Upala",
    "permit": "DIMEX-555",
    "appointment": [("Oficina de Migración, La Uruca", "Huellas")],
    "follow_up": ["Llamar a Rosa"],
    "referral": ["Atendida el lunes"],
    "message": [("rosa@example.org", '{"name": "Rosa"}')],
}


def test_free_text_about_a_person_is_not_in_clear_in_the_database(filled):
    for table, column, clear in [
        ("cases_householdmember", "given_names", "Lucía"),
        ("cases_appointment", "place", "Uruca"),
        ("cases_appointment", "purpose", "Huellas"),
        ("cases_followup", "note", "Rosa"),
        ("cases_referral", "feedback", "lunes"),
        ("notifications_message", "recipient", "rosa@"),
    ]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
            values = [row[0] for row in cursor.fetchall()]
        assert values and all(clear not in value for value in values), (table, column)


def test_field_keys_do_not_depend_on_the_secret_key(filled, settings):
    before = read_everything(filled.pk)
    settings.SECRET_KEY = "a-completely-different-session-secret"
    settings.SECRET_KEY_FALLBACKS = []
    assert read_everything(filled.pk) == before == EXPECTED


def test_rotating_the_keys_reencrypts_and_rehashes_everything_and_reads_it_back(filled, settings):
    from cases.rules import people_with_number
    from notifications import stoplist

    old_phone_hash = filled.phone_hash
    stoplist.stop("whatsapp", "+50687770000")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    settings.SEARCH_HASH_KEYS = ["new-search-key", "tests-only-search-key"]
    # Mid-rotation (new keys first, rows not yet rewritten): everything reads, and search still finds.
    assert read_everything(filled.pk) == EXPECTED
    assert [m.person for m in find_people(filled.created_by, phone="+506 8888 1234")] == [filled]

    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "2", stdout=out)
    assert "100%" in out.getvalue() and "cases.Person" in out.getvalue()

    # Only the new keys now: every field reads back and every hash is the new key's.
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    settings.SEARCH_HASH_KEYS = ["new-search-key"]
    assert read_everything(filled.pk) == EXPECTED
    person = Person.objects.get(pk=filled.pk)
    assert person.phone_hash != old_phone_hash
    assert [m.person for m in find_people(filled.created_by, phone="8888 1234")] == [person]
    assert [m.person for m in find_people(filled.created_by, document_number="cr 77001")] == [person]
    # A STOP by WhatsApp still finds the person, and the stop list still holds the number.
    assert list(people_with_number("+50687770000", "whatsapp")) == [person]
    assert stoplist.is_stopped("whatsapp", "+50687770000")
    token = raw("cases_followup", "note", FollowUp.objects.get().pk)
    assert Fernet(NEW.encode()).decrypt(token.encode()).decode() == "Llamar a Rosa"

    # Queueing the same message again finds its row: the recipient digest in its key was recomputed.
    message = Message.objects.get()
    again = enqueue(
        kind="test.hello",
        channel="email",
        recipient="rosa@example.org",
        language="es",
        template="t",
        context={"name": "Rosa"},
        due_at=message.due_at,
    )
    assert again.pk == message.pk and Message.objects.count() == 1


def test_rotating_the_keys_recomputes_the_name_tokens_and_the_search_by_name_follows(filled, settings):
    old_tokens = set(Person.objects.get(pk=filled.pk).name_tokens)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    settings.SEARCH_HASH_KEYS = ["new-search-key", "tests-only-search-key"]
    # Mid-rotation the rows still hold the old key's tokens: the search looks under every key.
    assert [m.person for m in find_people(filled.created_by, names="Maira Perez")] == [filled]

    call_command("rotate_field_keys", "--no-progress", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    settings.SEARCH_HASH_KEYS = ["new-search-key"]
    person = Person.objects.get(pk=filled.pk)
    assert person.name_tokens and set(person.name_tokens).isdisjoint(old_tokens)
    assert crypto.is_current(raw("cases_person", "given_names", filled.pk))
    # Only the new key now: a misspelt, reordered name is still found, and only through the new tokens.
    assert [m.person for m in find_people(filled.created_by, names="gomez Maira Jsoe")] == [person]
    Person.objects.filter(pk=filled.pk).update(name_tokens=sorted(old_tokens))
    assert find_people(filled.created_by, names="gomez Maira Jsoe") == []


def test_an_interrupted_rotation_resumes_where_it_stopped(filled, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    steps = {step.label: step for step in rotation.passes()}
    # A first run stopped after the people: their rows are done, the rest is not.
    for pks in rotation.batches(steps["cases.Person"], 100):
        rotation.rotate_batch(steps["cases.Person"], pks)
    assert crypto.is_current(raw("cases_person", "notes", filled.pk))
    assert not crypto.is_current(raw("cases_followup", "note", FollowUp.objects.get().pk))

    out = io.StringIO()
    call_command("rotate_field_keys", "--no-progress", stdout=out)
    assert "cases.Person: 0 of 1 rows rewritten" in out.getvalue()
    assert "cases.FollowUp: 1 of 1 rows rewritten" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert read_everything(filled.pk) == EXPECTED


def test_a_value_no_key_opens_is_an_error_not_garbage(filled, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=filled.pk)


def test_the_data_migration_moves_rows_from_the_secret_key_scheme_and_encrypts_clear_text(filled, settings):
    """Rows written before the portal had keys of its own: the former library's tokens (key derived from
    SECRET_KEY and FIELD_ENCRYPTION_KEYS) and free text held in clear are both encrypted with the field keys."""
    from encrypted_fields.fields import EncryptedTextField as LegacyField

    legacy_token = LegacyField().get_prep_value("Nota antigua")
    follow_up = FollowUp.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_person SET notes = %s WHERE id = %s", [legacy_token, filled.pk])
        cursor.execute("UPDATE cases_followup SET note = %s WHERE id = %s", ["Texto en claro", follow_up.pk])
    assert rotation.convert_rows(Person, ["notes"], clear_before=False) == 1
    assert rotation.convert_rows(FollowUp, ["note"], clear_before=True) == 1
    assert Person.objects.get(pk=filled.pk).notes == "Nota antigua"
    assert FollowUp.objects.get().note == "Texto en claro"
    assert "claro" not in raw("cases_followup", "note", follow_up.pk)
    # Run again: nothing left to convert.
    assert rotation.convert_rows(Person, ["notes"], clear_before=False) == 0
