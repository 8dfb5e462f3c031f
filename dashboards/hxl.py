"""A figures export with an HXL hashtag row (Humanitarian Exchange Language, the sector's convention for column
tags, read by HDX and the HXL tools): the same published figures as the plain export, as a table a program
can read. Why these hashtags, and how the table is laid out: docs/interop.md."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext

from ventanillas.models import Country

from . import indicators
from .indicators import DERIVED, PROCESSING, RATIO, TIME, UNIQUE
from .periods import Period
from .tables import Table

# Columns of the tables that are not indicators: the period before, targets and what was achieved.
OTHER_COLUMNS = {
    "current": "#indicator+num+current",
    "previous": "#indicator+num+previous",
    "target": "#indicator+num+target",
    "achieved": "#indicator+num+achieved",
    "percent": "#indicator+num+pct",
}


def indicator_tag(code: str) -> str:
    """People reached (each counted once, or the beneficiaries) are ``#reached``; counts of events, times and
    ratios are ``#indicator+num``; the indicator's code is the last attribute."""
    kind = indicators.get(code).kind
    if kind == UNIQUE:
        return f"#reached+ind+{code}"
    if kind == DERIVED:
        return f"#reached+{code}"
    if kind in (PROCESSING, TIME):
        return f"#indicator+num+days+{code}"
    if kind == RATIO:
        return f"#indicator+num+ratio+{code}"
    return f"#indicator+num+{code}"


def row_tags(table: Table) -> tuple[str, str]:
    """The hashtags of a row's code and of its label: an indicator, a date, or a breakdown's value."""
    if table.key == "series":
        return "#date+bucket", "#meta+label"
    if table.key.startswith("by-"):
        dimension = table.key[3:]
        return f"#group+{dimension}+code", f"#group+{dimension}+name"
    if table.key == "countries":
        return "#meta+id", "#country+name"
    return "#indicator+code", "#indicator+name"


def rows_of(table: Table, *, place: str, period: Period, as_of: datetime | None, country: Country | None) -> list[list]:
    """What the table is, where and when, and its notes, then one header row, the hashtag row under it and
    the rows of figures: country code, period, the row's code and label, and the published figures (a hidden
    figure is an empty cell, not a dash a program would read as text)."""
    stamp = timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M %Z") if as_of else gettext("not yet computed")
    out: list[list] = [
        [table.title, place],
        [gettext("Period"), period.start.isoformat(), period.last_day.isoformat()],
        [gettext("Data as of"), stamp],
        *([note] for note in table.notes),
        [],
        [gettext("Country code"), gettext("Period start"), gettext("Period end"), gettext("Code"), gettext("Row"),
         *table.columns],
        ["#country+code", "#date+start", "#date+end", *row_tags(table),
         *(indicator_tag(key) if key in indicators.INDICATORS else OTHER_COLUMNS.get(key, "#indicator+num")
           for key in table.column_keys)],
    ]  # fmt: skip
    codes = {}
    if table.key == "countries":
        codes = {str(pk): code for pk, code in Country.objects.values_list("pk", "code")}
    rows = [*table.rows, *([table.total] if table.total else [])]
    for row in rows:
        total = row is table.total
        code = country.code if country else codes.get(row.key, "") if not total else ""
        key = "" if total else row.key
        cells = ["" if cell is None else cell for cell in row.cells]
        out.append([code, period.start.isoformat(), period.last_day.isoformat(), key, row.label, *cells])
    return out
