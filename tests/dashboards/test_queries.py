"""The dashboards read the roll-ups in a fixed number of queries, however many windows a country has, and a
custom period (any days, not a whole month, quarter or year) counts people from the daily roll-up, never
from the apps' own tables, with the same figures those tables give."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Consultation, RegularizationProcess
from dashboards import figures, indicators, rollups
from dashboards.indicators import UNIQUE
from dashboards.models import UniqueFact
from tests.factories import WindowFactory
from ventanillas.models import Country

from .conftest import MARCH

pytestmark = pytest.mark.django_db

PAGES = {
    "country, by window": ("/en/staff/dashboards/cr/", {**MARCH, "by": "window"}),
    "country, custom period by window": (
        "/en/staff/dashboards/cr/",
        {"period": "custom", "start": "2025-02-01", "end": "2025-04-30", "by": "window"},
    ),
    "region, a year": ("/en/staff/dashboards/region/", {"period": "year", "on": "2025-01-01", "by": "sex"}),
    "region, custom period": (
        "/en/staff/dashboards/region/",
        {"period": "custom", "start": "2025-02-01", "end": "2025-04-30", "by": "nationality"},
    ),
}


def _windows_with_consultations(country, start: int, count: int, by) -> None:
    for n in range(start, start + count):
        window = WindowFactory(country=country, name=f"Ventanilla {n}", slug=f"ventanilla-{n}", city="Liberia")
        for _ in range(10):  # ten: a count that rounds to itself, so that every window has a row
            Consultation.objects.create(window=window, date=date(2025, 3, 10 + n % 15), sex="female", recorded_by=by)


def _queries(client, path: str, params: dict) -> int:
    client.get(path, params)  # a session's first page also reads what it keeps for the next ones
    cache.clear()  # the figures from the roll-ups, not from the shared cache (see test_figure_cache.py)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    assert response.context["period"] is not None
    return len(queries)


def test_a_dashboard_reads_as_many_queries_with_fifty_windows_as_with_five(
    world, cr, staff_cr, officer_cr_client, regional_client
):
    # The world has two windows in Costa Rica and one in Panama: two more make five.
    _windows_with_consultations(cr, 0, 2, staff_cr)
    rollups.rebuild()
    clients = {name: officer_cr_client if name.startswith("country") else regional_client for name in PAGES}
    few = {name: _queries(clients[name], *page) for name, page in PAGES.items()}
    _windows_with_consultations(cr, 2, 45, staff_cr)
    rollups.rebuild()
    many = {name: _queries(clients[name], *page) for name, page in PAGES.items()}
    window_rows = officer_cr_client.get(*PAGES["country, by window"]).context["breakdown"].rows
    assert len(window_rows) == 48  # San José and the 47 new windows (Upala had nobody in March)
    assert many == few, f"with 5 windows: {few}; with 50: {many}"


def _raw_people(code: str, start: date, end: date) -> int:
    """People counted once over [start, end) straight from the apps' tables, every country together."""
    days = {start + timedelta(days=n) for n in range((end - start).days)}
    people = set()
    for country in Country.objects.all():
        for source in indicators.get(code).sources:
            subjects = rollups._events(source, country, days).values_list(source.subject_field, flat=True)
            people |= {(code, subject) for subject in subjects}
    return len(people)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 3, 5), date(2025, 4, 21)),
        (date(2025, 3, 11), date(2025, 3, 16)),
        (date(2025, 2, 1), date(2025, 6, 2)),
    ],
)
def test_a_regional_custom_period_counts_people_from_the_daily_roll_up_as_the_records_do(world, start, end):
    codes = [indicator.code for indicator in indicators.INDICATORS.values() if indicator.kind == UNIQUE]
    assert figures.standard_period(start, end) == ""  # neither a month, a quarter nor a year
    with CaptureQueriesContext(connection) as queries:
        found = figures.totals(codes, None, start, end)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "dashboards_uniquefact" in read
    assert not any(table in read for table in ('"cases_', '"training_', '"statuscheck_'))
    expected = {code: _raw_people(code, start, end) for code in codes}
    assert found == expected
    assert expected["people_assisted"] > 0  # the period holds people to count


def test_a_person_helped_on_two_days_of_a_custom_period_counts_once(world):
    # Six people had a process started on 11 March, two of them a referral sent on 12 March and five a
    # process submitted on 15 March: thirteen person-days, six people.
    start, end = date(2025, 3, 11), date(2025, 3, 16)
    day_by_day = sum(
        figures.totals(["people_assisted"], None, day, day + timedelta(days=1))["people_assisted"]
        for day in (start + timedelta(days=n) for n in range((end - start).days))
    )
    assert figures.totals(["people_assisted"], None, start, end)["people_assisted"] == 6
    assert day_by_day == 13


def test_the_targets_table_reads_as_many_queries_for_many_targets_as_for_four(world, cr, officer_cr_client):
    from dashboards.models import Target

    page = ("/en/staff/dashboards/cr/", {"period": "year", "on": "2025-01-01"})
    # A count and a number of people, for the year and for the whole programme.
    for year in (2025, None):
        for code in ("consultations", "people_assisted"):
            Target.objects.create(country=cr, year=year, indicator=code, value=100)
    few = _queries(officer_cr_client, *page)
    codes = [i.code for i in indicators.counted()]
    for code in codes:
        for year in (2025, None):
            Target.objects.get_or_create(country=cr, year=year, indicator=code, defaults={"value": 100})
    many = _queries(officer_cr_client, *page)
    rows = officer_cr_client.get(*page).context["targets"].rows
    assert len(rows) == 2 * len(codes) > 4
    assert many == few, f"{few} queries with four targets, {many} with {len(rows)}"


def test_the_whole_programmes_figures_are_read_once_and_again_when_the_rollups_change(
    world, cr, officer_cr_client, window_cr, staff_cr
):
    """Counting every day since the start is the dearest read of a dashboard: it is kept until the roll-ups
    change, and never shown stale after they do."""
    from dashboards.models import Target

    Target.objects.create(country=cr, year=None, indicator="consultations", value=100)
    page = ("/en/staff/dashboards/cr/", {"period": "year", "on": "2025-01-01"})

    def achieved() -> int:
        return officer_cr_client.get(*page).context["targets"].rows[0].cells[1]

    before = achieved()  # Costa Rica's 9 consultations: 5 or 10
    with CaptureQueriesContext(connection) as queries:
        assert achieved() == before
    assert not [q for q in queries.captured_queries if "2000-01-01" in q["sql"]], "read again from the roll-ups"

    for n in range(10):
        Consultation.objects.create(window=window_cr, date=date(2025, 6, 1 + n), recorded_by=staff_cr)
    rollups.refresh_changed()
    assert achieved() > before  # 19 consultations: 15 or 20


def _synthetic_people(cr, pa, window_cr, window_cr2, window_pa) -> list[UniqueFact]:
    """Daily people rows written by hand, linked as every writer links them: person 1 in Costa Rica and in
    Panama, on the same day and on others; person 2 at two Costa Rican windows on one day; person 3 on the
    first and last day of the periods only; person 4 once with each sex value (a row per value)."""
    rows = []

    def add(country, window, day, subject, *, indicator="people_assisted", dimension="", value=""):
        rows.append(UniqueFact(country=country, window=window, day=day, indicator=indicator, dimension=dimension,
                               value=value, subject=subject))  # fmt: skip
        if not dimension:
            sex = "female" if subject % 2 else "male"
            rows.append(UniqueFact(country=country, window=window, day=day, indicator=indicator, dimension="sex",
                                   value=value or sex, subject=subject))  # fmt: skip

    for day in (date(2025, 3, 1), date(2025, 3, 10), date(2025, 3, 20)):
        add(cr, window_cr, day, 1)
        add(pa, window_pa, day, 1)
    add(pa, window_pa, date(2025, 3, 25), 1)
    add(cr, window_cr, date(2025, 3, 10), 2)
    add(cr, window_cr2, date(2025, 3, 10), 2)
    add(cr, window_cr, date(2025, 3, 15), 2)
    add(cr, window_cr, date(2025, 3, 5), 3)
    add(cr, window_cr, date(2025, 3, 25), 3)
    add(pa, window_pa, date(2025, 3, 12), 4, dimension="sex", value="female")
    add(pa, window_pa, date(2025, 3, 18), 4, dimension="sex", value="male")
    add(cr, window_cr, date(2025, 3, 12), 4, indicator="people_referred")
    UniqueFact.objects.bulk_create(rows)
    rollups.link()
    return rows


def _brute(rows, country_ids, start: date, end: date, dimension: str, by: str) -> dict[str, dict[str, int]]:
    """Distinct people per indicator and group, counted in Python from the rows."""
    people: dict[str, dict[str, set]] = {}
    for row in rows:
        if row.dimension != dimension or not start <= row.day < end:
            continue
        if country_ids is not None and row.country_id not in country_ids:
            continue
        group = {"": "", "country": str(row.country_id), "window": str(row.window_id)}.get(by, row.value)
        people.setdefault(row.indicator, {}).setdefault(group, set()).add(row.subject)
    return {code: {group: len(found) for group, found in groups.items()} for code, groups in people.items()}


@pytest.mark.parametrize("by", ["", "country", "sex", "window"])
def test_a_custom_period_counts_each_person_once_per_group_as_a_recount_does(
    cr, pa, window_cr, window_cr2, window_pa, by
):
    rows = _synthetic_people(cr, pa, window_cr, window_cr2, window_pa)
    codes = ["people_assisted", "people_referred"]
    dimension = "sex" if by == "sex" else ""
    scopes = [None, [cr.pk, pa.pk], [cr.pk], [pa.pk]]
    days = [date(2025, 2, 28) + timedelta(days=n) for n in range(0, 30, 1)]
    checked = 0
    # The whole programme (from figures.EARLIEST, as the targets read it) counts first-ever rows only.
    for start in [figures.EARLIEST, *days]:
        for end in days:
            if end <= start or figures.standard_period(start, end):
                continue
            for ids in scopes:
                if by == "window" and ids != [cr.pk]:
                    continue
                found = figures._grouped(codes, ids, start, end, by=by)
                expected = _brute(rows, ids, start, end, dimension, by)
                assert {c: g for c, g in found.items() if g} == expected, (start, end, ids, by)
                checked += 1
    assert checked > 400


def test_a_person_in_two_countries_on_one_day_counts_once_for_the_region_and_once_in_each(
    cr, pa, window_cr, window_cr2, window_pa
):
    _synthetic_people(cr, pa, window_cr, window_cr2, window_pa)
    start, end = date(2025, 3, 10), date(2025, 3, 11)  # persons 1 (both countries) and 2 (two windows)
    assert figures.totals(["people_assisted"], None, start, end) == {"people_assisted": 2}
    by_country = figures._grouped(["people_assisted"], None, start, end, by="country")["people_assisted"]
    assert by_country == {str(cr.pk): 2, str(pa.pk): 1}
    # From the period's edge day on, the earlier days are not counted, nor the day after its end.
    assert figures.totals(["people_assisted"], None, date(2025, 3, 11), date(2025, 3, 20)) == {"people_assisted": 1}
    assert figures.totals(["people_assisted"], None, date(2025, 3, 21), date(2025, 3, 25)) == {"people_assisted": 0}


def test_every_writer_keeps_the_previous_days_as_a_link_of_every_row_would(world, cr, window_cr):
    def unlinked() -> int:
        return rollups.link()  # rows a link from scratch still changes

    rollups.rebuild()
    assert UniqueFact.objects.exclude(previous_day=None).exists()
    assert unlinked() == 0
    # A process started on an earlier day moves the first day its person was helped: the previous day of
    # that person's later rows changes with it.
    process = RegularizationProcess.objects.filter(case__window=window_cr).order_by("pk").first()
    process.started_at = date(2025, 3, 1)
    process.save()
    rollups.refresh_changed()
    assert UniqueFact.objects.filter(subject=process.case.person_id, day=date(2025, 3, 1)).exists()
    assert unlinked() == 0
    rollups.replace(cr, {date(2025, 3, 10), date(2025, 3, 11)})
    assert unlinked() == 0
    RegularizationProcess.objects.filter(pk=process.pk).update(started_at=date(2025, 3, 11))
    rollups.rebuild([cr])
    assert unlinked() == 0


def test_a_custom_run_of_months_reads_no_processing_times_and_shows_them_hidden(world, officer_cr_client):
    """A run of months publishes no processing time (only a month, a quarter or a year does): the page does
    not read the histograms behind them at its first view, and shows each as hidden, as the published sums do."""
    from dashboards import published
    from dashboards.indicators import PROCESSING, TIME

    rollups.rebuild()
    path, params = PAGES["country, custom period by window"]
    officer_cr_client.get(path, params)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = officer_cr_client.get(path, params)
    assert not [q for q in queries.captured_queries if "processingfact" in q["sql"]]
    timed = [c for c, i in indicators.INDICATORS.items() if i.kind in (PROCESSING, TIME)]
    rows = {row.key: row.cells for row in response.context["summary"].rows}
    assert all(rows[code] == [None, None] for code in timed)
    cr = Country.objects.get(code="CR")
    with figures.memo():
        sums = published.totals(timed, [cr.pk], date(2025, 2, 1), date(2025, 5, 1))
    assert all(value is None for value in sums.values())
