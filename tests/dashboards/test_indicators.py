"""Each indicator against the figures counted by hand in conftest.py, read from the roll-ups."""

from __future__ import annotations

from datetime import date

import pytest

from dashboards import figures, indicators
from dashboards.figures import Stat, percentile

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 4, 1))
APRIL = (date(2025, 4, 1), date(2025, 5, 1))


def test_each_indicator_of_march_matches_the_hand_count(world, cr):
    found = figures.totals(indicators.INDICATORS, [cr.pk], *MARCH)
    assert found["consultations"] == 7
    assert found["cases_opened"] == 7  # the case opened at 23:30 on 31 March, local time, is March's
    assert found["cases_closed"] == 2
    assert found["people_assisted"] == 7
    assert found["processes_started"] == 6
    assert found["processes_submitted"] == 5
    assert found["regularized"] == 0
    assert found["processes_denied"] == 0
    assert found["referrals"] == 2
    assert found["enrolled"] == 4
    assert found["trained"] == 3
    assert found["sessions_held"] == 1
    assert found["beneficiaries"] == 7 + 7 + 3
    assert found["processing_median"] == Stat(None, 0)


def test_decisions_and_processing_times_fall_in_april(world, cr):
    found = figures.totals(indicators.INDICATORS, [cr.pk], *APRIL)
    assert found["consultations"] == 2
    assert found["regularized"] == 3
    assert found["processes_denied"] == 1
    assert found["cases_opened"] == 0
    # Three approvals after 30 days and a denial after 41: median 30, 90th percentile 41, four decisions.
    assert found["processing_median"] == Stat(30, 4)
    assert found["processing_p90"] == Stat(41, 4)
    # People assisted in April: the four whose application was decided.
    assert found["people_assisted"] == 4


def test_breakdowns_follow_the_records(world, cr, window_cr):
    by_sex = figures.grouped(["consultations", "cases_opened"], [cr.pk], *MARCH, by="sex")
    assert by_sex["consultations"] == {"female": 4, "male": 3}
    assert by_sex["cases_opened"] == {"female": 4, "male": 3}
    by_nationality = figures.grouped(["people_assisted"], [cr.pk], *MARCH, by="nationality")
    assert by_nationality["people_assisted"] == {"VE": 4, "HT": 3}
    vulnerable = figures.grouped(["cases_opened"], [cr.pk], *MARCH, by="vulnerability")
    assert vulnerable["cases_opened"] == {"disability": 1}
    by_window = figures.grouped(["consultations"], [cr.pk], date(2025, 3, 1), date(2025, 5, 1), by="window")
    assert by_window["consultations"][str(window_cr.pk)] == 7
    assert sum(by_window["consultations"].values()) == 9
    by_pathway = figures.grouped(["processes_started"], [cr.pk], *MARCH, by="pathway")
    assert by_pathway["processes_started"] == {str(world["pathway"].pk): 6}
    by_status = figures.grouped(["referrals"], [cr.pk], *MARCH, by="status")
    assert by_status["referrals"] == {"sent": 1, "accepted": 1}
    by_sector = figures.grouped(["trained", "enrolled"], [cr.pk], *MARCH, by="sector")
    assert by_sector["trained"] == {"government": 2, "media": 1}
    assert by_sector["enrolled"] == {"government": 2, "media": 2}


def test_people_are_counted_once_over_any_period(world, cr, window_cr):
    # A whole month reads the per-period table; two months are counted from the daily rows.
    assert figures.totals(["people_assisted"], [cr.pk], *MARCH)["people_assisted"] == 7
    assert figures.totals(["people_assisted"], [cr.pk], date(2025, 3, 1), date(2025, 5, 1))["people_assisted"] == 7
    quarter = figures.grouped(["people_assisted"], [cr.pk], date(2025, 1, 1), date(2025, 4, 1), by="window")
    assert quarter["people_assisted"] == {str(window_cr.pk): 7}
    assert figures.standard_period(date(2025, 1, 1), date(2026, 1, 1)) == "year"
    assert figures.standard_period(date(2025, 2, 1), date(2025, 5, 1)) == ""


def test_countries_are_kept_apart(world, cr, pa):
    assert figures.totals(["consultations"], [pa.pk], *MARCH)["consultations"] == 3
    both = figures.grouped(["consultations"], [cr.pk, pa.pk], *MARCH, by="country")["consultations"]
    assert both == {str(cr.pk): 7, str(pa.pk): 3}


def test_series_cuts_a_quarter_in_months(world, cr):
    unit, starts, values = figures.series(["consultations", "trained"], [cr.pk], date(2025, 1, 1), date(2025, 4, 1))
    assert unit == "month"
    assert starts == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert values["consultations"] == [0, 0, 7]
    assert values["trained"] == [0, 0, 3]


def test_a_month_is_cut_in_weeks_starting_on_monday():
    unit, starts = figures.bucket_starts(date(2025, 3, 1), date(2025, 4, 1))
    assert unit == "week"
    assert starts[:3] == [date(2025, 3, 1), date(2025, 3, 3), date(2025, 3, 10)]


def test_percentiles_of_a_histogram():
    assert percentile([(10, 1), (20, 1), (30, 1)], "median") == Stat(20, 3)
    assert percentile([(10, 2), (20, 2)], "median") == Stat(15, 4)
    assert percentile([(d, 1) for d in range(1, 11)], "p90") == Stat(9, 10)
    assert percentile([], "median") == Stat(None, 0)


def test_every_indicator_has_a_name_and_a_definition():
    for indicator in indicators.INDICATORS.values():
        assert str(indicator.name) and len(str(indicator.definition)) > 20
        assert set(indicator.dimensions) <= set(indicators.DIMENSIONS)
