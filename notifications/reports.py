"""Monthly country reports and quarterly regional reports, as XLSX and PDF, built from the sections other apps
register (``register_section``: (label, value) pairs, ``None`` for a withheld figure, with the section's own
notes on how its figures are protected). See docs/notifications.md."""

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


HIDDEN = "—"


@dataclass(frozen=True)
class Section:
    name: str
    title: Any
    func: SectionFunc
    columns: tuple = ()
    notes: tuple = ()
    regional_only: bool = False


_SECTIONS: dict[str, Section] = {}


def register_section(
    name: str, func: SectionFunc, *, title: Any = None, columns=(), notes=(), regional_only: bool = False
) -> None:
    """Add (or replace) a section of every report: ``func(country, start, end) -> [(label, value), ...]``.

    ``country`` is a ventanillas Country, or None for the regional report; ``start`` is the first day
    and ``end`` the day after the last. Labels may be lazy strings (rendered in the report's language);
    values are numbers, short texts or None (withheld). ``columns`` (lazy strings) makes the section a table
    whose header is ``columns`` (the label column's first) and whose rows are (label, one value per other
    column); ``notes`` are printed under the report's title;
    ``regional_only`` keeps the section out of the country reports. Sections appear in the order they
    were first registered.
    """
    _SECTIONS[name] = Section(
        name=name, title=title or name, func=func, columns=tuple(columns), notes=tuple(notes),
        regional_only=regional_only,
    )  # fmt: skip


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
class Block:
    title: str
    columns: list[str]  # empty: a list of (label, value)
    rows: list[tuple]


@dataclass
class Contents:
    title: str
    subtitle: str
    generated: str
    blocks: list[Block]
    notes: list[str]
    failed: list[str]  # the titles of the sections that could not be computed


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
        blocks: list[Block] = []
        notes: list[str] = []
        failed: list[str] = []
        found = [s for s in sections() if not (s.regional_only and report.country_id)]
        if not found:
            notes.append(
                gettext("No figures are available yet: no part of the portal has registered a section for reports.")
            )
        suppressed = hidden = False
        for index, section in enumerate(found, start=1):
            try:
                raw = section.func(report.country, report.period_start, report.period_end)
                rows = []
                for label, *values in raw:
                    shown = [value if section.notes else suppress(value) for value in values]
                    suppressed |= any(v == SUPPRESSED for v in shown)
                    hidden |= any(v is None for v in shown)
                    rows.append((str(label), *(HIDDEN if v is None else v for v in shown)))
            except Exception:
                logger.exception("report section %s failed for report %s", section.name, report.pk)
                failed.append(str(section.title))
                rows = [(gettext("These figures could not be computed; ask an administrator."),)]
            for note in section.notes:
                if str(note) not in notes:
                    notes.append(str(note))
            blocks.append(Block(str(section.title), [str(c) for c in section.columns], rows))
            if progress:
                progress(int(80 * index / len(found)))
        if suppressed:
            notes.append(gettext("Counts from 1 to 4 are shown as “<5” to protect the people behind them."))
        if hidden and not any(HIDDEN in note for note in notes):
            notes.append(gettext("“—” marks a figure that is not shown to protect the people behind it."))
        if failed:
            notes.insert(0, gettext("Incomplete report: these sections could not be computed: %(sections)s.")
                         % {"sections": ", ".join(failed)})  # fmt: skip
    return Contents(title=title, subtitle=subtitle, generated=generated, blocks=blocks, notes=notes, failed=failed)


def digest(contents: Contents) -> str:
    """A fingerprint of the figures of a report (not of its dates): equal fingerprints, equal figures."""
    import hashlib
    import json

    payload = [[block.title, block.columns, [list(map(str, row)) for row in block.rows]] for block in contents.blocks]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def to_xlsx(contents: Contents) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from helpers.spreadsheets import neutralise

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
    for block in contents.blocks:
        sheet.append([])
        append(block.title)
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if block.columns:
            append(*block.columns)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True)
        for row in block.rows:
            append(*row)
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDEFGHIJ":
        sheet.column_dimensions[letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(contents: Contents) -> bytes:
    """The report as a PDF: every cell is a paragraph that wraps inside its column, so no text crosses a
    rule; a table too wide for a portrait page turns the page to landscape."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    number = ParagraphStyle("number", parent=styles["Normal"], alignment=2)
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10)
    small_number = ParagraphStyle("small_number", parent=small, alignment=2)
    head = ParagraphStyle("head", parent=small, fontName="Helvetica-Bold", alignment=2)
    wide = any(len(block.columns) > 3 for block in contents.blocks)
    pagesize = landscape(A4) if wide else A4
    margin = 54
    usable = pagesize[0] - 2 * margin

    def text(value) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        return escape(str(value))

    story = [
        Paragraph(escape(contents.title), styles["Title"]),
        Paragraph(escape(contents.subtitle), styles["Heading3"]),
        Paragraph(escape(contents.generated), styles["Normal"]),
    ]
    story += [Paragraph(escape(note), styles["Italic"]) for note in contents.notes]
    grid = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for block in contents.blocks:
        heading = [Spacer(1, 12), Paragraph(escape(block.title), styles["Heading2"])]
        if not block.rows:
            story += heading
            continue
        if block.columns:
            first = min(150, usable * 0.25)
            other = (usable - first) / (len(block.columns) - 1)
            label_head = ParagraphStyle("label_head", parent=head, alignment=0)
            data = [
                [
                    Paragraph(escape(block.columns[0]), label_head),
                    *(Paragraph(escape(c), head) for c in block.columns[1:]),
                ]
            ]
            for label, *values in block.rows:
                data.append([Paragraph(escape(str(label)), small), *(Paragraph(text(v), small_number) for v in values)])
            table = Table(data, colWidths=[first] + [other] * (len(block.columns) - 1), repeatRows=1)
            table.setStyle(TableStyle([*grid, ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        else:
            data = []
            for label, *values in block.rows:
                value = values[0] if values else ""
                data.append([Paragraph(escape(str(label)), styles["Normal"]), Paragraph(text(value), number)])
            table = Table(data, colWidths=[usable - 120, 120])
            table.setStyle(TableStyle(grid))
        # A section's title stays on the page of its table (a long table still breaks across pages).
        story += [KeepTogether([*heading, table])] if len(block.rows) <= 30 else [*heading, table]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=pagesize, title=contents.title, author=settings.PORTAL_NAME,
        leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
    ).build(story)  # fmt: skip
    return buffer.getvalue()
