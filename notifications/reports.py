"""Monthly country reports and quarterly regional reports, as XLSX and PDF.

The outbox imports no other app, so the figures come in through a registry: an app (or the dashboards)
registers a section from its ``AppConfig.ready``::

    from notifications.reports import register_section

    def consultations(country, start, end):  # country is None for the regional report; end is exclusive
        return [(_("Consultations"), 42), (_("Median days to a decision"), 37.5)]

    register_section("cases-consultations", consultations, title=_("Consultations"))

Counts from 1 to 4 are shown as "<5" (integers only), so that nobody can be singled out in a small place.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Report

logger = logging.getLogger(__name__)

SectionFunc = Callable[[Any, date, date], list[tuple[Any, Any]]]
SUPPRESSED = "<5"


@dataclass(frozen=True)
class Section:
    name: str
    title: Any
    func: SectionFunc


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, func: SectionFunc, *, title: Any = None) -> None:
    """Add (or replace) a section of every report: ``func(country, start, end) -> [(label, value), ...]``.

    ``country`` is a ventanillas Country, or None for the regional report; ``start`` is the first day
    and ``end`` the day after the last. Labels may be lazy strings (rendered in the report's language);
    values are numbers or short texts. Sections appear in the order they were first registered.
    """
    _SECTIONS[name] = Section(name=name, title=title or name, func=func)


def unregister_section(name: str) -> None:
    _SECTIONS.pop(name, None)


def sections() -> list[Section]:
    return list(_SECTIONS.values())


def suppress(value: Any) -> Any:
    """Small-number suppression: a count from 1 to 4 becomes "<5"; everything else is left as it is."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return SUPPRESSED
    return value


# -- periods -------------------------------------------------------------------------------------------------


def add_months(first_day: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``first_day``."""
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1)
    return add_months(end, -1), end


def previous_quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = date(today.year, first_month, 1)
    return add_months(end, -3), end


def period_label(report: Report) -> str:
    if report.kind == Report.Kind.MONTHLY:
        return date_format(report.period_start, "YEAR_MONTH_FORMAT")
    quarter = (report.period_start.month - 1) // 3 + 1
    return gettext("Quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": report.period_start.year}


# -- contents ------------------------------------------------------------------------------------------------


@dataclass
class Contents:
    title: str
    subtitle: str
    generated: str
    blocks: list[tuple[str, list[tuple[str, Any]]]]
    notes: list[str]


def collect(report: Report, progress: Callable[[int], None] | None = None) -> Contents:
    """Run every registered section for the report's place and period, in the report's language."""
    with translation.override(report.language):
        place = report.country.name if report.country_id else gettext("All countries of the programme")
        title = gettext("%(report)s: %(place)s") % {"report": report.get_kind_display(), "place": place}
        subtitle = gettext("%(period)s (from %(first)s to %(last)s)") % {
            "period": period_label(report),
            "first": date_format(report.period_start, "SHORT_DATE_FORMAT"),
            "last": date_format(report.last_day, "SHORT_DATE_FORMAT"),
        }
        generated = gettext("Generated on %(date)s.") % {"date": date_format(timezone.localdate(), "DATE_FORMAT")}
        blocks: list[tuple[str, list[tuple[str, Any]]]] = []
        notes = [gettext("Counts from 1 to 4 are shown as “<5” to protect the people behind them.")]
        found = sections()
        if not found:
            notes.insert(
                0, gettext("No figures are available yet: no part of the portal has registered a section for reports.")
            )
        for index, section in enumerate(found, start=1):
            try:
                rows = [
                    (str(label), suppress(value))
                    for label, value in section.func(report.country, report.period_start, report.period_end)
                ]
            except Exception:
                logger.exception("report section %s failed for report %s", section.name, report.pk)
                rows = [(gettext("These figures could not be computed; ask an administrator."), "")]
            blocks.append((str(section.title), rows))
            if progress:
                progress(int(80 * index / len(found)))
    return Contents(title=title, subtitle=subtitle, generated=generated, blocks=blocks, notes=notes)


def to_xlsx(contents: Contents) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.spreadsheets import neutralise

    book = Workbook()
    sheet = book.active
    sheet.title = "Report"

    def append(*cells) -> None:
        # Labels come from data (nationalities, partners' names): as text, never as a formula.
        sheet.append([neutralise(cell) for cell in cells])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"

    append(contents.title)
    sheet["A1"].font = Font(bold=True, size=14)
    append(contents.subtitle)
    append(contents.generated)
    for note in contents.notes:
        append(note)
    for title, rows in contents.blocks:
        sheet.append([])
        append(title)
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            append(label, value)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(contents: Contents) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    story = [
        Paragraph(escape(contents.title), styles["Title"]),
        Paragraph(escape(contents.subtitle), styles["Heading3"]),
        Paragraph(escape(contents.generated), styles["Normal"]),
    ]
    story += [Paragraph(escape(note), styles["Italic"]) for note in contents.notes]
    for title, rows in contents.blocks:
        story += [Spacer(1, 12), Paragraph(escape(title), styles["Heading2"])]
        data = [[Paragraph(escape(str(label)), styles["Normal"]), str(value)] for label, value in rows]
        if data:
            table = Table(data, colWidths=[360, 110])
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=contents.title, author=settings.PORTAL_NAME).build(story)
    return buffer.getvalue()
