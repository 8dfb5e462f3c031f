"""Undo puts a window back as it was before the import: what the import (and the decisions on its likely
duplicates) wrote is removed, nothing else is, and the roll-ups of the days it touched come back to the
figures they had before."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases import services as case_services
from cases.models import Case, Consultation, Person, RegularizationProcess
from dashboards import rollups
from dashboards.models import DailyFact, PeriodUnique, ProcessingFact, UniqueFact
from registers import fields as F
from registers import services
from tests.cases.factories import make_case, make_person, pathway_with_documents

from .test_runs import CONSULTATIONS, PEOPLE, imported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def figures(country) -> dict[str, list]:
    """Every roll-up row of the country and of the region, without ids: what every dashboard reads."""
    found = {}
    for model in (DailyFact, UniqueFact, ProcessingFact):
        fields = [f.name for f in model._meta.fields if f.name != "id"]
        found[model.__name__] = sorted(model.objects.filter(country=country).values_list(*fields))
    fields = [f.name for f in PeriodUnique._meta.fields if f.name != "id"]
    found["PeriodUnique"] = sorted(PeriodUnique.objects.values_list(*fields), key=str)
    return found


def test_undo_removes_only_what_the_import_wrote_and_the_figures_come_back(window_cr, staff_cr, cr):
    pathway_with_documents(country=cr, slug="residencia-temporal", name="Residencia temporal")
    # What the window had before: a consultation and a person with a case on days the import also touches.
    case_services.log_consultations(
        window=window_cr, by=staff_cr, rows=[{"date": date(2025, 3, 1), "nationality": "HT", "sex": "female"}]
    )
    wilner = make_person(
        window_cr, staff_cr, given_names="Wilner", family_names="Pierre", date_of_birth=date(1985, 1, 1)
    )
    earlier_case = make_case(window_cr, staff_cr, person=wilner)
    rollups.refresh_changed()
    before = figures(cr)
    kept = (
        set(Consultation.objects.values_list("pk", flat=True)),
        set(Person.objects.values_list("pk", flat=True)),
        set(Case.objects.values_list("pk", flat=True)),
    )

    consultations = imported(window_cr, staff_cr, CONSULTATIONS)
    rows = [
        [*PEOPLE[0], "Trámite", "Etapa", "Fecha de la etapa", "Tipo de permiso"],
        [*PEOPLE[1], "residencia-temporal", "submitted", "2024-12-15", ""],
        ["Wilner", "Pierre", "1985-01-01", "M", "HT", "", "", "2024-11-03", "2025-01-10", "", "residencia-temporal",
         "approved", "2025-02-10", "Residencia temporal"],
    ]  # fmt: skip
    people = imported(window_cr, staff_cr, rows, kind=F.PEOPLE)
    services.decide(register=people, by=staff_cr, choices={services.pending(people).get().pk: "same"})
    assert Case.objects.filter(person=wilner).count() == 2 and RegularizationProcess.objects.count() == 2
    rollups.refresh_changed()
    assert figures(cr) != before

    services.undo(register=people, by=staff_cr)
    services.undo(register=consultations, by=staff_cr)
    assert (
        set(Consultation.objects.values_list("pk", flat=True)),
        set(Person.objects.values_list("pk", flat=True)),
        set(Case.objects.values_list("pk", flat=True)),
    ) == kept
    assert list(Case.objects.filter(person=wilner)) == [earlier_case]
    assert not RegularizationProcess.objects.exists()
    rollups.refresh_changed()
    assert figures(cr) == before


STAFF_WORK = [
    ["Nombres", "Apellidos", "Fecha de nacimiento", "Sexo", "Nacionalidad", "Número de documento", "Teléfono",
     "Fecha de consentimiento", "Fecha de apertura", "Servicios"],
    ["Rosa Elena", "Joseph", "1990-05-04", "F", "HT", "AB 123456", "", "2024-11-02", "2024-11-02", "legal"],
    ["Daniela", "Castillo", "1992-02-01", "F", "VE", "CD 555111", "", "2024-11-04", "2024-11-04", "legal"],
    ["Jorge", "Morales", "1980-07-09", "M", "NI", "EF 777222", "", "2024-11-05", "2024-11-05", "legal"],
    ["Jean", "Louis", "1979-03-03", "M", "HT", "GH 999333", "", "2024-11-06", "", ""],
    ["Carmen", "Díaz", "1995-08-08", "F", "CU", "IJ 444888", "", "2024-11-07", "2024-11-07", "legal"],
]  # fmt: skip


def test_undo_keeps_the_records_staff_have_added_to_and_says_which_and_why(window_cr, staff_cr, staff_cr_client, cr):
    from cases.models import AuditEntry, FollowUp
    from registers.models import ImportedRow

    from .test_runs import named

    wilner = make_person(window_cr, staff_cr, given_names="Wilner", family_names="Pierre")
    rollups.refresh_changed()
    register = imported(window_cr, staff_cr, STAFF_WORK, kind=F.PEOPLE)
    assert register.counts["people_created"] == 5 and register.counts["cases_opened"] == 4
    rosa, daniela, jorge, jean, carmen = (named(n) for n in ("Rosa Elena", "Daniela", "Jorge", "Jean", "Carmen"))
    # Staff's work since: a follow-up on Rosa Elena's case, a note on Daniela's, a consultation on Jorge's,
    # Jean merged into the record the window had; Carmen's case is left as imported.
    case_services.plan_follow_up(
        case=rosa.cases.get(), due_on=date.today(), assigned_to=staff_cr, note="Llamar", by=staff_cr
    )
    daniela_case = daniela.cases.get()
    case_services.update_case(
        case=daniela_case, by=staff_cr, needs=["legal"], notes="Trajo el pasaporte", assigned_to=None
    )
    jorge_case = jorge.cases.get()
    (visit,) = case_services.log_consultations(
        window=window_cr, by=staff_cr, rows=[{"date": date(2025, 3, 1), "nationality": "NI"}]
    )
    visit.case = jorge_case
    visit.save(update_fields=["case"])
    case_services.merge_people(keep=wilner, duplicate=jean, by=staff_cr)
    carmen_case = carmen.cases.get()

    staff_cr_client.cookies["django_language"] = "es"
    answer = staff_cr_client.post(reverse("registers:undo", args=[register.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="es")
    page = answer.content.decode()

    # Carmen, untouched, is gone with her case; the others are kept whole, and the follow-up, the note and the
    # consultation with them.
    assert not Case.objects.filter(pk=carmen_case.pk).exists() and not Person.objects.filter(pk=carmen.pk).exists()
    assert FollowUp.objects.filter(case__person=rosa).count() == 1
    assert Case.objects.get(pk=daniela_case.pk).notes == "Trajo el pasaporte"
    assert Consultation.objects.get(pk=visit.pk).case_id == jorge_case.pk
    assert Person.objects.get(pk=jean.pk).merged_into_id == wilner.pk
    # The clerk is told, in their language, how many were kept and why, with a link to each.
    assert "4 registros importados se conservaron" in page
    assert "4 registros de esta importación se conservaron" in page and "Por qué se conservó" in page
    # Why, in the same language: the follow-up, the change of the case, the merge.
    assert all(why in page for why in ("Seguimiento programado", "Caso modificado", "fusionado con otro registro"))
    for case in (rosa.cases.get(), daniela_case, jorge_case):
        assert reverse("cases:case-detail", args=[case.pk]) in page
    assert reverse("cases:person-detail", args=[jean.pk]) in page
    # The audit row of the undo says which records were kept, by id.
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ERASE, object_type="registers.registerimport")
    assert entry.details["undone"]["kept"] == 4 and entry.details["undone"]["people"] == 1
    assert {v["case"] for v in entry.details["kept"].values()} == {
        rosa.cases.get().pk,
        daniela_case.pk,
        jorge_case.pk,
        None,
    }
    # The kept rows keep their fingerprints: the same file again writes only Carmen anew.
    assert ImportedRow.objects.filter(register_import=register).count() == 4
    again = imported(window_cr, staff_cr, STAFF_WORK, kind=F.PEOPLE)
    assert again.counts == {"already_imported": 4, "people_created": 1, "cases_opened": 1}
