"""Reading the roll-ups: a period's raw figures for one country, several, or the whole region, kept in the shared
cache until the roll-ups change. ``dashboards.published`` rounds them. See docs/speed.md."""

from __future__ import annotations

import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from ventanillas.models import Country

from . import indicators, rollups
from .indicators import COUNT, DERIVED, PROCESSING, RATIO, TIME, UNIQUE, Indicator
from .models import DailyFact, PeriodUnique, ProcessingFact, UniqueFact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stat:
    """A processing-time statistic and the number of decisions behind it."""

    value: float | None
    sample: int


def percentile(histogram: Sequence[tuple[int, int]], statistic: str) -> Stat:
    """Median (the middle value, or the mean of the two middle ones) or 90th percentile (nearest rank)
    of a histogram of (days, how many)."""
    pairs = sorted((days, n) for days, n in histogram if n)
    total = sum(n for _days, n in pairs)
    if not total:
        return Stat(None, 0)

    def nth(rank: int) -> int:  # 1-based
        seen = 0
        for days, n in pairs:
            seen += n
            if seen >= rank:
                return days
        return pairs[-1][0]

    if statistic == "median":
        if total % 2:
            value: float = nth((total + 1) // 2)
        else:
            value = (nth(total // 2) + nth(total // 2 + 1)) / 2
    else:
        value = nth(math.ceil(0.9 * total))
    return Stat(value, total)


def _filters(country_ids: Iterable[int] | None, start: date, end: date, window_id: int | None = None) -> dict:
    """Filters on a roll-up table: ``end`` is the day after the last."""
    found = {"day__gte": start, "day__lt": end}
    if country_ids is not None:
        found["country_id__in"] = list(country_ids)
    if window_id is not None:
        found["window_id"] = window_id
    return found


def _kinds(codes: Iterable[str]) -> dict[str, list[Indicator]]:
    by_kind: dict[str, list[Indicator]] = defaultdict(list)
    for code in codes:
        indicator = indicators.get(code)
        by_kind[indicator.kind].append(indicator)
        for part in indicator.parts:
            by_kind[indicators.get(part).kind].append(indicators.get(part))
    return by_kind


_memo: ContextVar[dict | None] = ContextVar("dashboards_figures_memo", default=None)


@contextmanager
def memo():
    """Within this block, a figure asked for twice (the summary, a breakdown's total, the targets all need
    this period's totals) is read once, and the roll-ups' stamp (see ``_shared``) is read once. Used around
    the building of one page."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


# Part of every key: raise it when what a cached figure means or holds changes (or when a migration rewrites
# roll-up rows without stamping them), so that a deploy does not serve the figures of before until the
# roll-ups next change.
CACHE_FORMAT = 3
CACHE_SECONDS = 24 * 3600  # a key holds until the roll-ups change; this only lets the unused ones go
_DOWN = "cache down"


def _written_at(country_ids) -> str:
    """The stamp of the roll-ups a figure of these countries reads (each country's own, the whole's for the
    region): a change in Costa Rica leaves Panama's cached figures valid. Every stamp is read once per page
    within a ``memo`` block, else at each call."""
    return rollups.written_at(country_ids, _page_stamps())


def _page_stamps() -> dict[str, str] | None:
    """The roll-ups' stamps, read once per ``memo`` block (None outside one: each caller reads its own)."""
    page = _memo.get()
    if page is None:
        return None
    if "stamps" not in page:
        page["stamps"] = rollups.stamps()
    return page["stamps"]


# The disclosure control's year tables (``published.prepare``/``warm``, scope (None, year)) read only the roll-up
# rows of their year's days: they are keyed by that year's stamp, so a refresh of this year's days keeps the
# tables of earlier years (which a custom period and its previous period reach) in the cache.
YEAR_TABLES = "protected"


def _year_written_at(year: int) -> str:
    return rollups.year_written_at(year, _page_stamps())


def _cache_key(kind: str, code: str, scope: tuple, written_at: str) -> str:
    text = repr((CACHE_FORMAT, kind, code, scope, written_at))
    return f"dashboards:{kind}:{code}:" + hashlib.sha256(text.encode()).hexdigest()


def _shared(kind: str, codes: list[str], scope: tuple, read) -> dict:
    """{code: figure} for ``codes``, from the shared cache where it holds them, the others from
    ``read(missing codes)`` (which gives {code: figure}) and then kept. ``scope`` is everything else the
    figures depend on; the key adds the roll-ups' stamp. With the cache down, everything is read."""
    if not codes:
        return {}
    page = _memo.get()
    if page is not None and page.get(_DOWN):
        return read(codes)
    written_at = _year_written_at(scope[1]) if kind == YEAR_TABLES else _written_at(scope[0])
    keys = {code: _cache_key(kind, code, scope, written_at) for code in codes}
    try:
        kept = cache.get_many(list(keys.values()))
    except Exception:  # a cache that is down must not take the dashboard with it
        logger.warning("cache unreachable: the dashboard's figures are read from the roll-ups")
        if page is not None:
            page[_DOWN] = True  # one warning (and one wait for the cache) per page
        return read(codes)
    found = {code: kept[key] for code, key in keys.items() if key in kept}
    missing = [code for code in codes if code not in found]
    if missing:
        fresh = read(missing)
        found.update((code, fresh[code]) for code in missing)
        try:
            cache.set_many({keys[code]: fresh[code] for code in missing}, CACHE_SECONDS)
        except Exception:
            logger.warning("cache unreachable: the dashboard's figures were read but not kept")
            if page is not None:
                page[_DOWN] = True
    return {code: found[code] for code in codes}


def _ids(country_ids: Iterable[int] | None) -> tuple[int, ...] | None:
    """Country ids as part of a key: their order does not change a figure."""
    return tuple(sorted(country_ids)) if country_ids is not None else None


def grouped(
    codes: Iterable[str],
    country_ids: Iterable[int] | None,
    start: date,
    end: date,
    *,
    by: str = "",
    window_id: int | None = None,
) -> dict[str, dict[str, int | Stat]]:
    """{indicator: {group: figure}}: ``by`` "" for the total (group ""), "country" for one group per
    country (its id as text), "window", or a breakdown dimension. Processing indicators give a Stat.
    Read from the page's memo, else the shared cache, else the roll-ups."""
    codes = list(codes)
    country_ids = list(country_ids) if country_ids is not None else None
    scope = (_ids(country_ids), start, end, by, window_id)

    def read(wanted: list[str]) -> dict:
        return _shared("grouped", wanted, scope, lambda missing: _grouped(
            missing, country_ids, start, end, by=by, window_id=window_id))  # fmt: skip

    page = _memo.get()
    if page is None:
        return read(codes)
    missing = [code for code in codes if (code, *scope) not in page]
    if missing:
        for code, found in read(missing).items():
            page[(code, *scope)] = found
    return {code: page[(code, *scope)] for code in codes}


def _grouped(
    codes: Iterable[str],
    country_ids: Iterable[int] | None,
    start: date,
    end: date,
    *,
    by: str = "",
    window_id: int | None = None,
) -> dict[str, dict[str, int | Stat]]:
    codes = list(codes)
    kinds = _kinds(codes)
    filters = _filters(country_ids, start, end, window_id)
    result: dict[str, dict[str, int | Stat]] = defaultdict(dict)
    if by in ("", "country", "window"):
        dimension, group_field = "", {"": None, "country": "country_id", "window": "window_id"}[by]
    else:
        dimension, group_field = by, "value"

    def fields() -> list[str]:
        return ["indicator", group_field] if group_field else ["indicator"]

    def key(row) -> str:
        return "" if not group_field else str(row[group_field])

    counted = {i.code for i in kinds[COUNT]}
    if counted:
        rows = (
            DailyFact.objects.filter(dimension=dimension, indicator__in=counted, **filters)
            .values(*fields())
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in rows:
            result[row["indicator"]][key(row)] = row["n"]
    unique = {i.code for i in kinds[UNIQUE]}
    if unique:
        for indicator, group, n in _unique_counts(unique, country_ids, start, end, dimension, by, window_id):
            result[indicator][group] = n
    processing = kinds[PROCESSING]
    if processing and by in ("", "country", "window", "pathway"):
        group = {"": None, "country": "country_id", "window": "window_id", "pathway": "pathway_id"}[by]
        values = ["days"] + ([group] if group else [])
        rows = ProcessingFact.objects.filter(**filters).values(*values).annotate(n=Sum("count")).order_by()
        histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row in rows:
            histograms["" if not group else str(row[group])].append((row["days"], row["n"]))
        for indicator in processing:
            for group_key, histogram in histograms.items():
                result[indicator.code][group_key] = percentile(histogram, indicator.statistic)
    timed = kinds[TIME]
    if timed and by in ("", "country", "window"):
        group = {"": None, "country": "country_id", "window": "window_id"}[by]
        for indicator in timed:
            rows = (
                DailyFact.objects.filter(indicator=indicator.histogram, dimension="days", **filters)
                .values(*(["value"] + ([group] if group else [])))
                .annotate(n=Sum("count"))
                .order_by()
            )
            histograms = defaultdict(list)
            for row in rows:
                histograms["" if not group else str(row[group])].append((int(row["value"]), row["n"]))
            for group_key, histogram in histograms.items():
                result[indicator.code][group_key] = percentile(histogram, indicator.statistic)
    for code in codes:
        indicator = indicators.get(code)
        if indicator.kind == DERIVED:
            groups = set().union(*(result.get(part, {}).keys() for part in indicator.parts))
            for group_key in groups:
                result[code][group_key] = sum(result.get(part, {}).get(group_key, 0) for part in indicator.parts)
        elif indicator.kind == RATIO:
            numerator, denominator = (result.get(part, {}) for part in indicator.parts)
            for group_key in set(numerator) | set(denominator):
                below = denominator.get(group_key, 0)
                result[code][group_key] = numerator.get(group_key, 0) / below if below else None
    return {code: dict(result.get(code, {})) for code in codes}


def standard_period(start: date, end: date) -> str:
    """ "month", "quarter" or "year" when [start, end) is exactly one of them, else ""."""
    if start.day != 1:
        return ""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day != 1:
        return ""
    if months == 1:
        return "month"
    if months == 3 and start.month % 3 == 1:
        return "quarter"
    if months == 12 and start.month == 1:
        return "year"
    return ""


def _all_countries() -> set[int]:
    cache = _memo.get()
    if cache is not None and "countries" in cache:
        return cache["countries"]
    found = set(Country.objects.values_list("pk", flat=True))
    if cache is not None:
        cache["countries"] = found
    return found


# No roll-up row is older than this: a period that starts here (the whole programme) begins before anything.
EARLIEST = date(2000, 1, 1)


def _unique_counts(codes, country_ids, start, end, dimension, by, window_id):
    """(indicator, group, people) rows: from the per-period table for a whole month, quarter or year,
    else from the daily rows. There a person is counted on the first of their rows in the period: a row whose
    previous day (see ``UniqueFact``) is empty or before ``start``; the previous day in any country for the
    whole region (in total or per breakdown value), the one in the same country for one country or one row
    per country. For anything else (a window, some countries together) distinct people are counted."""
    kind = standard_period(start, end)
    ids = set(country_ids) if country_ids is not None else None
    region = ids is None or ids >= _all_countries()
    if kind and window_id is None:
        rows = PeriodUnique.objects.filter(kind=kind, start=start, indicator__in=codes).order_by()
        if by == "country":
            rows = rows.filter(country_id__in=ids if ids is not None else _all_countries(), dimension="")
            return [(r.indicator, str(r.country_id), r.count) for r in rows]
        stored_dimension = "window" if by == "window" else dimension
        if region and by != "window":
            return [(r.indicator, r.value, r.count) for r in rows.filter(country=None, dimension=stored_dimension)]
        if ids is not None and len(ids) == 1:
            rows = rows.filter(country_id__in=ids, dimension=stored_dimension)
            return [(r.indicator, r.value, r.count) for r in rows]
    group_field = {"": None, "country": "country_id", "window": "window_id"}.get(by, "value")
    fields = ["indicator", group_field] if group_field else ["indicator"]
    rows = UniqueFact.objects.filter(
        dimension=dimension, indicator__in=codes, **_filters(country_ids, start, end, window_id)
    )
    previous = None
    if window_id is None and by != "window":
        if by == "country" or (ids is not None and len(ids) == 1):
            previous = "previous_day_in_country"
        elif region:
            previous = "previous_day"
    if previous:
        first = Q(**{f"{previous}__isnull": True})
        if start > EARLIEST:
            first |= Q(**{f"{previous}__lt": start})
        # else: nothing happened before the period, so only first-ever rows count, read from a partial index
        # that holds them alone (the whole programme's people: 0.65 s over every row, a few ms this way).
        rows = rows.filter(first).values(*fields).annotate(n=Count("*"))
    else:
        rows = rows.values(*fields).annotate(n=Count("subject", distinct=True))
    rows = rows.order_by()
    return [(r["indicator"], "" if not group_field else str(r[group_field]), r["n"]) for r in rows]


def totals(
    codes: Iterable[str], country_ids: Iterable[int] | None, start: date, end: date, *, window_id: int | None = None
) -> dict[str, int | Stat]:
    """{indicator: figure} for the period (0, or an empty Stat, where nothing happened)."""
    codes = list(codes)
    found = grouped(codes, country_ids, start, end, window_id=window_id)
    return {code: found[code].get("", _empty(code)) for code in codes}


def _empty(code: str) -> int | Stat | None:
    kind = indicators.get(code).kind
    if kind in (PROCESSING, TIME):
        return Stat(None, 0)
    return None if kind == RATIO else 0


def bucket_starts(start: date, end: date) -> tuple[str, list[date]]:
    """How a period's time series is cut: weeks for a month or less, months up to two years, else
    quarters. Returns the unit and the first day of each bucket (the first clipped to ``start``)."""
    length = (end - start).days
    starts = [start]
    if length <= 31:
        unit = "week"
        day = start + timedelta(days=7 - start.weekday())
        while day < end:
            starts.append(day)
            day += timedelta(days=7)
        return unit, starts
    step = 1 if length <= 731 else 3
    unit = "month" if step == 1 else "quarter"
    month_index = start.year * 12 + start.month - 1
    month_index = month_index - (month_index % step) + step
    while True:
        day = date(month_index // 12, month_index % 12 + 1, 1)
        if day >= end:
            break
        starts.append(day)
        month_index += step
    return unit, starts


def series(
    codes: Iterable[str], country_ids: Iterable[int] | None, start: date, end: date
) -> tuple[str, list[date], dict[str, list[int]]]:
    """Counts per bucket of the period for COUNT and UNIQUE indicators (a person counted once per bucket),
    kept in the shared cache like ``grouped``."""
    codes = list(codes)
    country_ids = list(country_ids) if country_ids is not None else None
    unit, starts = bucket_starts(start, end)
    found = _shared("series", codes, (_ids(country_ids), start, end),
                    lambda missing: _series(missing, country_ids, start, end))  # fmt: skip
    return unit, starts, found


def _series(codes: list[str], country_ids: list[int] | None, start: date, end: date) -> dict[str, list[int]]:
    _unit, starts = bucket_starts(start, end)
    edges = [*starts, end]
    out: dict[str, list[int]] = {}
    count_codes = [c for c in codes if indicators.get(c).kind == COUNT]
    daily: dict[str, dict[date, int]] = defaultdict(dict)
    if count_codes:
        rows = (
            DailyFact.objects.filter(dimension="", indicator__in=count_codes, **_filters(country_ids, start, end))
            .values("indicator", "day")
            .annotate(n=Sum("count"))
            .order_by()
        )
        for row in rows:
            daily[row["indicator"]][row["day"]] = row["n"]
    # People are counted once per bucket: every such indicator's figures of a bucket in one read (the series
    # as a whole is what the shared cache keeps, so the buckets go to the roll-ups directly).
    unique_codes = [c for c in codes if indicators.get(c).kind == UNIQUE]
    buckets = (
        [_grouped(unique_codes, country_ids, edges[i], edges[i + 1]) for i in range(len(starts))]
        if unique_codes
        else []
    )
    for code in codes:
        indicator = indicators.get(code)
        if indicator.kind == COUNT:
            values = [0] * len(starts)
            index = 0
            for day in sorted(daily[code]):
                while day >= edges[index + 1]:
                    index += 1
                values[index] += daily[code][day]
            out[code] = values
        elif indicator.kind == UNIQUE:
            out[code] = [bucket[code].get("", 0) for bucket in buckets]
    return out
