"""Figures as they may leave the database: ``dashboards.figures`` read through ``dashboards.suppression``.

Pages, exports, the API and the reports read their figures here and nowhere else, so that one cell is
rounded the same way wherever it is shown. Counts are rounded to base 5 with a key that says what the
cell counts; processing times under ten decisions are ``None``; derived indicators are the sum of their
rounded parts; a ratio divides two rounded counts; a referral answer time under five referrals is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import figures, indicators, suppression
from .figures import Stat
from .indicators import DERIVED, PROCESSING, RATIO, TIME

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
    where nothing was recorded (a 0, or a hidden processing time)."""
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


def totals(
    codes: Iterable[str], country_ids, start: date, end: date, *, window_id: int | None = None
) -> dict[str, Cell]:
    """{indicator: published figure} for the period."""
    codes = list(codes)
    found = grouped(codes, country_ids, start, end, window_id=window_id, groups=[""])
    return {code: found[code][""] for code in codes}


def series(codes: Iterable[str], country_ids, start: date, end: date) -> tuple[str, list[date], dict[str, list[Cell]]]:
    """Published counts per bucket (week, month or quarter) of the period: each bucket is rounded as the
    custom period of the same days would be."""
    codes = list(codes)
    unit, starts, raw = figures.series(codes, country_ids, start, end)
    scope = _scope(list(country_ids) if country_ids is not None else None)
    out: dict[str, list[Cell]] = {}
    for code in codes:
        out[code] = [
            suppression.round_count(value, suppression.cell_key(code, scope))
            for i, value in enumerate(raw[code])
        ]
    return unit, starts, out
