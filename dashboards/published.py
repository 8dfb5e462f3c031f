"""Figures as they may leave the database: ``dashboards.figures`` read through ``dashboards.suppression``.

Pages, exports, the API and the reports read their figures here and nowhere else, so that one cell is
rounded the same way wherever it is shown. Counts are rounded to base 5 with a key that says what the
cell counts; processing times under ten decisions are ``None``; derived indicators are the sum of their
rounded parts; a ratio divides two rounded counts; a referral answer time under five referrals is ``None``.

Only grid periods are rounded from their own counts: a month, a quarter, a year, the weeks of a month's chart
and the whole programme to the end of a month. A custom run of months publishes the sum of the published
figures of the grid periods it is made of (``periods.pieces``), and no processing time, so it says nothing
the grid does not (``docs/disclosure-control.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import figures, indicators, periods, suppression
from .figures import EARLIEST, Stat
from .indicators import COUNT, DERIVED, PROCESSING, RATIO, TIME, UNIQUE

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


def _protect_raw(code: str, raw, key: str) -> Cell:
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
    out: dict[str, dict[str, Cell]] = {code: {} for code in wanted}
    for code in wanted:
        if indicators.get(code).kind in (DERIVED, RATIO):
            continue
        for group in every_group:
            value = raw[code].get(group, figures._empty(code))
            if by == "":
                key = suppression.cell_key(code, base_scope)
            elif by == "country":
                # A country's row of the comparison is that country's own total: one cell, one rounding.
                key = suppression.cell_key(code, _scope([int(group)]))
            else:
                key = suppression.cell_key(code, base_scope, by, group)
            out[code][group] = _protect_raw(code, value, key)
    if by not in ("", "country"):
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
    edges = [*starts, end]
    out: dict[str, list[Cell]] = {code: [] for code in codes}
    for i in range(len(starts)):
        a, b = edges[i], edges[i + 1]
        if unit == "week" or is_grid(a, b):
            for code in codes:
                out[code].append(suppression.round_count(raw[code][i], suppression.cell_key(code, scope)))
        else:
            summed = totals(codes, country_ids, a, b)
            for code in codes:
                out[code].append(summed[code])
    if unit == "week" and is_grid(start, end):
        # The weeks of a month add up to the month's events: published beside it as rows beside their total.
        for code in codes:
            if indicators.get(code).kind == COUNT:
                truths = [int(v or 0) for v in raw[code]]
                month = suppression.round_count(sum(truths), suppression.cell_key(code, scope))
                out[code] = suppression.protect_rows(truths, out[code], month)
    return unit, starts, out
