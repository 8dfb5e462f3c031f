"""Undo puts a window back as it was before the import: what the import (and the decisions on its likely
duplicates) wrote is removed, nothing else is, and the roll-ups of the days it touched come back to the
figures they had before."""

from __future__ import annotations

from datetime import date

import pytest

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
