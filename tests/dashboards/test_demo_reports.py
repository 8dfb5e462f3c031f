"""The demo's stored reports: built from the roll-ups, and equal to the dashboard of their place and period."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from dashboards import indicators, tables
from notifications.models import Report
from notifications.reports import HIDDEN
from tests.factories import Role, UserFactory, member
from ventanillas.models import Country

pytestmark = pytest.mark.django_db


def report_rows(report: Report) -> list[list]:
    with report.xlsx.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def shown(cell):
    return HIDDEN if cell is None else cell


def test_every_stored_report_of_the_demo_equals_the_dashboard_of_its_place_and_period(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # loading again builds no new version
    reader = UserFactory(username="regional_reader")
    member(reader, Role.REGIONAL_OFFICER)
    client = Client()
    client.force_login(reader)
    reports = list(Report.objects.select_related("country"))
    assert {r.kind for r in reports} == {Report.Kind.MONTHLY, Report.Kind.QUARTERLY}
    assert all(r.version == 1 for r in reports)
    compared = 0
    for report in reports:
        assert report.status == Report.Status.READY
        rows = report_rows(report)
        values = {row[0]: row[1:] for row in rows if row}
        kind = "month" if report.kind == Report.Kind.MONTHLY else "quarter"
        place = report.country.slug if report.country_id else "region"
        page = client.get(f"/{report.language}/staff/dashboards/{place}/",
                          {"period": kind, "on": report.period_start.isoformat()})  # fmt: skip
        assert page.status_code == 200
        with translation.override(report.language):
            summary = {str(indicators.get(row.key).name): shown(row.cells[0]) for row in page.context["summary"].rows}
            for label, value in summary.items():
                assert values[label] == [value], (report, label)
                compared += 1
            assert any(isinstance(v, int) and v > 0 for v in summary.values()), "the demo report reads all zeros"
            if report.country_id is None:
                comparison = page.context["comparison"]
                start = rows.index([gettext("Country"), *comparison.columns])
                body = rows[start + 1 : start + 1 + len(comparison.rows) + 1]
                expected = [[row.label, *map(shown, row.cells)] for row in [*comparison.rows, comparison.total]]
                assert body == expected
                names = [c.name for c in tables.country_order(Country.objects.all())]
                assert [row.label for row in comparison.rows] == names
    assert compared >= 2 * len(indicators.INDICATORS)
