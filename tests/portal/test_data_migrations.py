"""The data migrations of issue-era rows: values encrypted with the former SECRET_KEY-derived key, free text
held in clear and phones typed by hand come out encrypted with the field keys, in E.164, with fresh hashes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import FollowUp, HouseholdMember, Person
from cases.selectors import find_people
from notifications.models import Message

BEFORE = [("cases", "0007_person_birth_index"), ("notifications", "0002_report")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_encrypted_with_the_field_keys_and_phones_normalised(window_cr, staff_cr):
    old = migrate(BEFORE)
    OldPerson = old.get_model("cases", "Person")
    person = OldPerson.objects.create(
        window_id=window_cr.pk,
        created_by_id=staff_cr.pk,
        given_names="Rosa",
        phone="8888-1234",
        document_number="CR-1",
        notes="Nota de antes",
        phone_hash="stale",
    )
    OldCase = old.get_model("cases", "Case")
    case = OldCase.objects.create(
        person_id=person.pk, window_id=window_cr.pk, opened_by_id=staff_cr.pk, opened_at="2026-01-05T10:00Z"
    )
    old.get_model("cases", "FollowUp").objects.create(
        case_id=case.pk, due_on="2026-02-01", assigned_to_id=staff_cr.pk, created_by_id=staff_cr.pk, note="Llamar"
    )
    old.get_model("cases", "HouseholdMember").objects.create(
        person_id=person.pk, relationship="child", given_names="Ana"
    )
    old.get_model("notifications", "Message").objects.create(
        key="k1",
        kind="x",
        channel="sms",
        recipient="+50688881234",
        language="es",
        template="t",
        due_at="2026-02-01T10:00Z",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, phone FROM cases_person WHERE id = %s", [person.pk])
        legacy_notes, _legacy_phone = cursor.fetchone()
    assert "Nota" not in legacy_notes  # encrypted, but with the key derived from SECRET_KEY

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    migrated = Person.objects.get(pk=person.pk)
    assert (migrated.phone, migrated.notes, migrated.document_number) == ("+50688881234", "Nota de antes", "CR-1")
    assert [m.person for m in find_people(staff_cr, phone="+506 8888 1234")] == [migrated]
    assert FollowUp.objects.get().note == "Llamar"
    assert HouseholdMember.objects.get().given_names == "Ana"
    assert Message.objects.get().recipient == "+50688881234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_followup")
        assert "Llamar" not in cursor.fetchone()[0]
        cursor.execute("SELECT given_names FROM cases_householdmember")
        assert "Ana" not in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_names_held_in_clear_come_out_encrypted_with_tokens_and_go_back_in_clear(window_cr, staff_cr):
    """Migration cases.0018: the names are encrypted, their tokens computed, the clear name key gone; the
    search by name finds the person misspelt as before. Unapplied, the names are clear again with their key."""
    before = [("cases", "0017_fee_not_negative")]
    old = migrate(before)
    person = old.get_model("cases", "Person").objects.create(
        window_id=window_cr.pk,
        created_by_id=staff_cr.pk,
        given_names="Wilner",
        family_names="Joseph Étienne",
        name_key="etienne joseph wilner",
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, family_names FROM cases_person WHERE id = %s", [person.pk])
        raw = " ".join(cursor.fetchone()).lower()
        columns = [c.name for c in connection.introspection.get_table_description(cursor, "cases_person")]
    assert "wilner" not in raw and "joseph" not in raw and "etienne" not in raw
    assert "name_key" not in columns and "name_words" not in columns
    migrated = Person.objects.get(pk=person.pk)
    assert (migrated.given_names, migrated.family_names) == ("Wilner", "Joseph Étienne")
    assert [m.person for m in find_people(staff_cr, names="Etienne Jozef Wilnre")] == [migrated]

    migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, family_names, name_key FROM cases_person WHERE id = %s", [person.pk])
        assert cursor.fetchone() == ("Wilner", "Joseph Étienne", "etienne joseph wilner")
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
