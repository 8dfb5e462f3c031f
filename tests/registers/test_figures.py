"""A register import shows on the dashboards as it goes and at its end, without waiting for the beat's
refresh: each telling recomputes only the days its records count on, and the figures equal a full rebuild.
Undo brings them back the same way."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from dashboards import rollups
from dashboards.models import DailyFact
from registers import fields as F
from registers import services, signals
from registers.models import RegisterImport

from .test_runs import PEOPLE, imported
from .test_undo import figures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

VISITS = [
    ["fecha", "nacionalidad", "sexo", "edad", "canal"],
    ["2025-03-01", "Haití", "mujer", "34", "presencial"],
    ["2025-03-01", "Venezuela", "hombre", "40", "presencial"],
    ["2025-03-02", "Cuba", "mujer", "22", "teléfono"],
    ["2025-04-10", "Haití", "hombre", "51", "presencial"],
]


def consultations_on(country, day: date) -> int:
    """The dashboards' count of consultations that day in the country (every window, no breakdown)."""
    rows = DailyFact.objects.filter(country=country, day=day, indicator="consultations", dimension="")
    return sum(rows.values_list("count", flat=True))


def test_a_large_import_shows_chunk_by_chunk_and_at_its_end_and_equals_a_rebuild(window_cr, staff_cr, cr, monkeypatch):
    rollups.refresh_changed()  # the dashboards are up to date; the beat does not run again in this test
    before = figures(cr)
    monkeypatch.setattr(services, "CHUNK", 2)
    monkeypatch.setattr(services, "TELL_EVERY", services.timedelta(0))
    told = []

    def watch(sender, *, country_id, days, final, **kwargs):
        # Connected after the dashboards' receiver: what a reader of the dashboards sees at each telling.
        status = RegisterImport.objects.values_list("status", flat=True).get()
        told.append(
            (days, final, status, consultations_on(cr, date(2025, 3, 1)), consultations_on(cr, date(2025, 4, 10)))
        )

    signals.days_changed.connect(watch)
    try:
        register = imported(window_cr, staff_cr, VISITS)
    finally:
        signals.days_changed.disconnect(watch)

    # The first chunk (two visits of 1 March) was on the dashboards while the run went on; the rest at its end.
    assert told[0] == ({date(2025, 3, 1)}, False, "running", 2, 0)
    assert told[-1][1:] == (True, "done", 2, 1)
    # Only the days the import wrote were recomputed.
    assert set().union(*(days for days, *_rest in told)) == {date(2025, 3, 1), date(2025, 3, 2), date(2025, 4, 10)}
    after = figures(cr)
    assert after != before
    call_command("rebuild_rollups", verbosity=0)
    assert figures(cr) == after

    services.undo(register=register, by=staff_cr)
    assert consultations_on(cr, date(2025, 3, 1)) == 0
    assert figures(cr) == before


def test_people_cases_and_decisions_show_at_once_and_equal_a_rebuild(window_cr, staff_cr, cr):
    from cases.models import Case

    rollups.refresh_changed()
    before = figures(cr)
    imported(window_cr, staff_cr, PEOPLE, kind=F.PEOPLE)
    assert Case.objects.count() == 1
    after = figures(cr)
    assert after != before
    call_command("rebuild_rollups", verbosity=0)
    assert figures(cr) == after


def test_an_import_goes_on_when_the_dashboards_cannot_be_told(window_cr, staff_cr, caplog):
    def broken(sender, **kwargs):
        raise ConnectionError("broker out of reach")

    signals.days_changed.connect(broken)
    try:
        register = imported(window_cr, staff_cr, VISITS)
    finally:
        signals.days_changed.disconnect(broken)
    assert (register.status, register.counts) == ("done", {"consultations": 4})
    assert "broker out of reach" in caplog.text
