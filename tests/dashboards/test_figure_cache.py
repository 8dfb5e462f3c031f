"""The dashboards' figures are kept in the shared cache until the roll-ups change: a page opened again reads
none of the roll-ups, a page opened after a roll-up write shows the new figures (never stale), and a cache
that is down only makes the page read the roll-ups again."""

from __future__ import annotations

import logging
import pickle
from datetime import date

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Consultation
from dashboards import figures, indicators, rollups
from dashboards.figures import Stat

pytestmark = pytest.mark.django_db

ROLLUPS = ("dashboards_dailyfact", "dashboards_uniquefact", "dashboards_processingfact", "dashboards_periodunique")
REGION = "/en/staff/dashboards/region/"
PAGES = {
    "region, a year": (REGION, {"period": "year", "on": "2025-06-01", "by": "sex"}),
    "region, custom period": (REGION, {"period": "custom", "start": "2025-02-01", "end": "2025-04-30", "by": "sex"}),
    "country, a month by window": ("/en/staff/dashboards/cr/", {"period": "month", "on": "2025-03-01", "by": "window"}),
}


def _rollup_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if any(table in q["sql"] for table in ROLLUPS)]


def _figures(response) -> dict:
    """Every figure a dashboard shows, table by table."""
    assert response.status_code == 200
    context = response.context
    found = {}
    for name in ("summary", "series", "breakdown", "targets", "comparison"):
        table = context.get(name)
        if table is not None:
            found[name] = [(row.key, list(row.cells)) for row in table.rows] + (
                [("total", list(table.total.cells))] if table.total else []
            )
    return found


def _summary(response, code: str):
    return {row.key: row.cells for row in response.context["summary"].rows}[code][0]


@pytest.fixture
def clients(world, regional_client, officer_cr_client, cr):
    from dashboards.models import Target

    # A target for the whole programme too: its figures count every day since the start.
    Target.objects.create(country=cr, year=None, indicator="people_assisted", value=100)
    Target.objects.create(country=None, year=None, indicator="consultations", value=100)
    return {name: officer_cr_client if name.startswith("country") else regional_client for name in PAGES}


@pytest.mark.parametrize("page", PAGES)
def test_a_dashboard_opened_again_reads_none_of_the_rollups(clients, page):
    client = clients[page]
    path, params = PAGES[page]
    with CaptureQueriesContext(connection) as first:
        cold = _figures(client.get(path, params))
    assert _rollup_reads(first), "the first request reads the roll-ups"
    with CaptureQueriesContext(connection) as second:
        warm = _figures(client.get(path, params))
    assert _rollup_reads(second) == []
    assert len(second) < len(first)
    assert warm == cold
    # The same figures as read straight from the roll-ups.
    cache.clear()
    assert _figures(client.get(path, params)) == cold


def test_the_roll_ups_stamp_is_read_once_per_page(clients):
    path, params = PAGES["region, a year"]
    clients["region, a year"].get(path, params)
    with CaptureQueriesContext(connection) as queries:
        clients["region, a year"].get(path, params)
    stamps = [q for q in queries.captured_queries if rollups.WRITTEN_KEY in q["sql"]]
    assert len(stamps) == 1


def test_a_dashboard_shows_the_new_figures_after_the_roll_ups_change(clients, window_cr, staff_cr):
    path, params = PAGES["region, a year"]
    client = clients["region, a year"]
    before = client.get(path, params)
    assert client.get(path, params).context["summary"].rows  # now from the cache
    consultations = _summary(before, "consultations")  # 12 in the year: 10 or 15
    for n in range(10):
        Consultation.objects.create(window=window_cr, date=date(2025, 6, 1 + n), sex="female", recorded_by=staff_cr)
    rollups.refresh_changed()
    with CaptureQueriesContext(connection) as queries:
        after = client.get(path, params)
    assert _rollup_reads(queries), "read again from the roll-ups"
    assert _summary(after, "consultations") > consultations  # 22: 20 or 25
    series = {row.key: row.cells for row in after.context["series"].rows}
    assert series["2025-06-01"][after.context["series"].column_keys.index("consultations")] == 10
    cache.clear()
    assert _figures(client.get(path, params)) == _figures(after)


def test_a_figure_read_outside_a_page_is_kept_and_never_stale(world, window_cr, staff_cr):
    year = (date(2025, 1, 1), date(2026, 1, 1))
    assert figures.totals(["consultations"], None, *year) == {"consultations": 12}
    with CaptureQueriesContext(connection) as queries:
        assert figures.totals(["consultations"], None, *year) == {"consultations": 12}
    assert _rollup_reads(queries) == []
    Consultation.objects.create(window=window_cr, date=date(2025, 6, 1), recorded_by=staff_cr)
    rollups.refresh_changed()
    assert figures.totals(["consultations"], None, *year) == {"consultations": 13}
    assert figures.series(["consultations"], None, *year)[2]["consultations"][5] == 1  # June


@pytest.fixture
def cache_down(monkeypatch):
    """Call it to take the cache down: every read or write raises, as Redis does when nothing listens."""

    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is down")

    def down() -> None:
        for name in ("get", "get_many", "set", "set_many", "add"):
            monkeypatch.setattr(LocMemCache, name, unreachable)

    return down


@pytest.mark.parametrize("page", PAGES)
def test_a_dashboard_answers_with_the_right_figures_while_the_cache_is_down(clients, page, cache_down, caplog):
    client = clients[page]
    path, params = PAGES[page]
    expected = _figures(client.get(path, params))
    client.get(path, params)  # from the cache
    cache_down()
    with caplog.at_level(logging.WARNING, logger="dashboards.figures"), CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    assert _rollup_reads(queries), "read from the roll-ups"
    assert _figures(response) == expected
    warnings = [r for r in caplog.records if r.name == "dashboards.figures" and r.levelno == logging.WARNING]
    assert len(warnings) == 1  # one per page, not one per table


def test_a_figure_read_outside_a_page_while_the_cache_is_down_is_read_directly(world, cache_down):
    year = (date(2025, 1, 1), date(2026, 1, 1))
    cache_down()
    assert figures.totals(["consultations"], None, *year) == {"consultations": 12}
    assert figures.series(["consultations"], None, *year)[2]["consultations"][2] == 7 + 3  # March


def test_every_kind_of_figure_comes_back_from_the_cache_as_it_was_read():
    for value in (Stat(30.5, 4), Stat(None, 0), None, 12, 0.25, {"": Stat(41, 1), "7": 3}):
        assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own values


@pytest.mark.parametrize("by", ["", "country", "sex", "pathway"])
@pytest.mark.parametrize(("start", "end"), [(date(2025, 4, 1), date(2025, 5, 1)), (date(2025, 3, 5), date(2025, 5, 1))])
def test_every_indicator_reads_the_same_from_the_cache_as_from_the_roll_ups(world, by, start, end):
    codes = list(indicators.INDICATORS)
    direct = figures._grouped(codes, None, start, end, by=by)
    assert figures.grouped(codes, None, start, end, by=by) == direct  # read, then kept
    with CaptureQueriesContext(connection) as queries:
        assert figures.grouped(codes, None, start, end, by=by) == direct
    assert _rollup_reads(queries) == []
    kinds = {type(value) for groups in direct.values() for value in groups.values()}
    assert int in kinds
    assert Stat in kinds or by == "sex"  # processing times are not broken down by sex


def test_a_change_in_one_country_leaves_the_other_countries_figures_in_the_cache(world, cr, pa, window_cr, staff_cr):
    year = (date(2025, 1, 1), date(2026, 1, 1))
    codes = ["consultations", "people_assisted"]
    for place in ([cr.pk], [pa.pk], None):
        figures.grouped(codes, place, *year, by="sex")
    Consultation.objects.create(window=window_cr, date=date(2025, 6, 3), sex="female", recorded_by=staff_cr)
    rollups.replace(cr, {date(2025, 6, 3)})  # what a refresh does with Costa Rica's changed day
    with CaptureQueriesContext(connection) as panama:
        figures.grouped(codes, [pa.pk], *year, by="sex")
    assert _rollup_reads(panama) == [], "Panama's figures are still those of the cache"
    for place in ([cr.pk], None):  # Costa Rica's and the region's are read again, and hold the new consultation
        with CaptureQueriesContext(connection) as again:
            found = figures.grouped(["consultations"], place, *year, by="sex")
        assert _rollup_reads(again)
        assert found["consultations"]["female"] == rollups_female(place, year)


def rollups_female(place, year) -> int:
    cache.clear()
    return figures.grouped(["consultations"], place, *year, by="sex")["consultations"]["female"]


def test_the_refresh_task_computes_the_year_tables_before_any_officer_asks(world, window_cr, staff_cr, monkeypatch):
    """The year tables (every cell chosen with the cells it adds up with) are computed by the refresh task, so
    the first dashboard after new records reads them from the cache instead of making an officer wait."""
    from dashboards import published, tasks

    today = date.today()
    Consultation.objects.create(window=window_cr, date=today, recorded_by=staff_cr)
    cache.clear()
    assert tasks.refresh_rollups()["days"]

    def not_again(codes, year):
        raise AssertionError(f"year tables of {year} computed at the first view: {codes}")

    monkeypatch.setattr(published, "_protect_years", not_again)
    for year in (today.year - 1, today.year):
        assert isinstance(published.protected("consultations", year), dict)
        assert isinstance(published.protected("people_assisted", year), dict)
    cache.clear()  # without the task's work, the first view computes them
    with pytest.raises(AssertionError, match="computed at the first view"):
        published.protected("consultations", today.year)


def test_a_refresh_of_this_years_days_keeps_the_year_tables_of_earlier_years(world, window_cr, staff_cr, monkeypatch):
    """A custom run of months and the run before it reach back two years: their year tables stay in the cache
    when a refresh writes only this year's days, so the first dashboard after it does not compute them again;
    a record of an earlier year (typed late) makes that year's table new."""
    from dashboards import published, tasks

    today = date.today()
    assert tasks.refresh_rollups() is not None
    computed = []
    real = published._protect_years
    monkeypatch.setattr(published, "_protect_years", lambda codes, year: computed.append(year) or real(codes, year))

    Consultation.objects.create(window=window_cr, date=today, recorded_by=staff_cr)
    rollups.replace(window_cr.country, {today})
    tasks._warm()  # what the refresh task does once it has written
    assert set(computed) == {today.year}
    for year in (today.year - 2, today.year - 1, today.year):
        published.protected("consultations", year)
    assert set(computed) == {today.year}

    computed.clear()
    late = today.replace(year=today.year - 1, day=1)
    Consultation.objects.create(window=window_cr, date=late, recorded_by=staff_cr)
    rollups.replace(window_cr.country, {late})
    tasks._warm()
    assert set(computed) == {today.year - 1}


def test_the_refresh_task_reads_the_targets_whole_programme_before_any_officer_asks(
    world, window_cr, staff_cr, officer_cr_client, monkeypatch
):
    """Every dashboard shows the targets' whole programme, whose people are counted over every daily row: the
    refresh task reads those figures once it has written, so the first dashboard after new records does not."""
    from dashboards import tables, tasks
    from dashboards.models import Target

    cr = window_cr.country
    Target.objects.create(country=cr, indicator="people_assisted", value=100)
    Target.objects.create(country=None, indicator="consultations", value=1000)
    Consultation.objects.create(window=window_cr, date=date.today(), recorded_by=staff_cr)
    assert tasks.refresh_rollups()["days"]

    read = []
    real = figures._grouped
    monkeypatch.setattr(
        figures, "_grouped", lambda codes, ids, start, *a, **k: read.append(start) or real(codes, ids, start, *a, **k)
    )
    response = officer_cr_client.get("/en/staff/dashboards/cr/", {"period": "year", "on": "2025-01-01"})
    shown = {row.key: row.cells for row in response.context["targets"].rows}
    assert "people_assisted" in shown
    assert tables.PROGRAMME_START not in read
