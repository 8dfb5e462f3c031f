"""An attacker who tries to undo the disclosure control with everything an officer can read
(docs/disclosure-control.md): the library of ``tests/dashboards/test_attacker.py`` and of
``manage.py attack_figures``, which runs it against any database.

As a country officer of one country and as the regional officer: every page, breakdown export, report and API
answer of a year's grid (the year, its quarters and months, with the period before each and the weeks of each
month's chart); then custom periods swept through every source (runs of months nested, shifted and
overlapping, each checked to be the sum of its grid pieces) and days off the grid (each refused). A linear
program (scipy's ``linprog``) then bounds every published count whose true value is 1 to 4, knowing the rule
(``suppression.bounds``) and how figures add up (days to weeks, months, quarters and the year, countries to
the region, rows to their total). ``attack`` returns what it found: counts pinned, narrowed below three
values, or proved to be at least 1.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.test import Client, override_settings
from django.utils import translation
from openpyxl import load_workbook

from dashboards import figures, indicators, periods, tables
from dashboards.indicators import COUNT, DERIVED, PROCESSING, UNIQUE
from dashboards.models import ApiToken
from dashboards.suppression import BASE, bounds
from dashboards.tables import PROGRAMME_START
from dashboards.views import COUNTRY_DIMENSIONS, REGIONAL_DIMENSIONS
from notifications import reports as report_builder
from notifications.models import Report
from ventanillas.models import Country, InformationWindow

API = "/en/staff/dashboards/api/v1"
PARTITIONS = {"sex", "age_group", "nationality", "window", "pathway", "status", "service", "sector"}
PERSON_PARTITIONS = {"sex", "age_group", "nationality"}  # one value per person: rows of people add up


def fully_read(year: int) -> set[tuple[str, date]]:
    """The periods whose every other download and API answer is read too (the others publish the page's cells
    again: checked on these)."""
    return {(periods.YEAR, date(year, 1, 1)), (periods.QUARTER, date(year, 4, 1)), (periods.MONTH, date(year, 5, 1))}


def standard_periods(year: int, months: list[int] | None = None) -> list[periods.Period]:
    """The year, its quarters and its months (``months``: only those, with their quarters)."""
    months = months or list(range(1, 13))
    found = [periods.containing(periods.YEAR, date(year, 1, 1))]
    found += [periods.containing(periods.QUARTER, date(year, m, 1)) for m in (1, 4, 7, 10)
              if any(m <= k < m + 3 for k in months)]  # fmt: skip
    found += [periods.containing(periods.MONTH, date(year, m, 1)) for m in months]
    return found


class Published:
    """Every figure collected, by what it counts: (indicator, place, first day, day after, dimension, value).
    The same cell fetched twice must read the same: a second, different reading would narrow it."""

    def __init__(self):
        self.cells: dict[tuple, int | float | None] = {}
        self.readings = 0
        self.conflicts: list[tuple] = []
        self.sources: dict[str, int] = defaultdict(int)

    def add(self, source: str, code: str, place: str, start: date, end: date, dim: str, group: str, value):
        key = (code, place, start, end, dim, str(group))
        self.readings += 1
        self.sources[source] += 1
        if key in self.cells and self.cells[key] != value:
            self.conflicts.append((source, key, self.cells[key], value))
        self.cells.setdefault(key, value)


def universe(dim: str, place_ids: list[int]) -> list[str]:
    """The rows a breakdown may have: a row that is not shown reads as 0."""
    if dim == "window":
        return [
            str(pk) for pk in InformationWindow.objects.filter(country_id__in=place_ids).values_list("pk", flat=True)
        ]
    if dim == "pathway":
        from cases.models import RegularizationPathway

        return [str(pk) for pk in RegularizationPathway.objects.filter(country_id__in=place_ids).values_list(
            "pk", flat=True)]  # fmt: skip
    values = [str(value) for value, _label in indicators.DIMENSIONS[dim].choices()]
    if dim == "nationality":
        # The attacker is told which of the ~250 nationalities nobody in the data has (their cells are 0): a
        # stronger attacker than a real reader, with some 10,000 fewer unknowns to solve for.
        from cases.models import Consultation, Person

        present = {""} | set(Person.objects.values_list("nationality", flat=True))
        present |= set(Consultation.objects.values_list("nationality", flat=True))
        values = [v for v in values if v in present]
    return values


def bucket_ends(keys: list[str], end: date) -> list[tuple[date, date]]:
    starts = [date.fromisoformat(k) for k in keys]
    return list(zip(starts, [*starts[1:], end], strict=True))


def read_breakdown(pub: Published, source: str, place: str, ids: list[int], period, by: str, keys, rows, total):
    """A breakdown's figures: ``rows`` {value: cells}; a value with no row reads as 0 in every column."""
    for value in set(universe(by, ids)) | set(rows):
        for index, code in enumerate(keys):
            pub.add(
                source, code, place, period.start, period.end, by, value, rows[value][index] if value in rows else 0
            )
    for code, cell in zip(keys, total, strict=True):
        pub.add(source, code, place, period.start, period.end, "", "", cell)


def read_page(pub: Published, client: Client, slug: str, place: str, ids: list[int], period, by: str) -> dict:
    response = client.get(f"/en/staff/dashboards/{slug}/", {**period.as_params(), "by": by})
    assert response.status_code == 200
    context = response.context
    previous = period.previous()
    for row in context["summary"].rows:
        pub.add("page", row.key, place, period.start, period.end, "", "", row.cells[0])
        pub.add("page", row.key, place, previous.start, previous.end, "", "", row.cells[1])
    series = context["series"]
    for (start, end), row in zip(bucket_ends([r.key for r in series.rows], period.end), series.rows, strict=True):
        for code, cell in zip(series.column_keys, row.cells, strict=True):
            pub.add("page", code, place, start, end, "", "", cell)
    for code, cell in zip(series.column_keys, series.total.cells, strict=True):
        pub.add("page", code, place, period.start, period.end, "", "", cell)
    breakdown = context["breakdown"]
    read_breakdown(pub, "page", place, ids, period, by, breakdown.column_keys,
                   {row.key: row.cells for row in breakdown.rows}, breakdown.total.cells)  # fmt: skip
    for row in context["targets"].rows:
        year = period.start.year
        year_target = f"({year})" in row.label
        start, end = (date(year, 1, 1), date(year + 1, 1, 1)) if year_target else (
            PROGRAMME_START, date.today() + timedelta(days=1))  # fmt: skip
        pub.add("page", row.key, place, start, end, "", "", row.cells[1])
    if "comparison" in context:
        comparison = context["comparison"]
        codes = {str(c.pk): c.code for c in Country.objects.all()}
        for row in comparison.rows:
            for code, cell in zip(comparison.column_keys, row.cells, strict=True):
                pub.add("page", code, codes[row.key], period.start, period.end, "", "", cell)
        for code, cell in zip(comparison.column_keys, comparison.total.cells, strict=True):
            pub.add("page", code, place, period.start, period.end, "", "", cell)
    return context


def as_text(cell) -> str:
    return "—" if cell is None else str(cell)


def export_rows(client: Client, slug: str, key: str, period, fmt: str = "csv") -> list[list]:
    response = client.get(f"/en/staff/dashboards/{slug}/export/{key}.{fmt}", period.as_params())
    assert response.status_code == 200, (slug, key)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _value(text: str):
    """A cell as a number where it is one: a spreadsheet keeps 0.0 (a ratio) as the number 0."""
    try:
        return float(text)
    except ValueError:
        return text


def _values(cells) -> list:
    return [_value(cell) for cell in cells]


def check_exports(client: Client, slug: str, period, tables: dict, fmt: str = "csv") -> int:
    """Each export holds exactly the table of the page: it publishes nothing the page does not."""
    for key, table in tables.items():
        rows = export_rows(client, slug, key, period, fmt)
        body = [_values(r[: 1 + len(table.columns)]) for r in rows[5 : 5 + len(table.rows)]]
        assert body == [_values([row.label, *map(as_text, row.cells)]) for row in table.rows], (slug, key, period)
        if table.total:
            assert _values(rows[5 + len(table.rows)][: 1 + len(table.columns)]) == _values([
                table.total.label, *map(as_text, table.total.cells)])  # fmt: skip
    return len(tables)


def read_breakdown_export(pub: Published, client: Client, slug: str, place: str, ids, period, by: str) -> None:
    """A breakdown read from its CSV export, as an officer downloads every breakdown of every period."""
    rows = export_rows(client, slug, f"by-{by}", period)
    header = rows[4]
    names = {str(i.name): i.code for i in indicators.INDICATORS.values()}
    keys = [names[name] for name in header[1:]]
    values = universe(by, ids)
    with translation.override("en"):
        by_label = dict(zip(tables._value_labels(by, values), values, strict=True))
    body, total = {}, None
    for row in rows[5:]:
        if not row:
            break
        cells = [int(c) if c.isdigit() else None for c in row[1 : 1 + len(keys)]]
        if row[0] == "Total":
            total = cells
        else:
            body[by_label[row[0]]] = cells
    read_breakdown(pub, "export", place, ids, period, by, keys, body, total)


def read_api(pub: Published, client: Client, auth: dict, place: str, ids: list[int], period, with_breakdowns) -> int:
    path = f"{API}/region" if place == "ALL" else f"{API}/countries/{place.lower()}"
    calls = 0
    codes = {c.code for c in Country.objects.all()}
    for indicator in indicators.INDICATORS.values():
        for by in ["", *(indicator.dimensions if with_breakdowns else ())]:
            response = client.get(f"{path}/{indicator.code}/", {**period.as_params(), **({"by": by} if by else {})},
                                  **auth)  # fmt: skip
            assert response.status_code == 200, (place, indicator.code, by)
            calls += 1
            body = response.json()
            code = indicator.code
            for part in ("period", "previous"):
                found = body[part]
                first, last = date.fromisoformat(found["start"]), date.fromisoformat(found["end"])
                pub.add("api", code, place, first, last + timedelta(days=1), "", "", found["value"])
            if by:
                shown = {row["value"]: row["figure"] for row in body["breakdown"]["rows"]}
                for value in set(universe(by, ids)) | set(shown):
                    fallback = None if indicator.kind == PROCESSING else 0
                    pub.add("api", code, place, period.start, period.end, by, value, shown.get(value, fallback))
                pub.add("api", code, place, period.start, period.end, "", "", body["breakdown"]["total"])
            if "series" in body and not by:
                keys = [point["start"] for point in body["series"]]
                for (start, end), point in zip(bucket_ends(keys, period.end), body["series"], strict=True):
                    pub.add("api", code, place, start, end, "", "", point["figure"])
            if "countries" in body and not by:
                for row in body["countries"]:
                    assert row["code"] in codes
                    pub.add("api", code, row["code"], period.start, period.end, "", "", row["figure"])
    return calls


def read_report(pub: Published, place: str, country, period) -> int:
    kind = Report.Kind.MONTHLY if country is not None else Report.Kind.QUARTERLY
    report = Report(kind=kind, country=country, period_start=period.start, period_end=period.end, language="en")
    contents = report_builder.collect(report)
    assert not contents.failed
    names = {str(indicators.get(code).name): code for code in indicators.INDICATORS}
    countries = {c.name: c.code for c in Country.objects.all()}
    read = 0
    with translation.override("en"):
        for block in contents.blocks:
            if block.columns:  # the regional per-country table
                codes = [names[str(c)] for c in block.columns[1:]]
                for label, *values in block.rows:
                    where = countries.get(label, "ALL")
                    for code, value in zip(codes, values, strict=True):
                        pub.add(
                            "report", code, where, period.start, period.end, "", "", None if value == "—" else value
                        )
                        read += 1
            else:
                for label, value in block.rows:
                    pub.add("report", names[label], place, period.start, period.end, "", "",
                            None if value == "—" else value)  # fmt: skip
                    read += 1
    return read


# --- custom periods: every run of months the forms and the API accept, and the days they refuse --------------


def month_runs(full: bool, year: int) -> list[periods.Period]:
    """Runs of whole months to sweep. In full: every run from the December before the year to the January after.
    Sampled: nested (growing from January, shrinking to December), shifted (three months moved a month at a
    time, across the year's edges) and overlapping (five months every second month)."""

    def run(first: date, months: int) -> periods.Period:
        return periods.Period(periods.CUSTOM, first, periods.add_months(first, months))

    first_month = date(year - 1, 12, 1)
    if full:
        return [run(periods.add_months(first_month, a), n) for a in range(14) for n in range(1, 15 - a)]
    found = [run(date(year, 1, 1), n) for n in range(2, 13)]
    found += [run(date(year, m, 1), 13 - m) for m in range(2, 12)]
    found += [run(periods.add_months(first_month, a), 3) for a in range(13)]
    found += [run(date(year, m, 1), 5) for m in (2, 4, 6, 8)]
    return list(dict.fromkeys(found))


def piece_figure(pub: Published, code: str, place: str, start: date, end: date, dim: str, group: str):
    """A grid period's published figure as the reader holds it (fetched with the standard periods), else as the
    portal publishes it for that grid period."""
    key = (code, place, start, end, dim, str(group))
    if key in pub.cells:
        return pub.cells[key]
    from dashboards import published

    if not dim:  # a total, as the pages and the API publish it (a median hidden as None, not 0)
        return published.totals([code], place_ids(place), start, end).get(code)
    return published.grouped([code], place_ids(place), start, end, by=dim)[code].get(group, 0)


def check_run(pub: Published, code: str, place: str, period, dim: str, group: str, value) -> None:
    """A run of months publishes the sum of its grid pieces' figures: a function of what the grid already
    published, so it adds no constraint to the attacker's model. Processing times are not published for it."""
    kind = indicators.get(code).kind
    pieces = periods.pieces(period.start, period.end)
    if pieces == [(period.start, period.end)]:  # a run that is one grid period (a year) publishes that period
        assert value == piece_figure(pub, code, place, period.start, period.end, dim, group), (code, place, period)
        return
    if kind in (PROCESSING, indicators.TIME):
        assert value is None, (code, place, period, dim, group, value)
        return
    if kind not in (COUNT, UNIQUE, DERIVED):
        return
    parts = [piece_figure(pub, code, place, a, b, dim, group) for a, b in pieces]
    assert value == sum(int(p or 0) for p in parts), (code, place, period.label, dim, group, value, parts)


def sweep_runs(
    pub: Published, client: Client, auth: dict, slug: str, place: str, dims, runs: list[periods.Period], full: bool
) -> int:
    """Every source for runs of months: the API for every indicator (and a breakdown), the page and an export.
    Returns the number of requests."""
    path = f"{API}/region" if place == "ALL" else f"{API}/countries/{place.lower()}"
    requests = 0
    for n, period in enumerate(runs):
        by = dims[n % len(dims)]
        for indicator in indicators.INDICATORS.values():
            params = {**period.as_params(), **({"by": by} if by in indicator.dimensions else {})}
            body = Client().get(f"{path}/{indicator.code}/", params, **auth).json()
            requests += 1
            check_run(pub, indicator.code, place, period, "", "", body["period"]["value"])
            assert [(p["start"], p["end"]) for p in body["disclosure_control"]["period_is_sum_of"]] == [
                (a.isoformat(), (b - timedelta(days=1)).isoformat()) for a, b in periods.pieces(period.start, period.end)]  # fmt: skip
            for row in body.get("breakdown", {}).get("rows", []):
                check_run(pub, indicator.code, place, period, by, row["value"], row["figure"])
        if full or n % 4 == 0:
            response = client.get(f"/en/staff/dashboards/{slug}/", {**period.as_params(), "by": by})
            requests += 1
            for row in response.context["summary"].rows:
                check_run(pub, row.key, place, period, "", "", row.cells[0])
            breakdown = response.context["breakdown"]
            for row in breakdown.rows:
                for code, cell in zip(breakdown.column_keys, row.cells, strict=True):
                    check_run(pub, code, place, period, by, row.key, cell)
            requests += check_exports(client, slug, period, {f"by-{by}": breakdown})  # the export is the page's table
    return requests


def sweep_days_refused(client: Client, auth: dict, slug: str, place: str, year: int) -> int:
    """The attack of the day-by-day sweep: a custom period whose first or last day is not a month's edge is
    refused by every source (400 naming the grid from the API and an export; an explained error on the page)."""
    path = f"{API}/region" if place == "ALL" else f"{API}/countries/{place.lower()}"
    refused = 0
    for k in range(0, 45, 3):
        start, end = date(year, 2, 1), date(year, 3, 1) + timedelta(days=k)
        if (end + timedelta(days=1)).day == 1:
            continue
        params = {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
        answer = Client().get(f"{path}/consultations/", params, **auth)
        assert answer.status_code == 400 and "whole months" in answer.json()["grid"], (params, answer.status_code)
        shifted = {**params, "start": (start + timedelta(days=k % 27 + 1)).isoformat(), "end": f"{year}-06-30"}
        assert Client().get(f"{path}/people_assisted/", shifted, **auth).status_code == 400, shifted
        page = client.get(f"/en/staff/dashboards/{slug}/", params)
        assert "summary" not in page.context and page.context["form"].errors
        assert client.get(f"/en/staff/dashboards/{slug}/export/by-sex.csv", params).status_code == 400
        refused += 5
    return refused


# --- the truth, and what the attacker can work out ---------------------------------------------------------


def place_ids(place: str) -> list[int]:
    if place == "ALL":
        return list(Country.objects.values_list("pk", flat=True))
    return [Country.objects.get(code=place).pk]


def truth(cell: tuple) -> int:
    code, place, start, end, dim, group = cell
    found = figures.grouped([code], place_ids(place), start, end, by=dim)[code]
    return int(found.get(group if dim else "", 0) or 0)


def count_model(cells: dict[tuple, int], countries: list[str]):
    """Variables: each country's events per stretch of days (cut at every published boundary), and per
    breakdown row per stretch of the breakdowns' boundaries. Returns (n, expression of each cell, equalities,
    inequalities)."""
    fine, coarse = set(), set()
    for _code, _place, start, end, dim, _group in cells:
        (coarse if dim else fine).update((start, end))
    fine |= coarse
    fine_edges, coarse_edges = sorted(fine), sorted(coarse)
    index: dict[tuple, int] = {}

    def var(key) -> int:
        return index.setdefault(key, len(index))

    def atoms(edges, start, end):
        return [(a, b) for a, b in itertools.pairwise(edges) if start <= a and b <= end]

    dims = defaultdict(set)
    for _code, _place, _start, _end, dim, group in cells:
        if dim:
            dims[dim].add(group)

    def expression(place, start, end, dim, group) -> dict[int, float]:
        where = countries if place == "ALL" else [place]
        terms: dict[int, float] = defaultdict(float)
        for country in where:
            if dim:
                for atom in atoms(coarse_edges, start, end):
                    terms[var(("B", country, dim, group, atom))] += 1
            else:
                for atom in atoms(fine_edges, start, end):
                    terms[var(("T", country, atom))] += 1
        return terms

    expressions = {cell: expression(*cell[1:]) for cell in cells}
    equalities, inequalities = [], []
    for country in countries:
        for dim, groups in dims.items():
            for atom in itertools.pairwise(coarse_edges):
                rows = {var(("B", country, dim, g, atom)): 1.0 for g in groups}
                total = expression(country, atom[0], atom[1], "", "")
                if dim in PARTITIONS:
                    equalities.append(({**rows, **{k: -v for k, v in total.items()}}, 0))
                else:  # a person with several vulnerabilities is in several rows: each row is at most the total
                    for row in rows:
                        inequalities.append(({row: 1.0, **{k: -v for k, v in total.items()}}, 0))
    return len(index), expressions, equalities, inequalities


def unique_model(cells: dict[tuple, int], countries: list[str]):
    """People counted once per period: one variable per published cell, with the relations that hold for
    distinct people (a period holds at least as many as any part and at most their sum)."""
    index = {cell: n for n, cell in enumerate(cells)}
    expressions = {cell: {index[cell]: 1.0} for cell in cells}
    equalities, inequalities = [], []
    for cell in cells:  # the region is the sum of its countries (a person belongs to one country)
        code, place, start, end, dim, group = cell
        if place == "ALL":
            parts = [(code, c, start, end, dim, group) for c in countries]
            if all(p in index for p in parts):
                equalities.append(({index[cell]: 1.0, **{index[p]: -1.0 for p in parts}}, 0))
    streams = defaultdict(list)
    for cell in cells:
        code, place, start, end, dim, group = cell
        streams[(code, place, dim, group)].append((start, end))
    for (code, place, dim, group), spans in streams.items():
        spans = sorted(set(spans))
        for start, end in spans:
            inside = [s for s in spans if start <= s[0] and s[1] <= end and s != (start, end)]
            for pick in (max, min):
                tiling, cursor = [], start
                while cursor < end:
                    here = [s for s in inside if s[0] == cursor]
                    if not here:
                        break
                    chosen = pick(here, key=lambda s: s[1])
                    tiling.append(chosen)
                    cursor = chosen[1]
                if cursor == end and len(tiling) > 1:
                    whole = index[(code, place, start, end, dim, group)]
                    parts = [index[(code, place, s, e, dim, group)] for s, e in tiling]
                    inequalities.append(({whole: 1.0, **dict.fromkeys(parts, -1.0)}, 0))  # at most the sum
                    for p in parts:
                        inequalities.append(({p: 1.0, whole: -1.0}, 0))  # at least each part
    rows = defaultdict(list)
    for cell in cells:
        code, place, start, end, dim, group = cell
        if dim:
            rows[(code, place, start, end, dim)].append(index[cell])
    for (code, place, start, end, dim), members in rows.items():
        total = (code, place, start, end, "", "")
        if total not in index:
            continue
        if dim in PERSON_PARTITIONS:
            equalities.append(({**dict.fromkeys(members, 1.0), index[total]: -1.0}, 0))
        else:
            for m in members:
                inequalities.append(({m: 1.0, index[total]: -1.0}, 0))
            if dim == "window":  # everyone was helped at some window
                inequalities.append(({index[total]: 1.0, **dict.fromkeys(members, -1.0)}, 0))
    return len(index), expressions, equalities, inequalities


def narrowest(n, expressions, equalities, inequalities, published: dict[tuple, int], targets: dict[tuple, int]):
    """For each target cell (with its true value from 1 to 4), the [min, max] of its value consistent with
    everything published, as far as needed to judge it: the minimum always (a minimum of 1 or more proves
    that someone is there), the maximum only while the range could still hold fewer than three values."""
    from scipy import sparse
    from scipy.optimize import linprog

    def matrix(rows):
        data, row_index, col_index = [], [], []
        for r, (terms, _rhs) in enumerate(rows):
            for col, coef in terms.items():
                data.append(coef)
                row_index.append(r)
                col_index.append(col)
        return sparse.csr_array((data, (row_index, col_index)), shape=(len(rows), n)), [rhs for _t, rhs in rows]

    upper = list(inequalities)
    for cell, value in published.items():
        low, high = bounds(value)
        terms = expressions[cell]
        upper.append((terms, high))
        upper.append(({k: -v for k, v in terms.items()}, -low))
    a_ub, b_ub = matrix(upper)
    a_eq, b_eq = matrix(equalities) if equalities else (None, None)

    def solve(c, sign) -> int:
        result = linprog([sign * x for x in c], A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                         method="highs")  # fmt: skip
        assert result.status == 0, f"the attacker's model does not fit the data: {result.message}"
        return math.floor(-result.fun + 1e-6) if sign == -1 else math.ceil(result.fun - 1e-6)

    found = {}
    for cell, true in targets.items():
        c = [0.0] * n
        for col, coef in expressions[cell].items():
            c[col] = coef
        low = solve(c, 1)
        # The true value is consistent with everything: a minimum two below it already leaves three values.
        high = true if true - low >= 2 else solve(c, -1)
        found[cell] = (low, high)
    return found


def progress(text: str) -> None:
    """What the test is doing, for whoever runs it with -s (it takes a while)."""
    sys.stderr.write(f"[attacker {time.process_time():.0f}s] {text}\n")


# --- the attack ----------------------------------------------------------------------------------------------


def sign_in(client: Client, user) -> None:
    """Sign ``user`` in as after both steps of the login (the password and a second factor)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    client.force_login(user)
    device = StaticDevice.objects.filter(user=user, name="attack").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="attack", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@dataclass
class Outcome:
    """What the attack read and what it proved."""

    pages: int = 0
    exports: int = 0
    api_calls: int = 0
    report_figures: int = 0
    swept: int = 0
    runs: int = 0
    figures: int = 0
    readings: int = 0
    conflicts: list = field(default_factory=list)
    checked: int = 0
    above: int = 0
    exposed: list = field(default_factory=list)  # (persona, cell, true, low, high): fewer than three values
    existence: list = field(default_factory=list)  # (persona, cell, true, low, high): low of 1 or more
    wrong: list = field(default_factory=list)  # a true value outside the solver's range: the model is wrong
    collecting: float = 0.0
    solving: float = 0.0
    published: dict = field(default_factory=dict)  # {persona: {cell: figure}}, every figure read

    @property
    def pinned(self) -> list:
        return [e for e in self.exposed if e[3] == e[4]]

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.exports} exports, {self.api_calls} API calls, {self.report_figures} report "
            f"figures, {self.swept} requests sweeping {self.runs} runs of months; {self.figures} distinct figures "
            f"({self.readings} readings); {self.checked} counts of 1-4 checked, {self.above} of them could be "
            f"higher; {len(self.pinned)} pinned, {len(self.exposed)} narrowed below three values, "
            f"{len(self.existence)} proved to be at least 1; {self.collecting:.0f} s collecting, "
            f"{self.solving:.0f} s solving"
        )


def attack(
    country: Country,
    year: int,
    *,
    officer=None,
    regional=None,
    others: list[Country] | None = None,
    months: list[int] | None = None,
    runs: str = "sampled",
    codes: list[str] | None = None,
    log=progress,
) -> Outcome:
    """Attack the figures of ``year`` as ``officer`` (a country officer of ``country``) and as ``regional`` (the
    regional officer, who also reads ``others``, by default every other country): either may be None.
    ``months`` limits the months read (with their quarters; the year is always read); ``runs`` is "sampled",
    "full" (every run of months from the December before to the January after) or "none"; ``codes`` limits
    the indicators solved for."""
    outcome = Outcome()
    every_country = list(Country.objects.order_by("code"))
    if others is None:
        others = [c for c in every_country if c != country]
    here = (country.code.lower(), country.code, [country.pk], COUNTRY_DIMENSIONS)
    readers = []
    if officer is not None:
        readers.append(("country officer", officer, [here], Published()))
    if regional is not None:
        region = ("region", "ALL", [c.pk for c in every_country], REGIONAL_DIMENSIONS)
        places = [(c.code.lower(), c.code, [c.pk], COUNTRY_DIMENSIONS) for c in others if c != country]
        readers.append(("regional officer", regional, [region, *places], Published()))
    clients = {}
    for persona, user, _places, _pub in readers:
        client = Client()
        sign_in(client, user)
        _token, raw = ApiToken.issue(user=user, name="attack")
        clients[persona] = (client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    full_periods = fully_read(year)
    started = time.process_time()
    for period in standard_periods(year, months):
        # Each page once (its breakdown by sex), and every breakdown through its CSV export, the same table
        # the page shows for it. The other exports and the API publish the page's cells again (checked: same
        # cell, same figure); they are read in full for a year, a quarter and a month.
        full = (period.kind, period.start) in full_periods
        for persona, _user, places, pub in readers:
            client, auth = clients[persona]
            for slug, place, ids, dims in places:
                context = read_page(pub, client, slug, place, ids, period, "sex")
                outcome.pages += 1
                for by in dims:
                    read_breakdown_export(pub, client, slug, place, ids, period, by)
                    outcome.exports += 1
                if full:
                    shown = {"summary": context["summary"], "series": context["series"],
                             "targets": context["targets"], "by-sex": context["breakdown"]}  # fmt: skip
                    if "comparison" in context:
                        shown["countries"] = context["comparison"]
                    outcome.exports += check_exports(client, slug, period, shown)
                    outcome.exports += check_exports(client, slug, period, {"summary": context["summary"]}, fmt="xlsx")
                    outcome.api_calls += read_api(
                        pub, Client(), auth, place, ids, period, with_breakdowns=period.kind == periods.QUARTER
                    )
                if period.kind == periods.MONTH and place != "ALL":
                    outcome.report_figures += read_report(pub, place, Country.objects.get(code=place), period)
                if period.kind == periods.QUARTER and place == "ALL":
                    outcome.report_figures += read_report(pub, place, None, period)
            if persona == "regional officer" and full:
                # The regional officer reads the country officer's country as its officer does.
                slug, place, ids, _dims = here
                read_page(pub, client, slug, place, ids, period, "nationality")
                read_api(pub, Client(), auth, place, ids, period, with_breakdowns=False)
        log(f"read {period.label}: {outcome.pages} pages, {outcome.exports} exports, {outcome.api_calls} API calls")
    if len(readers) == 2:
        mine, everything = readers[0][3], readers[1][3]
        for key, value in mine.cells.items():
            assert everything.cells.get(key, value) == value, ("the region reads a country differently", key)
            everything.cells[key] = value

    # Custom periods, swept: runs of months through every source, and days off the grid (refused).
    swept_runs = month_runs(runs == "full", year) if runs != "none" else []
    outcome.runs = len(swept_runs)
    with override_settings(API_PERIODS_PER_DAY=100_000, API_REQUESTS_PER_HOUR=1_000_000):  # no budget binds
        for persona, _user, places, pub in readers:
            client, auth = clients[persona]
            slug, place, _ids, dims = places[0]
            if swept_runs:
                outcome.swept += sweep_runs(pub, client, auth, slug, place, dims, swept_runs, runs == "full")
                outcome.swept += sweep_days_refused(client, auth, slug, place, year)
    log(f"swept {len(swept_runs)} runs of months and days off the grid: {outcome.swept} requests")
    outcome.collecting = time.process_time() - started

    for persona, _user, _places, pub in readers:
        outcome.conflicts += pub.conflicts
        outcome.published[persona] = pub.cells
    widest = readers[-1][3]
    outcome.figures, outcome.readings = len(widest.cells), widest.readings
    # Every count is a multiple of 5 (ratios and times are computed from published or hidden figures).
    assert all(isinstance(v, int) and v % 5 == 0 for k, v in widest.cells.items()
               if indicators.get(k[0]).kind in (COUNT, UNIQUE, DERIVED)), "a count that is not a multiple of 5"  # fmt: skip
    # "Beneficiaries reached" is the sum of its published parts: it tells nothing more.
    for (code, place, start, end, _dim, _group), value in widest.cells.items():
        keys = [(part, place, start, end, "", "") for part in indicators.get(code).parts]
        if code == "beneficiaries" and all(k in widest.cells for k in keys):  # a target's row shows the sum alone
            assert value == sum(widest.cells[k] for k in keys), ("beneficiaries", place, start, end)

    solving = time.process_time()
    every_code = [c.code for c in every_country]
    for persona, _user, _places, pub in readers:
        model_places = [country.code] if persona == "country officer" else every_code
        for code, indicator in indicators.INDICATORS.items():
            if indicator.kind not in (COUNT, UNIQUE) or (codes and code not in codes):
                continue
            cells = {k: v for k, v in pub.cells.items() if k[0] == code}
            true = {k: truth(k) for k in cells}
            targets = {k: t for k, t in true.items() if 1 <= t <= 4}
            if not targets:
                continue
            model = (count_model if indicator.kind == COUNT else unique_model)(cells, model_places)
            log(f"{persona}, {code}: {model[0]} unknowns, {len(targets)} counts of 1-4 to bound")
            for cell, (low, high) in narrowest(*model, cells, targets).items():
                outcome.checked += 1
                found = (persona, cell, true[cell], low, high)
                if not low <= true[cell] <= high:
                    outcome.wrong.append(found)
                if high > true[cell]:
                    outcome.above += 1
                if low >= 1:
                    outcome.existence.append(found)
                if high - low < 2:
                    outcome.exposed.append(found)
    outcome.solving = time.process_time() - solving
    return outcome


# --- an emergency's figures ----------------------------------------------------------------------------------


def least_and_most(objective: list[float], **constraints) -> tuple[int, int]:
    """The least and the most whole value the linear program allows ``objective`` (variables at 0 or more)."""
    from scipy.optimize import linprog

    ends = []
    for sign in (1, -1):
        result = linprog([sign * x for x in objective], bounds=(0, None), method="highs", **constraints)
        assert result.status == 0, f"the attacker's model does not fit the data: {result.message}"
        ends.append(math.ceil(result.fun - 1e-6) if sign == 1 else math.floor(-result.fun + 1e-6))
    return ends[0], ends[1]


def attack_emergency(client: Client, emergency) -> tuple[int, list[tuple]]:
    """The emergency's page as its reader gets it: households and people in total, per day and per point. For
    each indicator a linear program over the households (or people) of each day at each point bounds every
    published count whose true value is 1 to 4, knowing which rows are listed (a row listed with only zeros
    says that somebody is there). Returns (counts checked, [(cell, true, low, high)] of those
    proved to be at least 1 or narrowed below three values)."""

    from emergencies.models import Arrival

    response = client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/")
    assert response.status_code == 200
    shown = response.context["figures"]
    zone = emergency.country.zoneinfo
    arrivals = list(Arrival.objects.filter(point__emergency=emergency).select_related("point"))
    points = {p.name: p.pk for p in emergency.points.all()}
    first = min(
        [emergency.starts_at.astimezone(zone).date(), *(a.registered_at.astimezone(zone).date() for a in arrivals)]
    )
    last = max([first, *(a.registered_at.astimezone(zone).date() for a in arrivals)])
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    grid = [(d, p) for d in days for p in points.values()]
    found, checked = [], 0
    for column, code in ((0, "households"), (1, "people")):
        true = defaultdict(int)
        for a in arrivals:
            where = (a.registered_at.astimezone(zone).date(), a.point_id)
            true[where] += 1 if code == "households" else a.household_size
        by_day = {d: (h, p)[column] for d, h, p in shown.by_day}
        by_point = {points[name]: (h, p)[column] for name, h, p in shown.by_point}
        cells = {("total", ""): (getattr(shown, code), grid)}
        cells |= {("day", d.isoformat()): (by_day.get(d, 0), [g for g in grid if g[0] == d]) for d in days}
        cells |= {("point", str(pk)): (by_point.get(pk, 0), [g for g in grid if g[1] == pk]) for pk in points.values()}
        index = {g: n for n, g in enumerate(grid)}
        # A row listed although its figures show 0 says that somebody is there (a day, or a point where not
        # every point is listed); a point left out, that nobody is.
        listed = {("day", d.isoformat()) for d, h, p in shown.by_day if not (h or p)}
        every_point = len(shown.by_point) == len(points)
        if not every_point:
            listed |= {("point", str(points[name])) for name, h, p in shown.by_point if not (h or p)}
        rows, rhs = [], []
        for name, (value, members) in cells.items():
            low, high = bounds(value)
            if name in listed and code == "households":
                low = max(low, 1)
            if name[0] == "point" and not every_point and name not in listed:
                high = 0
            rows.append([1.0 if g in members else 0.0 for g in grid])
            rhs.append(high)
            rows.append([-1.0 if g in members else 0.0 for g in grid])
            rhs.append(-low)
        for name, (_value, members) in cells.items():
            truth_here = sum(true[g] for g in members)
            if not 1 <= truth_here <= BASE - 1:
                continue
            checked += 1
            c = [0.0] * len(grid)
            for g in members:
                c[index[g]] = 1.0
            low, high = least_and_most(c, A_ub=rows, b_ub=rhs)
            if low >= 1 or high - low < 2:
                found.append(((code, *name), truth_here, low, high))
    return checked, found


def attack_emergency_needs(client: Client, emergency) -> tuple[int, list[tuple]]:
    """Households per need, as the emergency's page gives them (its export, API answer and daily report give
    the same figures): each need's count is rounded on its own, a household may have several needs or none.
    What ties them to the other figures: no need counts more households than were registered, the
    households are what the days and the points add up to, and each holds 1 to 50 people. A linear program
    over the households (H), people (P) and each need's households bounds every need whose true count is 1 to
    4. Returns (counts checked, [(("need", code), true, low, high)] proved to be at least 1 or narrowed below
    three values)."""

    from emergencies.models import Arrival, Need

    response = client.get(f"/en/staff/dashboards/emergencies/{emergency.pk}/")
    assert response.status_code == 200
    shown = response.context["figures"]
    labels = dict(Need.choices)
    with translation.override("en"):
        codes = {str(labels[code]): code for code in labels}
    published = {codes[str(label)]: value for label, value in shown.needs}
    assert set(published) == set(labels), "every need is listed, 0 or not"
    true = defaultdict(int)
    for needs in Arrival.objects.filter(point__emergency=emergency).values_list("needs", flat=True):
        for code in needs or []:
            true[code] += 1
    needs = list(labels)
    size = 2 + len(needs)  # H, P, then one variable a need
    rows, rhs = [], []

    def between(coefficients: dict[int, float], low: float, high: float) -> None:
        row = [0.0] * size
        for n, c in coefficients.items():
            row[n] = c
        rows.append(row)
        rhs.append(high)
        rows.append([-c for c in row])
        rhs.append(-low)

    def sum_of(values) -> tuple[int, int]:
        ends = [bounds(v) for v in values]
        return sum(low for low, _high in ends), sum(high for _low, high in ends)

    households = [bounds(shown.households), sum_of(h for _d, h, _p in shown.by_day)]
    households.append(sum_of(h for _name, h, _p in shown.by_point))
    people = [bounds(shown.people), sum_of(p for _d, _h, p in shown.by_day)]
    people.append(sum_of(p for _name, _h, p in shown.by_point))
    between({0: 1.0}, max(low for low, _ in households), min(high for _, high in households))
    between({1: 1.0}, max(low for low, _ in people), min(high for _, high in people))
    between({1: 1.0, 0: -1.0}, 0, math.inf)  # at least one person a household
    between({1: 1.0, 0: -50.0}, -math.inf, 0)  # at most 50 (the form's limit)
    for n, code in enumerate(needs, start=2):
        low, high = bounds(published[code])
        between({n: 1.0}, low, high)
        between({n: 1.0, 0: -1.0}, -math.inf, 0)  # no more households with a need than households
    finite = [(row, limit) for row, limit in zip(rows, rhs, strict=True) if math.isfinite(limit)]
    a_ub, b_ub = [row for row, _ in finite], [limit for _, limit in finite]
    found, checked = [], 0
    for n, code in enumerate(needs, start=2):
        if not 1 <= true[code] <= BASE - 1:
            continue
        checked += 1
        c = [0.0] * size
        c[n] = 1.0
        low, high = least_and_most(c, A_ub=a_ub, b_ub=b_ub)
        if low >= 1 or high - low < 2:
            found.append((("need", code), true[code], low, high))
    return checked, found
