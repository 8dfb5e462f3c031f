"""The tables a dashboard shows, with small numbers suppressed: the one shape pages, exports and the API
share. Each builder reads raw figures from ``dashboards.figures`` and passes every cell through
``dashboards.suppression`` before anything leaves this module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext

from ventanillas.models import Country, InformationWindow

from . import figures, indicators, suppression
from .figures import Stat
from .indicators import DIMENSIONS, PROCESSING, UNIQUE
from .periods import Period

Cell = suppression.Cell


@dataclass
class Row:
    label: str
    cells: list[Cell]
    key: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    total: Row | None = None
    notes: list[str] = field(default_factory=list)
    column_keys: list[str] = field(default_factory=list)


def _shown_column(code: str, values: list, total=None, with_total: bool = False) -> tuple[list[Cell], Cell]:
    """One column of a table, suppressed according to its indicator's kind."""
    if indicators.get(code).kind == PROCESSING:
        shown = [suppression.processing_figure(v.value, v.sample) if isinstance(v, Stat) else None for v in values]
        shown_total = suppression.processing_figure(total.value, total.sample) if isinstance(total, Stat) else None
        return shown, shown_total
    return suppression.suppress_table([int(v or 0) for v in values], int(total or 0) if with_total else None)


def _assemble(key, title, codes, labels, keys, raw, totals=None, notes=()) -> Table:
    """A table of rows (groups) × indicator columns from raw[code][group]; ``totals`` adds a total row."""
    columns: list[list[Cell]] = []
    total_cells: list[Cell] = []
    for code in codes:
        values = [raw.get(code, {}).get(group, figures._empty(code)) for group in keys]
        shown, shown_total = _shown_column(
            code, values, totals.get(code) if totals is not None else None, with_total=totals is not None
        )
        columns.append(shown)
        total_cells.append(shown_total)
    rows = [Row(label, [column[i] for column in columns], keys[i]) for i, label in enumerate(labels)]
    return Table(
        key=key,
        title=title,
        columns=[str(indicators.get(code).name) for code in codes],
        column_keys=list(codes),
        rows=rows,
        total=Row(gettext("Total"), total_cells, "total") if totals is not None else None,
        notes=list(notes),
    )


def summary(country_ids, period: Period, codes=None) -> Table:
    """Every indicator for the period and the period before."""
    codes = list(codes or indicators.INDICATORS)
    previous = period.previous()
    now, before = (
        figures.totals(codes, country_ids, period.start, period.end),
        figures.totals(codes, country_ids, previous.start, previous.end),
    )
    rows = []
    for code in codes:
        cells = [_shown_column(code, [now[code]])[0][0], _shown_column(code, [before[code]])[0][0]]
        rows.append(Row(str(indicators.get(code).name), cells, code))
    return Table(
        key="summary",
        title=gettext("All indicators"),
        columns=[period.label, previous.label],
        column_keys=["current", "previous"],
        rows=rows,
    )


def _value_labels(dimension: str, keys: list[str]) -> list[str]:
    if dimension == "window":
        names = dict(
            InformationWindow.objects.filter(pk__in=[k for k in keys if k.isdigit()]).values_list("pk", "name")
        )
        return [names.get(int(k), gettext("Unknown window")) if k.isdigit() else k for k in keys]
    if dimension == "pathway":
        from cases.models import RegularizationPathway

        pathways = RegularizationPathway.objects.in_bulk([int(k) for k in keys if k.isdigit()])
        return [pathways[int(k)].name if k.isdigit() and int(k) in pathways else k for k in keys]
    if dimension == "country":
        names = {str(c.pk): c.name for c in Country.objects.filter(pk__in=[k for k in keys if k.isdigit()])}
        return [names.get(k, k) for k in keys]
    choices = {str(value): str(label) for value, label in (DIMENSIONS[dimension].choices or (lambda: []))()}
    return [choices.get(k, k) for k in keys]


def _ordered_keys(dimension: str, found: set[str]) -> list[str]:
    dim = DIMENSIONS.get(dimension)
    if dim and dim.choices:
        known = [str(value) for value, _label in dim.choices()]
        return [k for k in known if k in found] + sorted(found - set(known))
    return sorted(found, key=lambda k: (len(k), k))


def breakdown(country_ids, period: Period, dimension: str) -> Table:
    """The indicators that offer ``dimension``, one row per value, with the total of each indicator."""
    codes = [i.code for i in indicators.with_dimension(dimension) if i.kind != PROCESSING]
    raw = figures.grouped(codes, country_ids, period.start, period.end, by=dimension)
    totals = figures.totals(codes, country_ids, period.start, period.end)
    keys = _ordered_keys(dimension, set().union(*(raw[c].keys() for c in codes)) if codes else set())
    notes = [gettext("Counts from 1 to 4 are shown as “<5”, and another small cell is hidden where a total "
                     "would otherwise reveal them.")]  # fmt: skip
    if dimension == "vulnerability":
        notes.append(gettext("A person may have several vulnerabilities or none: the rows do not add up to "
                             "the total."))  # fmt: skip
    if any(indicators.get(c).kind == UNIQUE for c in codes):
        notes.append(gettext("People are counted once in each row where they appear."))
    title = gettext("Breakdown: %(dimension)s") % {"dimension": DIMENSIONS[dimension].name}
    return _assemble(f"by-{dimension}", title, codes, _value_labels(dimension, keys), keys, raw, totals, notes)


def bucket_label(unit: str, start: date) -> str:
    if unit == "week":
        return gettext("Week of %(date)s") % {"date": date_format(start, "SHORT_DATE_FORMAT")}
    if unit == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return gettext("Quarter %(quarter)s of %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def series(country_ids, period: Period, codes=indicators.SERIES) -> Table:
    """The period cut in weeks, months or quarters (rows), for each charted indicator (columns)."""
    codes = list(codes)
    unit, starts, values = figures.series(codes, country_ids, period.start, period.end)
    totals = figures.totals(codes, country_ids, period.start, period.end)
    keys = [d.isoformat() for d in starts]
    raw = {code: dict(zip(keys, values[code], strict=True)) for code in codes}
    labels = [bucket_label(unit, d) for d in starts]
    table = _assemble("series", gettext("Over time"), codes, labels, keys, raw, totals)
    if any(indicators.get(c).kind == UNIQUE for c in codes):
        table.notes.append(gettext("People trained: a person is counted once in each row, so the rows may add "
                                   "up to more than the total."))  # fmt: skip
    return table


REGIONAL_COLUMNS = (
    "consultations",
    "people_assisted",
    "cases_opened",
    "regularized",
    "processing_median",
    "referrals",
    "trained",
    "beneficiaries",
)


def countries(country_list: list[Country], period: Period, codes=REGIONAL_COLUMNS) -> Table:
    """One row per country, with the region's total."""
    ids = [c.pk for c in country_list]
    raw = figures.grouped(codes, ids, period.start, period.end, by="country")
    totals = figures.totals(codes, ids, period.start, period.end)
    keys = [str(pk) for pk in ids]
    labels = [c.name for c in country_list]
    return _assemble("countries", gettext("Countries compared"), list(codes), labels, keys, raw, totals)


PROGRAMME_START = date(2000, 1, 1)


def targets(country: Country | None, period: Period, today: date) -> Table:
    """Targets of the country (or the region) for the period's year and for the whole programme, with
    what was achieved: in the year, or since the start for a programme target."""
    from .models import Target

    found = Target.objects.filter(country=country).filter(year__in=[period.start.year]) | Target.objects.filter(
        country=country, year__isnull=True
    )
    ids = [country.pk] if country else None
    rows = []
    for target in found.order_by("year", "indicator"):
        if target.indicator not in indicators.INDICATORS:
            continue
        if target.year:
            start, end = date(target.year, 1, 1), date(target.year + 1, 1, 1)
            scope = str(target.year)
        else:
            start, end = PROGRAMME_START, today + timedelta(days=1)
            scope = gettext("Whole programme")
        achieved = figures.totals([target.indicator], ids, start, end)[target.indicator]
        shown = suppression.suppress_count(int(achieved)) if not isinstance(achieved, Stat) else None
        share = round(100 * achieved / target.value) if isinstance(shown, int) and target.value else None
        rows.append(Row(f"{indicators.get(target.indicator).name} ({scope})", [target.value, shown, share],
                        target.indicator))  # fmt: skip
    return Table(
        key="targets",
        title=gettext("Targets and results"),
        columns=[gettext("Target"), gettext("Achieved"), gettext("Share of target")],
        column_keys=["target", "achieved", "percent"],
        rows=rows,
    )


def by_key(key: str, *, country_list: list[Country], country: Country | None, period: Period, today: date):
    """The table an export or the API asks for by its key, or None for an unknown key."""
    ids = [c.pk for c in country_list]
    if key == "summary":
        return summary(ids, period)
    if key == "series":
        return series(ids, period)
    if key == "targets":
        return targets(country, period, today)
    if key == "countries" and country is None:
        return countries(country_list, period)
    if key.startswith("by-") and key[3:] in DIMENSIONS:
        if key[3:] == "window" and country is None:
            return None
        return breakdown(ids, period, key[3:])
    return None
