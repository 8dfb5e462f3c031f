"""Figures as they may leave the database: ``dashboards.figures`` read through ``dashboards.suppression``.

Pages, exports, the API and the reports read their figures here and nowhere else, so that one cell is
rounded the same way wherever it is shown. Counts are rounded to base 5 with a key that says what the
cell counts; processing times under ten decisions are ``None``; derived indicators are the sum of their
rounded parts; a ratio divides two rounded counts; a referral answer time under five referrals is ``None``.

Only grid periods are rounded from their own counts: a month, a quarter, a year, the weeks of a month's chart
and the whole programme to the end of a month. A custom run of months publishes the sum of the published
figures of the grid periods it is made of (``periods.pieces``), and no processing time, so it says nothing
the grid does not (``docs/disclosure-control.md``).

The counts of a year's grid are chosen together (``protected``): for one indicator, the region and each country,
the year, its quarters, its months and the weeks of each month, in total and in every breakdown, so that no
published cell, beside the cells it adds up from or to, proves that a count of 1 to 4 is not zero. A cell
outside that table (one window, some countries together, the programme to date) is rounded on its own, with
its breakdown's rows chosen beside their total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from . import figures, indicators, periods, suppression
from .figures import EARLIEST, Stat
from .indicators import COUNT, DERIVED, PROCESSING, RATIO, TIME, UNIQUE
from .models import DailyFact, PeriodUnique

Cell = suppression.Cell


def _with_parts(codes: list[str]) -> list[str]:
    wanted = list(codes)
    for code in codes:
        for part in indicators.get(code).parts:
            if part not in wanted:
                wanted.append(part)
    return wanted


def _scope(country_ids, window_id: int | None = None) -> str:
    return suppression.scope_key(country_ids, window_id=window_id, all_ids=figures._all_countries())


def _protect_raw(code: str, raw, key: str, cell: tuple | None = None) -> Cell:
    """A raw figure as published; ``cell`` (place, first day, day after the last, dimension, group) names it in
    the year's table where it is one of it."""
    indicator = indicators.get(code)
    if indicator.kind == PROCESSING:
        if not isinstance(raw, Stat):
            return None
        return suppression.processing_figure(raw.value, raw.sample)
    if indicator.kind == TIME:
        # A statistic of days, not a count: hidden (None, a dash) below the indicator's sample.
        if not isinstance(raw, Stat) or raw.value is None or raw.sample < indicator.min_sample:
            return None
        return raw.value
    if cell is not None:
        return _cell_figure(code, *cell, raw, key)
    return suppression.round_count(raw, key)


def _ratio(numerator: Cell, denominator: Cell) -> Cell:
    """A ratio of two published (rounded) counts, to two decimals; None where the denominator is 0."""
    if not denominator:
        return None
    return round(int(numerator or 0) / int(denominator), 2)


def is_grid(start: date, end: date) -> bool:
    """A period rounded from its own counts: a month, a quarter, a year, or the programme to a month's end."""
    return bool(figures.standard_period(start, end)) or (start == EARLIEST and periods.on_grid(start, end))


def grouped(
    codes: Iterable[str],
    country_ids,
    start: date,
    end: date,
    *,
    by: str = "",
    window_id: int | None = None,
    groups: Iterable[str] | None = None,
) -> dict[str, dict[str, Cell]]:
    """{indicator: {group: published figure}} like ``figures.grouped``; ``groups`` lists groups to give even
    where nothing was recorded (a 0, or a hidden processing time). A period off the grid is the sum of its
    grid pieces (ValueError for one that is not a run of whole months)."""
    codes = list(codes)
    if not is_grid(start, end):
        return _summed(codes, country_ids, periods.pieces(start, end), by=by, window_id=window_id, groups=groups)
    return _grouped(codes, country_ids, start, end, by=by, window_id=window_id, groups=groups)


def _summed(codes, country_ids, spans, *, by, window_id, groups) -> dict[str, dict[str, Cell]]:
    """A run of months as its grid pieces added up: counts are sums of published counts (people counted once
    in each piece), derived figures follow their parts, ratios divide the sums, times are hidden."""
    wanted = _with_parts(codes)
    found = [_grouped(wanted, country_ids, a, b, by=by, window_id=window_id, groups=groups) for a, b in spans]
    every_group = set(groups or ()).union(*(piece[c].keys() for piece in found for c in wanted))
    out: dict[str, dict[str, Cell]] = {}
    for code in wanted:
        kind = indicators.get(code).kind
        if kind in (PROCESSING, TIME):
            out[code] = dict.fromkeys(every_group)
        elif kind != RATIO:
            out[code] = {g: sum(int(piece[code].get(g) or 0) for piece in found) for g in every_group}
    for code in wanted:
        indicator = indicators.get(code)
        if indicator.kind == RATIO:
            numerator, denominator = indicator.parts
            out[code] = {g: _ratio(out[numerator].get(g), out[denominator].get(g)) for g in every_group}
    return {code: out[code] for code in codes}


def _grouped(codes, country_ids, start, end, *, by="", window_id=None, groups=None) -> dict[str, dict[str, Cell]]:
    codes = list(codes)
    wanted = _with_parts(codes)
    raw = figures.grouped(wanted, country_ids, start, end, by=by, window_id=window_id)
    every_group = set(groups or ()).union(*(raw[c].keys() for c in wanted)) if wanted else set(groups or ())
    ids = list(country_ids) if country_ids is not None else None
    base_scope = _scope(ids, window_id)
    place = _table_place(base_scope, window_id)
    in_table = place is not None and bool(figures.standard_period(start, end))
    if in_table:
        prepare(wanted, [start.year])
    out: dict[str, dict[str, Cell]] = {code: {} for code in wanted}
    for code in wanted:
        if indicators.get(code).kind in (DERIVED, RATIO):
            continue
        for group in every_group:
            value = raw[code].get(group, figures._empty(code))
            if by == "":
                key = suppression.cell_key(code, base_scope)
                cell = (place, start, end, "", "")
            elif by == "country":
                # A country's row of the comparison is that country's own total: one cell, one rounding.
                key = suppression.cell_key(code, _scope([int(group)]))
                cell = (_table_place(_scope([int(group)]), None), start, end, "", "")
            else:
                key = suppression.cell_key(code, base_scope, by, group)
                cell = (place, start, end, by, group)
            out[code][group] = _protect_raw(code, value, key, cell if in_table else None)
    if by not in ("", "country") and not in_table:
        _protect_breakdown(out, raw, wanted, country_ids, start, end, window_id, base_scope)
    for code in wanted:
        indicator = indicators.get(code)
        if indicator.kind == DERIVED:
            for group in every_group:
                out[code][group] = sum(int(out[part].get(group) or 0) for part in indicator.parts)
        elif indicator.kind == RATIO:
            numerator, denominator = indicator.parts
            for group in every_group:
                out[code][group] = _ratio(out[numerator].get(group), out[denominator].get(group))
    return {code: out[code] for code in codes}


def _protect_breakdown(out, raw, codes, country_ids, start, end, window_id, scope) -> None:
    """Rows of a breakdown that add up to their total are published so that, beside the total, they cannot
    prove a small row non-zero (``suppression.protect_rows``). The total is the one ``totals`` publishes."""
    counted = [c for c in codes if indicators.get(c).kind in (COUNT, UNIQUE)]
    if not counted:
        return
    whole = figures.grouped(counted, country_ids, start, end, window_id=window_id)
    for code in counted:
        groups = sorted(out[code])
        truths = [int(raw[code].get(g) or 0) for g in groups]
        total = int(whole[code].get("", 0) or 0)
        if not groups or sum(truths) != total:
            continue  # a breakdown whose rows overlap (a person in two of them) is not a partition
        shown = [int(out[code][g] or 0) for g in groups]
        published_total = suppression.round_count(total, suppression.cell_key(code, scope))
        out[code].update(zip(groups, suppression.protect_rows(truths, shown, published_total), strict=True))


def totals(
    codes: Iterable[str], country_ids, start: date, end: date, *, window_id: int | None = None
) -> dict[str, Cell]:
    """{indicator: published figure} for the period."""
    codes = list(codes)
    found = grouped(codes, country_ids, start, end, window_id=window_id, groups=[""])
    return {code: found[code][""] for code in codes}


def series(codes: Iterable[str], country_ids, start: date, end: date) -> tuple[str, list[date], dict[str, list[Cell]]]:
    """Published counts per bucket (week, month or quarter) of the period. A week of a month's chart, a month
    and a quarter are rounded as that period is on its own; a bucket cut short by a custom period's edge (part
    of a quarter) is the sum of its months, as the custom period of the same months would be."""
    codes = list(codes)
    unit, starts, raw = figures.series(codes, country_ids, start, end)
    scope = _scope(list(country_ids) if country_ids is not None else None)
    place = _table_place(scope, None)
    in_table = place is not None and bool(figures.standard_period(start, end))
    if in_table:
        prepare(codes, [start.year])
    edges = [*starts, end]
    out: dict[str, list[Cell]] = {code: [] for code in codes}
    for i in range(len(starts)):
        a, b = edges[i], edges[i + 1]
        if unit == "week" or is_grid(a, b):
            for code in codes:
                key = suppression.cell_key(code, scope)
                if in_table and (unit != "week" or indicators.get(code).kind == COUNT):
                    out[code].append(_cell_figure(code, place, a, b, "", "", raw[code][i], key))
                else:
                    out[code].append(suppression.round_count(raw[code][i], key))
        else:
            summed = totals(codes, country_ids, a, b)
            for code in codes:
                out[code].append(summed[code])
    if unit == "week" and is_grid(start, end) and not in_table:
        # The weeks of a month add up to the month's events: published beside it as rows beside their total.
        for code in codes:
            if indicators.get(code).kind == COUNT:
                truths = [int(v or 0) for v in raw[code]]
                month = suppression.round_count(sum(truths), suppression.cell_key(code, scope))
                out[code] = suppression.protect_rows(truths, out[code], month)
    return unit, starts, out


# --- the year's table, chosen together ----------------------------------------------------------------------

Place = str  # a ``scope_key``: "all" (the region) or "c<id>" (one country)
CellId = tuple[Place, date, date, str, str]  # (place, first day, day after the last, dimension, group)
WINDOW = "window"


def _grid_of_year(year: int) -> list[tuple[date, date]]:
    """The year, its quarters and its months, as (first day, day after the last)."""
    first = date(year, 1, 1)
    found = [(first, date(year + 1, 1, 1))]
    found += [(periods.add_months(first, m), periods.add_months(first, m + 3)) for m in range(0, 12, 3)]
    found += [(periods.add_months(first, m), periods.add_months(first, m + 1)) for m in range(12)]
    return found


def _places() -> tuple[dict[int, Place], Place]:
    every = figures._all_countries()
    countries = {pk: _scope([pk]) for pk in sorted(every)}
    region = _scope(None)
    if len(countries) < 2:
        countries = {}  # one country is the region itself: one set of cells
    return countries, region


def _year_counts(code: str, year: int) -> dict[CellId, int]:
    """The true counts of the indicator's table of the year (see ``_years_counts``)."""
    return _years_counts([code], year)[code]


def _years_counts(codes: list[str], year: int) -> dict[str, dict[CellId, int]]:
    """The true counts of the indicators' tables of the year, read from the roll-ups as ``figures.grouped``
    reads them (a few queries for all the indicators together): every place, grid period (and, for events,
    week of a month), breakdown and row. People by window in the whole region (counted from the daily rows,
    with the people seen at no window) are left out: those cells are rounded on their own."""
    countries, region = _places()
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    found: dict[str, dict[CellId, int]] = {code: defaultdict(int) for code in codes}
    grid = _grid_of_year(year)

    def add(code, country_id, start, end, dim, group, n) -> None:
        if not n:
            return
        if country_id in countries:
            found[code][(countries[country_id], start, end, dim, group)] += n
        found[code][(region, start, end, dim, group)] += n

    counted = [c for c in codes if indicators.get(c).kind == indicators.COUNT]
    if counted:
        rows = DailyFact.objects.filter(indicator__in=counted, day__gte=first, day__lt=after).order_by()
        monthly = defaultdict(int)
        by_value = rows.annotate(m=TruncMonth("day")).values("indicator", "country_id", "dimension", "value", "m")
        for row in by_value.annotate(n=Sum("count")):
            group = row["value"] if row["dimension"] else ""
            monthly[(row["indicator"], row["country_id"], _as_date(row["m"]), row["dimension"], group)] += row["n"]
        by_window = (
            rows.filter(dimension="").annotate(m=TruncMonth("day")).values("indicator", "country_id", "window_id", "m")
        )
        for row in by_window.annotate(n=Sum("count")):
            key = (row["indicator"], row["country_id"], _as_date(row["m"]), WINDOW, str(row["window_id"]))
            monthly[key] += row["n"]
        for (code, country_id, month, dim, group), n in monthly.items():
            for start, end in grid:
                if start <= month < end:
                    add(code, country_id, start, end, dim, group, n)
        weeks = {}
        for start, end in grid[5:]:
            _unit, starts = figures.bucket_starts(start, end)
            weeks[start] = list(zip(starts, [*starts[1:], end], strict=True))
        daily = rows.filter(dimension="").values("indicator", "country_id", "day").annotate(n=Sum("count"))
        for row in daily:
            day = row["day"]
            for a, b in weeks[day.replace(day=1)]:
                if a <= day < b:
                    add(row["indicator"], row["country_id"], a, b, "", "", row["n"])
    people = [c for c in codes if indicators.get(c).kind == indicators.UNIQUE]
    kinds = {"year": 12, "quarter": 3, "month": 1}
    rows = PeriodUnique.objects.filter(indicator__in=people, kind__in=kinds, start__gte=first, start__lt=after)
    for row in rows.order_by().values("indicator", "country_id", "kind", "start", "dimension", "value", "count"):
        start = row["start"]
        end = periods.add_months(start, kinds[row["kind"]])
        group = row["value"] if row["dimension"] else ""
        cells = found[row["indicator"]]
        if row["country_id"] is None:
            if row["dimension"] != WINDOW and row["count"]:
                cells[(region, start, end, row["dimension"], group)] += row["count"]
        elif row["count"] and row["country_id"] in countries:
            cells[(countries[row["country_id"]], start, end, row["dimension"], group)] += row["count"]
    return {code: dict(cells) for code, cells in found.items()}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _year_relations(cells: Iterable[CellId], year: int) -> list[suppression.Relation]:
    """What adds up to what in the year's table: a breakdown's rows to their total, the countries to the
    region, the months to their quarter, the quarters to the year, the weeks of a month's chart to the month."""
    countries, region = _places()
    grid = _grid_of_year(year)
    streams: dict[tuple, set] = defaultdict(set)  # (place, dimension, group): periods
    rows: dict[tuple, list[CellId]] = defaultdict(list)  # (place, period): breakdown cells
    for cell in cells:
        place, start, end, dim, group = cell
        streams[(place, dim, group)].add((start, end))
        if dim:
            rows[(place, start, end)].append(cell)
    relations: list[suppression.Relation] = []
    for (place, start, end), members in rows.items():
        by_dim = defaultdict(list)
        for cell in members:
            by_dim[cell[3]].append(cell)
        for parts in by_dim.values():
            relations.append(((place, start, end, "", ""), sorted(parts)))
    year_span, quarters, months = grid[0], grid[1:5], grid[5:]
    for (place, dim, group), spans in streams.items():
        relations.append(((place, *year_span, dim, group), [(place, *q, dim, group) for q in quarters]))
        for q_start, q_end in quarters:
            inside = [(place, a, b, dim, group) for a, b in months if q_start <= a < q_end]
            relations.append(((place, q_start, q_end, dim, group), inside))
        if not dim:
            for m_start, m_end in months:
                inside = sorted((place, a, b, dim, group) for a, b in spans if m_start <= a and b <= m_end
                                and (a, b) != (m_start, m_end))  # fmt: skip
                if inside:
                    relations.append(((place, m_start, m_end, dim, group), inside))
    if countries:
        for (place, dim, group), spans in list(streams.items()):
            if place != region:
                continue
            for start, end in spans:
                relations.append(
                    ((region, start, end, dim, group), [(c, start, end, dim, group) for c in countries.values()])
                )
    return relations


def _key_of(code: str, cell: CellId) -> str:
    place, _start, _end, dim, group = cell
    return suppression.cell_key(code, place, dim, group)


def _protect_year(code: str, year: int) -> dict[CellId, tuple[int, int]]:
    """The cells of the year's table whose figure the table moved from their own rounding:
    {cell: (true count, published figure)}."""
    return _protect_years([code], year)[code]


def _protect_years(codes: list[str], year: int) -> dict[str, dict[CellId, tuple[int, int]]]:
    out = {}
    for code, truths in _years_counts(codes, year).items():
        keys = {cell: _key_of(code, cell) for cell in truths}
        shown = suppression.protect_table(truths, keys, _year_relations(truths, year))
        out[code] = {
            cell: (truths[cell], figure)
            for cell, figure in shown.items()
            if figure != suppression.round_count(truths[cell], keys[cell])
        }
    return out


def prepare(codes: Iterable[str], years: Iterable[int]) -> None:
    """Within a page (``figures.memo``), have the year's tables of these indicators at hand, the missing ones
    computed together (a few queries for all of them, rather than a few for each)."""
    page = figures._memo.get()
    if page is None:
        return
    counted = [c for c in codes if indicators.get(c).kind in (COUNT, UNIQUE)]
    for year in set(years):
        missing = [c for c in counted if ("protected", c, year) not in page]
        if missing:
            found = figures._shared(
                "protected", missing, (None, year), lambda wanted, year=year: _protect_years(wanted, year)
            )
            for code, moved in found.items():
                page[("protected", code, year)] = moved


def warm(years: Iterable[int]) -> int:
    """Compute the year tables of every counted indicator for ``years`` and keep them in the shared cache, so
    that the first dashboard after a roll-up change reads them instead of computing them while an officer
    waits (the refresh and rebuild tasks call it once they have written). Returns how many tables were
    computed (0 where the cache already held them, or when the cache is down)."""
    codes = [code for code, indicator in indicators.INDICATORS.items() if indicator.kind in (COUNT, UNIQUE)]
    computed = 0
    for year in sorted(set(years)):

        def read(wanted, year=year):
            nonlocal computed
            computed += len(wanted)
            return _protect_years(wanted, year)

        figures._shared("protected", codes, (None, year), read)
    return computed


def protected(code: str, year: int) -> dict[CellId, tuple[int, int]]:
    """``_protect_year``, kept in the shared cache until the roll-ups change (and once per page)."""
    page = figures._memo.get()
    memo_key = ("protected", code, year)
    if page is not None and memo_key in page:
        return page[memo_key]
    found = figures._shared("protected", [code], (None, year), lambda codes: _protect_years(codes, year))[code]
    if page is not None:
        page[memo_key] = found
    return found


def _table_place(scope: str, window_id: int | None) -> Place | None:
    """The place of the year's table a scope is (the region or one country), or None (a window, some
    countries together)."""
    if window_id is not None:
        return None
    countries, region = _places()
    return scope if scope == region or scope in countries.values() else None


def _cell_figure(code: str, place: Place | None, start: date, end: date, dim: str, group: str, value, key: str):
    """A count's published figure: the year's table's where the cell is one of it (and its count is the one
    the table was chosen with), else its own rounding."""
    count = int(value or 0)
    if place is not None and (figures.standard_period(start, end) or _is_week(start, end)):
        moved = protected(code, start.year).get((place, start, end, dim, group))
        if moved is not None and moved[0] == count:
            return moved[1]
    return suppression.round_count(count, key)


def _is_week(start: date, end: date) -> bool:
    """A week of a month's chart (the table holds those of every month)."""
    return (
        start.year == (end - date.resolution).year
        and (end - start).days <= 7
        and start.month == (end - date.resolution).month
    )
