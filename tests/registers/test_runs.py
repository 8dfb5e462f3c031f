"""The run: records created through the cases services, each row once per window, interrupted runs resumed
where they stopped, undo by its author or an administrator within the set time, an audit row with the
counts, and the file's personal data encrypted while it waits and gone once imported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import AuditEntry, Case, Consent, Consultation, Person
from registers import fields as F
from registers import services
from registers.models import ImportedRow, RegisterImport
from tests.cases.factories import make_person
from tests.factories import Role, UserFactory, member

from .files import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

CONSULTATIONS = [
    ["fecha", "nacionalidad", "sexo", "edad", "canal"],
    ["2025-03-01", "Haití", "mujer", "34", "presencial"],
    ["2025-03-01", "Haití", "mujer", "34", "presencial"],  # a second, identical visit: counted too
    ["02/03/2025", "Venezuela", "hombre", "17", "teléfono"],
]
PEOPLE = [
    ["Nombres", "Apellidos", "Fecha de nacimiento", "Sexo", "Nacionalidad", "Número de documento", "Teléfono",
     "Fecha de consentimiento", "Fecha de apertura", "Servicios"],
    ["Rosa Elena", "Joseph", "1990-05-04", "F", "HT", "AB 123456", "8888 1234", "2024-11-02", "2024-11-02", "legal"],
    ["Wilner", "Pierre", "1985-01-01", "M", "HT", "", "", "2024-11-03", "", ""],
]  # fmt: skip


def imported(window, by, rows, kind=F.CONSULTATIONS) -> RegisterImport:
    register = services.upload(window=window, by=by, kind=kind, name="r.csv", content=csv_bytes(rows))
    services.save_columns(register=register, columns=register.columns)
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=by)
    services.run(register.pk)
    return RegisterImport.objects.get(pk=register.pk)


def named(given_names: str) -> Person:
    """The one person of that given name (names are encrypted: read, not filtered in SQL)."""
    (person,) = [p for p in Person.objects.all() if p.given_names == given_names]
    return person


def test_consultations_are_logged_with_their_values_and_a_second_import_adds_nothing(window_cr, staff_cr):
    register = imported(window_cr, staff_cr, CONSULTATIONS)
    assert register.counts == {"consultations": 3}
    assert sorted(Consultation.objects.values_list("date", "nationality", "sex", "age_group", "channel")) == [
        (date(2025, 3, 1), "HT", "female", "30-59", "walk_in"),
        (date(2025, 3, 1), "HT", "female", "30-59", "walk_in"),
        (date(2025, 3, 2), "VE", "male", "12-17", "phone"),
    ]
    again = imported(window_cr, staff_cr, [*CONSULTATIONS, ["2025-03-05", "Cuba", "mujer", "", ""]])
    assert again.counts == {"already_imported": 3, "consultations": 1}
    assert Consultation.objects.count() == 4


def test_each_import_is_audited_with_its_counts(window_cr, staff_cr):
    register = imported(window_cr, staff_cr, CONSULTATIONS)
    entry = AuditEntry.objects.get(object_type="registers.registerimport", action=AuditEntry.Action.CREATE)
    assert entry.user == staff_cr and entry.object_id == str(register.pk)
    assert entry.details == {"kind": "consultations", "rows": 3, "consultations": 3}


def test_people_are_registered_encrypted_with_the_consent_as_the_source_recorded_it(window_cr, staff_cr):
    register = imported(window_cr, staff_cr, PEOPLE, kind=F.PEOPLE)
    assert register.counts == {"people_created": 2, "cases_opened": 1}
    rosa = named("Rosa Elena")
    assert rosa.document_number == "AB 123456" and rosa.document_number_hash
    assert rosa.phone == "+50688881234"  # read with the window's country, as at the window
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_number, phone FROM cases_person WHERE id = %s", [rosa.pk])
        stored = cursor.fetchone()
    assert "123456" not in stored[0] and "8888" not in stored[1]
    consent = Consent.objects.get(person=rosa)
    assert consent.kind == "processing"
    assert timezone.localtime(consent.given_at, window_cr.country.zoneinfo).date() == date(2024, 11, 2)
    assert ImportedRow.objects.get(person=rosa).consent_recorded_on == date(2024, 11, 2)
    case = Case.objects.get(person=rosa)
    assert timezone.localtime(case.opened_at, window_cr.country.zoneinfo).date() == date(2024, 11, 2)
    assert case.needs == ["legal"]
    # The file waited encrypted, and nothing of it is kept once imported.
    assert register.content is None


def test_the_file_waits_encrypted(window_cr, staff_cr):
    register = services.upload(window=window_cr, by=staff_cr, kind=F.PEOPLE, name="r.csv", content=csv_bytes(PEOPLE))
    assert b"Joseph" not in bytes(RegisterImport.objects.get(pk=register.pk).content)


def test_a_row_without_consent_is_not_imported(window_cr, staff_cr):
    rows = [PEOPLE[0], ["Ana", "Ruiz", "", "F", "HT", "", "", "", "", ""]]
    register = imported(window_cr, staff_cr, rows, kind=F.PEOPLE)
    assert register.counts == {"rows_with_problems": 1}
    assert not Person.objects.exists()


def test_a_person_with_the_same_document_is_never_registered_twice(window_cr, staff_cr):
    known = make_person(window_cr, staff_cr, given_names="Rosa", family_names="Joseph", document_number="AB123456")
    register = imported(window_cr, staff_cr, PEOPLE, kind=F.PEOPLE)
    assert register.counts == {"people_found": 1, "people_created": 1, "cases_opened": 1}
    assert Case.objects.get().person == known
    assert Person.objects.count() == 2


WILNER_WITH_CASE = [*PEOPLE[2][:8], "2025-01-10", "health"]


def test_a_likely_duplicate_is_held_nothing_written_until_the_clerk_decides(window_cr, staff_cr, staff_cr_client):
    known = make_person(
        window_cr, staff_cr, given_names="Wilner", family_names="Pierre", date_of_birth=date(1985, 1, 1)
    )
    register = imported(window_cr, staff_cr, [PEOPLE[0], PEOPLE[1], WILNER_WITH_CASE], kind=F.PEOPLE)
    assert register.counts == {"people_created": 1, "cases_opened": 1, "likely_duplicates": 1}
    assert Person.objects.count() == 2 and not Case.objects.filter(person=known).exists()
    row = ImportedRow.objects.get(likely_duplicate=known)
    assert row.decision == "pending" and row.person is None and "Wilner" in row.held_data
    with connection.cursor() as cursor:
        cursor.execute("SELECT held_data FROM registers_importedrow WHERE id = %s", [row.pk])
        assert "Wilner" not in cursor.fetchone()[0]  # encrypted with the field keys
    # The same file again adds nothing, the held row included.
    again = imported(window_cr, staff_cr, [PEOPLE[0], PEOPLE[1], WILNER_WITH_CASE], kind=F.PEOPLE)
    assert again.counts == {"already_imported": 2}
    page = staff_cr_client.get(reverse("registers:duplicates", args=[register.pk]), HTTP_ACCEPT_LANGUAGE="es")
    text = page.content.decode()
    assert reverse("cases:person-detail", args=[known.pk]) in text and "Una persona nueva" in text
    assert AuditEntry.objects.filter(action="view", person_id=known.pk, details={"register_import": register.pk})

    answer = staff_cr_client.post(reverse("registers:duplicates", args=[register.pk]), {f"row_{row.pk}": "same"})
    assert answer.status_code == 302
    assert Person.objects.count() == 2  # never created twice
    case = Case.objects.get(person=known)
    assert timezone.localtime(case.opened_at, window_cr.country.zoneinfo).date() == date(2025, 1, 10)
    assert case.needs == ["health"]
    row.refresh_from_db()
    assert (row.decision, row.person, row.case, row.held_data) == ("same", known, case, "")
    register.refresh_from_db()
    assert register.counts == {"people_created": 1, "people_matched": 1, "cases_opened": 2, "likely_duplicates": 1}
    assert "2025-01-10" in register.days
    assert AuditEntry.objects.get(object_type="registers.registerimport", action="change").details == {
        "likely_duplicates": {"same": 1, "new": 0}
    }
    # Undo removes the case the decision added, never the person registered before.
    services.undo(register=register, by=staff_cr)
    assert list(Person.objects.all()) == [known] and not Case.objects.exists()


def test_held_rows_may_all_be_registered_as_new_people(window_cr, staff_cr, staff_cr_client):
    for given in ("Wilner", "Rosa Elena"):
        make_person(window_cr, staff_cr, given_names=given, family_names=given and ("Pierre" if given == "Wilner"
                    else "Joseph"), date_of_birth=date(1985, 1, 1) if given == "Wilner" else date(1990, 5, 4))  # fmt: skip
    register = imported(window_cr, staff_cr, [PEOPLE[0], PEOPLE[1], WILNER_WITH_CASE], kind=F.PEOPLE)
    assert register.counts == {"likely_duplicates": 2} and Person.objects.count() == 2
    assert staff_cr_client.post(reverse("registers:duplicates", args=[register.pk]), {"all": "new"}).status_code == 302
    assert Person.objects.count() == 4 and Case.objects.count() == 2
    new = ImportedRow.objects.get(number=2).person
    assert new.document_number == "AB 123456" and Consent.objects.get(person=new).kind == "processing"
    assert ImportedRow.objects.get(number=2).consent_recorded_on == date(2024, 11, 2)
    assert not services.pending(register).exists()
    assert staff_cr_client.get(reverse("registers:detail", args=[register.pk])).context["to_decide"] == 0


def test_only_the_window_s_writers_decide_and_only_once_the_import_is_done(window_cr, staff_cr, officer_cr):
    make_person(window_cr, staff_cr, given_names="Wilner", family_names="Pierre", date_of_birth=date(1985, 1, 1))
    register = imported(window_cr, staff_cr, [PEOPLE[0], WILNER_WITH_CASE], kind=F.PEOPLE)
    row = services.pending(register).get()
    with pytest.raises(services.RegisterError):
        services.decide(register=register, by=officer_cr, choices={row.pk: "same"})
    with pytest.raises(services.RegisterError):
        services.decide(register=register, by=staff_cr, choices={row.pk: "maybe"})
    services.undo(register=register, by=staff_cr)
    with pytest.raises(services.RegisterError):
        services.decide(register=register, by=staff_cr, choices={row.pk: "same"})
    assert Person.objects.count() == 1 and not Case.objects.exists()


def test_an_interrupted_run_resumes_after_the_last_chunk_written(window_cr, staff_cr, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    rows = [CONSULTATIONS[0]] + [[f"2025-03-{d:02d}", "HT", "mujer", "", ""] for d in range(1, 8)]
    register = services.upload(
        window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=csv_bytes(rows)
    )
    services.save_columns(register=register, columns=register.columns)
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=staff_cr)
    real, calls = case_services.log_consultations, []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("the worker stopped")
        return real(**kwargs)

    monkeypatch.setattr(case_services, "log_consultations", failing)
    with pytest.raises(ConnectionError):
        services.run(register.pk)
    register.refresh_from_db()
    assert register.status == "interrupted" and register.processed_rows == 4
    assert Consultation.objects.count() == 4  # two whole chunks; the third was rolled back
    assert services.may_resume(register)
    services.run(register.pk)
    register.refresh_from_db()
    assert register.status == "done" and register.counts == {"consultations": 7}
    assert sorted(Consultation.objects.values_list("date__day", flat=True)) == list(range(1, 8))


def test_a_large_file_runs_in_parts(window_cr, staff_cr, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 2)
    monkeypatch.setattr(services, "ROWS_PER_TASK", 4)
    from registers import tasks

    rows = [CONSULTATIONS[0]] + [[f"2025-03-{d:02d}", "HT", "mujer", "", ""] for d in range(1, 11)]
    register = services.upload(
        window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=csv_bytes(rows)
    )
    services.save_columns(register=register, columns=register.columns)
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=staff_cr)
    parts = []
    real = services.run
    monkeypatch.setattr(services, "run", lambda pk: parts.append(real(pk)) or parts[-1])
    tasks.run_import.delay(register.pk)  # eager in tests: each part queues the next
    assert parts == ["more", "more", "done"]
    assert Consultation.objects.count() == 10


def test_undo_removes_what_the_import_created_within_the_set_time(window_cr, staff_cr, staff_cr_client, settings):
    settings.REGISTER_IMPORT_UNDO_HOURS = 24
    register = imported(window_cr, staff_cr, PEOPLE, kind=F.PEOPLE)
    imported(window_cr, staff_cr, CONSULTATIONS)
    colleague = UserFactory()
    member(colleague, Role.WINDOW_STAFF, window=window_cr)
    with pytest.raises(services.RegisterError):
        services.undo(register=register, by=colleague)  # neither its author nor an administrator
    with time_machine.travel(timezone.now() + timedelta(hours=25)), pytest.raises(services.RegisterError):
        services.undo(register=register, by=staff_cr)
    assert Person.objects.count() == 2
    answer = staff_cr_client.post(reverse("registers:undo", args=[register.pk]))
    assert answer.status_code == 302
    assert not Person.objects.exists() and not Case.objects.exists()
    assert Consultation.objects.count() == 3  # the other import stays
    register.refresh_from_db()
    assert register.status == "undone"
    entry = AuditEntry.objects.get(object_type="registers.registerimport", action=AuditEntry.Action.ERASE)
    assert entry.details == {
        "undone": {"consultations": 0, "cases": 1, "people": 2, "kept": 0, "consultations_kept": 0, "cases_kept": 0,
                   "people_kept": 0}
    }  # fmt: skip
    # Undone, the same file can come in again.
    assert imported(window_cr, staff_cr, PEOPLE, kind=F.PEOPLE).counts["people_created"] == 2


def test_an_administrator_may_undo_an_import(window_cr, staff_cr):
    admin = UserFactory(is_superuser=True, is_staff=True)
    member(admin, Role.ADMINISTRATOR)
    register = imported(window_cr, staff_cr, CONSULTATIONS)
    services.undo(register=register, by=admin)
    assert not Consultation.objects.exists()


def test_a_file_never_confirmed_is_forgotten_by_the_retention_run(window_cr, staff_cr):
    from privacy import retention

    waiting = services.upload(window=window_cr, by=staff_cr, kind=F.PEOPLE, name="r.csv", content=csv_bytes(PEOPLE))
    done = imported(window_cr, staff_cr, CONSULTATIONS)
    assert retention.run_registered(timezone.now() + timedelta(days=6))["register_files"] == 0
    assert retention.run_registered(timezone.now() + timedelta(days=8))["register_files"] == 1
    assert list(RegisterImport.objects.values_list("pk", flat=True)) == [done.pk]
    assert waiting.pk != done.pk


def test_a_row_held_and_never_decided_is_forgotten_by_the_retention_run(window_cr, staff_cr):
    from privacy import retention

    make_person(window_cr, staff_cr, given_names="Wilner", family_names="Pierre", date_of_birth=date(1985, 1, 1))
    register = imported(window_cr, staff_cr, [PEOPLE[0], PEOPLE[1], WILNER_WITH_CASE], kind=F.PEOPLE)
    assert retention.run_registered(timezone.now() + timedelta(days=29))["register_held_rows"] == 0
    assert retention.run_registered(timezone.now() + timedelta(days=31))["register_held_rows"] == 1
    assert not services.pending(register).exists() and ImportedRow.objects.count() == 1


def test_a_process_reaches_the_stage_the_register_gives_through_the_cases_services(window_cr, staff_cr, cr):
    from cases.models import RegularizationProcess
    from tests.cases.factories import pathway_with_documents

    pathway_with_documents(country=cr, slug="residencia-temporal", name="Residencia temporal")
    rows = [
        [*PEOPLE[0], "Trámite", "Etapa", "Fecha de la etapa", "Tipo de permiso"],
        [*PEOPLE[1], "Residencia temporal", "Aprobado", "2025-02-10", "Residencia temporal"],
        ["Luis", "Díaz", "", "M", "CU", "", "", "2024-12-01", "2024-12-01", "", "residencia-temporal", "submitted", "2024-12-15", ""],
        ["Ana", "Ruiz", "", "F", "CU", "", "", "2024-12-01", "2024-12-01", "", "residencia-temporal", "Approved", "2025-01-15", ""],
    ]  # fmt: skip
    register = imported(window_cr, staff_cr, rows, kind=F.PEOPLE)
    assert register.counts == {"people_created": 2, "cases_opened": 2, "rows_with_problems": 1}  # approved, no permit
    approved = RegularizationProcess.objects.get(case__person=named("Rosa Elena"))
    assert (approved.stage, approved.started_at, approved.submitted_at, approved.decided_at) == (
        "approved", date(2024, 11, 2), date(2025, 2, 10), date(2025, 2, 10),
    )  # fmt: skip
    assert approved.permit_type == "Residencia temporal"
    assert RegularizationProcess.objects.get(case__person=named("Luis")).stage == "submitted"
    services.undo(register=register, by=staff_cr)
    assert not RegularizationProcess.objects.exists()
