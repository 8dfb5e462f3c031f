"""CSV and XLSX of a dashboard table, exactly as shown (counts rounded, with the legend), each one audited."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from helpers.spreadsheets import CONTENT_TYPES, download

from .hxl import rows_of as hxl_rows_of
from .periods import Period
from .suppression import HIDDEN_MARK
from .tables import Table

FORMATS = CONTENT_TYPES  # the formats a dashboard table can be downloaded in


def _plain(cell):
    return HIDDEN_MARK if cell is None else cell


def rows_of(table: Table, *, place: str, period: Period, as_of: datetime | None) -> list[list]:
    """The table as rows of plain values, preceded by what it is, where, when, and as of when."""
    stamp = timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M %Z") if as_of else gettext("not yet computed")
    out: list[list] = [
        [table.title, place],
        [gettext("Period"), period.start.isoformat(), period.last_day.isoformat()],
        [gettext("Data as of"), stamp],
        [],
        ["", *table.columns],
    ]
    out += [[row.label, *map(_plain, row.cells)] for row in table.rows]
    if table.total:
        out.append([table.total.label, *map(_plain, table.total.cells)])
    out.append([])
    out += [[note] for note in table.notes]
    return out


def respond(request, table: Table, *, fmt: str, country, period: Period, as_of, hxl: bool = False) -> HttpResponse:
    """The download, audited; with ``hxl`` the table carries an HXL hashtag row (``dashboards.hxl``)."""
    from cases.models import AuditEntry
    from cases.services import record_audit

    place = country.name if country else gettext("All countries of the programme")
    if hxl:
        rows = hxl_rows_of(table, place=place, period=period, as_of=as_of, country=country)
    else:
        rows = rows_of(table, place=place, period=period, as_of=as_of)
    record_audit(
        user=request.user,
        action=AuditEntry.Action.EXPORT,
        object_type="dashboards.indicators",
        object_id=table.key,
        details={
            "country": country.code if country else "region",
            "start": period.start.isoformat(),
            "end": period.last_day.isoformat(),
            "format": fmt,
            **({"hxl": True} if hxl else {}),
        },
    )
    name = f"{country.code.lower() if country else 'region'}-{table.key}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
    name += "-hxl" if hxl else ""
    return download(rows, fmt=fmt, filename=name, title=table.title)
