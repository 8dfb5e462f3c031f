"""The tables a dashboard shows: the one shape pages, exports, the API and the reports share. Each builder
reads published (rounded) figures from ``dashboards.published``; no raw count reaches this module."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from helpers.marked import Marked
from ventanillas.models import Country, InformationWindow

from . import indicators, published, suppression
from .figures import EARLIEST
from .indicators import DIMENSIONS, PROCESSING, TIME, UNIQUE
from .periods import Period, add_months

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
    short_labels: list[str] = field(default_factory=list)  # a time series: each period in a few letters


def _assemble(key, title, codes, labels, keys, published, totals=None, notes=(), keep_empty=True) -> Table:
    """A table of rows (groups) × indicator columns from published[code][group]; ``totals`` adds a total
    row. Without ``keep_empty``, a row whose every figure is 0 or hidden is left out: its absence then says
    no more than its zeros would (a row shown only when something was recorded would tell that someone was)."""
    rows = []
    for group, label in zip(keys, labels, strict=True):
        cells = [published.get(code, {}).get(group) for code in codes]
        if not keep_empty and not any(cells):
            continue
        rows.append(Row(label, cells, group))
    return Table(
        key=key,
        title=title,
        columns=[str(indicators.get(code).name) for code in codes],
        column_keys=list(codes),
        rows=rows,
        total=Row(gettext("Total"), [totals.get(code) for code in codes], "total") if totals is not None else None,
        notes=list(notes),
    )


def _read(codes, start: date, end: date) -> list[str]:
    """The indicators worth reading for the period: a custom run of months publishes no processing time
    (``published``: its pieces' times are hidden), so those are not read from the roll-ups at all (each piece's
    histograms were half of a custom period's first view) and the tables show them hidden, as they would."""
    if published.is_grid(start, end):
        return list(codes)
    return [code for code in codes if indicators.get(code).kind not in (PROCESSING, TIME)]


def _totals(codes, country_ids, start: date, end: date) -> dict[str, Cell]:
    """``published.totals`` of the indicators, those not published for the period as None (hidden)."""
    found = published.totals(_read(codes, start, end), country_ids, start, end)
    return {code: found.get(code) for code in codes}


def summary(country_ids, period: Period, codes=None) -> Table:
    """Every indicator for the period and the period before."""
    codes = list(codes or indicators.INDICATORS)
    previous = period.previous()
    now = _totals(codes, country_ids, period.start, period.end)
    before = _totals(codes, country_ids, previous.start, previous.end)
    rows = [Row(str(indicators.get(code).name), [now[code], before[code]], code) for code in codes]
    return Table(
        key="summary",
        title=gettext("All indicators"),
        columns=[period.label, previous.label],
        column_keys=["current", "previous"],
        rows=rows,
        notes=[*period_notes(period), str(REFERRAL_NOTE)],
    )


REFERRAL_NOTE = gettext_lazy(
    "Referrals per case divides the rounded referrals by the rounded cases opened (“—” when that is 0). "
    "“—” also marks a referral answer time backed by fewer than five answered referrals."
)


PROTECTION_NOTE = gettext_lazy(
    "To protect the people behind the figures, every count is rounded to a multiple of 5: a count from 1 to 4 "
    "is always shown as 0 and one from 5 to 9 now and then, so 0 stands for 0 to 9 people and 5 for 5 to 9. "
    "Each figure and each total is "
    "rounded on its own, so rows may not add up to their total. “—” marks a processing time that is not shown "
    "because fewer than ten decisions back it."
)


def protection_note() -> str:
    return str(PROTECTION_NOTE)


CUSTOM_NOTE = gettext_lazy(
    "A run of months is published as the sum of the published figures of the years, quarters and months it is "
    "made of, so that it gives nothing back that they do not: a person who came in two of them is counted in "
    "each, and processing times (“—”) are published only for a month, a quarter or a year."
)


def period_notes(period: Period) -> list[str]:
    """The protection note, and for a custom run of months how its figures are added up."""
    notes = [protection_note()]
    if not published.is_grid(period.start, period.end):
        notes.append(str(CUSTOM_NOTE))
    return notes


def country_order(country_list):
    """Countries in the alphabetical order of their names in the reader's language (accents aside)."""

    def key(country) -> str:
        text = unicodedata.normalize("NFKD", str(country.name))
        return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()

    return sorted(country_list, key=key)


def _value_labels(dimension: str, keys: list[str]) -> list[str]:
    if dimension == "window":
        windows = InformationWindow.objects.filter(pk__in=[k for k in keys if k.isdigit()]).select_related("country")
        names = {w.pk: Marked(w.name, w.written_in) for w in windows}  # a window's name keeps its language
        return [names.get(int(k), gettext("Unknown window")) if k.isdigit() else k for k in keys]
    if dimension == "pathway":
        from cases.models import RegularizationPathway

        pathways = RegularizationPathway.objects.in_bulk([int(k) for k in keys if k.isdigit()])
        return [
            Marked(pathways[int(k)].name, pathways[int(k)].name_language) if k.isdigit() and int(k) in pathways else k
            for k in keys
        ]
    if dimension == "country":
        names = {str(c.pk): c.name for c in Country.objects.filter(pk__in=[k for k in keys if k.isdigit()])}
        return [names.get(k, k) for k in keys]
    # A label that knows its language (a country named in French on a Kreyòl page) is kept as it is.
    choices = {
        str(value): label if isinstance(label, str) else str(label)
        for value, label in (DIMENSIONS[dimension].choices or (lambda: []))()
    }
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
    found = published.grouped(_read(codes, period.start, period.end), country_ids, period.start, period.end,
                              by=dimension)  # fmt: skip
    found = {code: found.get(code, {}) for code in codes}
    totals = _totals(codes, country_ids, period.start, period.end)
    keys = _ordered_keys(dimension, set().union(*(found[c].keys() for c in codes)) if codes else set())
    notes = period_notes(period)
    if dimension == "vulnerability":
        notes.append(gettext("A person may have several vulnerabilities or none: the rows do not add up to "
                             "the total."))  # fmt: skip
    if any(indicators.get(c).kind == UNIQUE for c in codes):
        notes.append(gettext("People are counted once in each row where they appear."))
    title = gettext("Breakdown: %(dimension)s") % {"dimension": DIMENSIONS[dimension].name}
    return _assemble(f"by-{dimension}", title, codes, _value_labels(dimension, keys), keys, found, totals, notes,
                     keep_empty=False)  # fmt: skip


def bucket_label(unit: str, start: date) -> str:
    if unit == "week":
        return gettext("Week of %(date)s") % {"date": date_format(start, "SHORT_DATE_FORMAT")}
    if unit == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return gettext("Quarter %(quarter)s of %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def short_bucket_label(unit: str, start: date) -> str:
    if unit == "week":
        return date_format(start, "SHORT_DATE_FORMAT")
    if unit == "month":
        return date_format(start, "M Y")
    return gettext("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}


def series(country_ids, period: Period, codes=indicators.SERIES) -> Table:
    """The period cut in weeks, months or quarters (rows), for each charted indicator (columns)."""
    codes = list(codes)
    unit, starts, values = published.series(codes, country_ids, period.start, period.end)
    totals = published.totals(codes, country_ids, period.start, period.end)
    keys = [d.isoformat() for d in starts]
    found = {code: dict(zip(keys, values[code], strict=True)) for code in codes}
    labels = [bucket_label(unit, d) for d in starts]
    table = _assemble("series", gettext("Over time"), codes, labels, keys, found, totals, period_notes(period))
    table.short_labels = [short_bucket_label(unit, d) for d in starts]
    if any(indicators.get(c).kind == UNIQUE for c in codes):
        table.notes.append(gettext("People regularized and people trained: a person is counted once in each "
                                   "row, so the rows may add up to more than the total."))  # fmt: skip
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
    """One row per country (in the reader's alphabetical order), with the region's total."""
    country_list = country_order(country_list)
    ids = [c.pk for c in country_list]
    keys = [str(pk) for pk in ids]
    found = published.grouped(_read(codes, period.start, period.end), ids, period.start, period.end, by="country",
                              groups=keys)  # fmt: skip
    totals = _totals(codes, ids, period.start, period.end)
    labels = [c.name for c in country_list]
    return _assemble("countries", gettext("Countries compared"), list(codes), labels, keys, found, totals,
                     period_notes(period))  # fmt: skip


PROGRAMME_START = EARLIEST  # the whole programme: from before any roll-up row


def programme_end(today: date) -> date:
    """The day after the whole programme's period: the first day of next month."""
    return add_months(today.replace(day=1), 1)


def targets(country: Country | None, period: Period, today: date) -> Table:
    """Targets of the country (or the region) for the period's year and for the whole programme, with
    what was achieved (the published, rounded figure) and the share of the target it makes."""
    from .models import Target

    found = Target.objects.filter(country=country).filter(year__in=[period.start.year]) | Target.objects.filter(
        country=country, year__isnull=True
    )
    ids = [country.pk] if country else None
    shown_targets = [t for t in found.order_by("year", "indicator") if t.indicator in indicators.INDICATORS]

    def days(target) -> tuple[date, date]:
        if target.year:
            return date(target.year, 1, 1), date(target.year + 1, 1, 1)
        # To the end of this month: the grid's edge, so the figure does not move with every day.
        return PROGRAMME_START, programme_end(today)

    # The figures of each period (the year, the whole programme) in one read, however many targets it has.
    codes_by_days: dict[tuple[date, date], list[str]] = {}
    for target in shown_targets:
        codes_by_days.setdefault(days(target), []).append(target.indicator)
    # The whole programme's figures (every day since the start: the dearest read of a dashboard) come from
    # the shared cache until the roll-ups change, like every figure (see ``figures``).
    achieved = {span: published.totals(codes, ids, *span) for span, codes in codes_by_days.items()}
    rows = []
    for target in shown_targets:
        scope = str(target.year) if target.year else gettext("Whole programme")
        shown = achieved[days(target)][target.indicator]
        share = round(100 * shown / target.value) if isinstance(shown, int) and target.value else None
        rows.append(Row(f"{indicators.get(target.indicator).name} ({scope})", [target.value, shown, share],
                        target.indicator))  # fmt: skip
    return Table(
        key="targets",
        title=gettext("Targets and results"),
        columns=[gettext("Target"), gettext("Achieved"), gettext("Achievement (%)")],
        column_keys=["target", "achieved", "percent"],
        rows=rows,
        notes=[protection_note()],
    )


def warm_programme() -> int:
    """The whole programme's figures of the targets (the region's and each country's), read once a roll-up
    writer has written so that no officer's first view waits for them: every dashboard shows them, and counting
    the programme's people reads every first-ever daily row (about 0.1 s at scale 1). Returns how many scopes."""
    from django.utils import timezone

    from . import figures
    from .models import Target

    wanted = defaultdict(list)
    for target in Target.objects.filter(year__isnull=True).order_by("indicator"):
        if target.indicator in indicators.INDICATORS:
            wanted[target.country_id].append(target.indicator)
    countries = Country.objects.in_bulk([pk for pk in wanted if pk is not None])
    with figures.memo():
        for country_id, codes in wanted.items():
            country = countries.get(country_id)
            if country_id is not None and country is None:
                continue
            today = timezone.localdate(timezone=country.zoneinfo if country else None)
            published.totals(codes, [country_id] if country else None, PROGRAMME_START, programme_end(today))
    return len(wanted)


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
