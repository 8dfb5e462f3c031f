"""One taxonomy of sex for people assisted and people trained: "not stated" is one row of a breakdown."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps

from cases.models import Consultation
from dashboards import figures, rollups
from dashboards.models import DailyFact
from tests.training.factories import ParticipantFactory
from training.models import Enrolment, Participant

from .conftest import MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def not_stated(world, window_cr, staff_cr):
    """Ten consultations and ten people trained in March whose sex is not stated (ten: a count that is always
    shown as it is), and two more women trained, so that no figure of the sex column of people trained is
    small enough to be hidden."""
    for _n in range(2):
        participant = ParticipantFactory(sector="media", country=window_cr.country, sex="female")
        Enrolment.objects.create(session=world["session"], participant=participant, status="completed")
    for n in range(10):
        Consultation.objects.create(window=window_cr, date=date(2025, 3, 3 + n), sex="unknown", recorded_by=staff_cr)
        participant = ParticipantFactory(sector="media", country=window_cr.country, sex="unknown")
        Enrolment.objects.create(session=world["session"], participant=participant, status="completed")
    rollups.rebuild()


def test_a_consultation_and_a_completion_not_stated_share_one_row(not_stated, officer_cr_client, cr):
    found = figures.grouped(["consultations", "trained"], [cr.pk], date(2025, 3, 1), date(2025, 4, 1), by="sex")
    assert found["consultations"] == {"female": 4, "male": 3, "unknown": 10}
    assert found["trained"] == {"female": 5, "unknown": 10}
    table = officer_cr_client.get("/en/staff/dashboards/cr/", {**MARCH, "by": "sex"}).context["breakdown"]
    labels = [row.label for row in table.rows]
    assert labels.count("Not stated") == 1
    assert "Prefers not to say" not in labels
    row = table.rows[labels.index("Not stated")]
    assert row.cells[table.column_keys.index("consultations")] == 10
    assert row.cells[table.column_keys.index("trained")] == 10


def test_the_migrations_turn_undisclosed_into_not_stated_in_records_and_roll_ups(not_stated, cr):
    """Training's former "prefers not to say" (undisclosed) becomes the shared "not stated"."""
    Participant.objects.filter(sex="unknown").update(sex="undisclosed")
    rollups.rebuild()
    assert DailyFact.objects.filter(dimension="sex", value="undisclosed").exists()
    importlib.import_module("training.migrations.0004_shared_sex").undisclosed_to_unknown(apps, None)
    importlib.import_module("dashboards.migrations.0003_sex_not_stated_in_rollups").undisclosed_to_unknown(apps, None)
    assert Participant.objects.filter(sex="unknown").count() == 10
    assert not DailyFact.objects.filter(dimension="sex", value="undisclosed").exists()
    found = figures.grouped(["consultations", "trained"], [cr.pk], date(2025, 3, 1), date(2025, 4, 1), by="sex")
    assert found["trained"]["unknown"] == 10
    assert found["consultations"]["unknown"] == 10
