"""The "people trained" figures: completions and unique people by country, sector, sex and period."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from training import selectors, services
from training.models import Enrolment, Session, Status

from .conftest import person
from .factories import SessionFactory

pytestmark = pytest.mark.django_db


def completed(session, cr, n, **overrides):
    participant = services.get_or_create_participant(person(n, cr, **overrides), update=True)
    Session.objects.filter(pk=session.pk).update(seats_taken=session.enrolments.count() + 1)
    return Enrolment.objects.create(session=session, participant=participant, status=Status.COMPLETED)


@pytest.fixture
def figures(cr, pa, trainer, other_trainer):
    """Two Costa Rican sessions of the trainer (one in 2025, one in 2026) and one Panamanian of another."""
    march = SessionFactory(country=cr, starts_on=dt.date(2025, 3, 3), ends_on=dt.date(2025, 3, 4), trainers=[trainer])
    june = SessionFactory(country=cr, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 2), trainers=[trainer])
    panama = SessionFactory(
        country=pa, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 2), trainers=[other_trainer]
    )
    completed(march, cr, 1, sector="government", sex="female")
    completed(march, cr, 2, sector="media", sex="male")
    completed(june, cr, 1, sector="government", sex="female")  # the same person again
    completed(june, cr, 3, sector="government", sex="female")
    no_show = completed(june, cr, 4, sector="government", sex="male")
    Enrolment.objects.filter(pk=no_show.pk).update(status=Status.NO_SHOW)
    completed(panama, cr, 5, sector="academia", sex="female")
    return march, june, panama


def test_people_trained_counts_completions_and_unique_people(figures):
    result = selectors.people_trained(selectors.completed_enrolments(Enrolment.objects.all()))
    assert result["totals"] == {"completions": 5, "people": 4}
    rows = {
        (r["session__country__code"], r["participant__sector"], r["participant__sex"]): (r["completions"], r["people"])
        for r in result["rows"]
    }
    assert rows[("CR", "government", "female")] == (3, 2)
    assert rows[("CR", "media", "male")] == (1, 1)
    assert rows[("PA", "academia", "female")] == (1, 1)
    assert ("CR", "government", "male") not in rows  # a no-show is not trained


def test_filters_by_period_sector_and_sex(figures, cr):
    rows = selectors.completed_enrolments(
        Enrolment.objects.all(),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        sector="government",
        sex="female",
        country=cr,
    )
    assert selectors.people_trained(rows)["totals"] == {"completions": 2, "people": 2}


def test_the_trainer_sees_the_figures_of_their_own_sessions(trainer_client, figures):
    page = trainer_client.get("/en/training/staff/people-trained/").content.decode()
    assert "4 completions, 3 people trained." in page


def test_csv_export_with_filters(trainer_client, figures):
    response = trainer_client.get("/en/training/staff/people-trained/", {"start": "2026-01-01", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Country", "Sector", "Sex", "Completions", "People trained"]
    assert ["Costa Rica", "Local and national governments", "Female", "2", "2"] in rows
    assert rows[-1] == ["Total", "", "", "2", "2"]


def test_xlsx_export(trainer_client, figures):
    response = trainer_client.get("/es/training/staff/people-trained/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "País"
    assert values[-1][3:] == (4, 3)


def test_a_bad_period_is_kept_on_the_form_and_nothing_exported(trainer_client, figures):
    response = trainer_client.get(
        "/en/training/staff/people-trained/", {"start": "2026-06-01", "end": "2026-01-01", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/html")
    assert "must not be before its start" in response.content.decode()
    assert 'value="2026-06-01"' in response.content.decode()


def test_exports_refuse_post(trainer_client, db):
    assert trainer_client.post("/en/training/staff/people-trained/").status_code == 405
