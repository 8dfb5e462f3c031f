from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from dashboards import demo
from dashboards.models import DailyFact, Target
from dashboards.reports import SECTIONS, section
from notifications.reports import sections

pytestmark = pytest.mark.django_db


def test_the_reports_carry_the_dashboards_sections():
    names = {s.name for s in sections()}
    assert set(SECTIONS) <= names


def test_every_indicator_of_the_dashboards_summary_is_in_a_report_section():
    from dashboards import indicators

    assert {code for _title, codes in SECTIONS.values() for code in codes} == set(indicators.INDICATORS)


@translation.override("en")
def test_a_report_section_uses_the_same_figures_and_suppression(world, cr):
    rows = {str(label): value for label, value in section(SECTIONS["dashboards-regularization"][1])(
        cr, date(2025, 4, 1), date(2025, 5, 1))}  # fmt: skip
    assert rows["People regularized"] == 0  # three approvals: below 5, shown as 0 as on the dashboard
    assert rows["Median processing time (days)"] is None  # withheld: the report prints a dash and the legend
    windows = {str(label): value for label, value in section(SECTIONS["dashboards-windows"][1])(
        cr, date(2025, 3, 1), date(2025, 4, 1))}  # fmt: skip
    assert windows["Consultations"] in (0, 5, 10)


def test_the_demo_seeds_the_programme_targets_and_builds_the_rollups_twice_alike(world):
    demo.load()
    demo.load()
    regional = {t.indicator: t.value for t in Target.objects.filter(country=None, year=None)}
    assert regional == {"regularized": 15000, "trained": 52000, "beneficiaries": 1000000}
    assert DailyFact.objects.filter(indicator="consultations").exists()
