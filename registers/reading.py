"""Reading an uploaded register: a CSV in UTF-8 or one sheet of an XLSX workbook (the first unless the clerk
chooses another: KoBoToolbox puts repeat groups on further sheets), row by row.

openpyxl reads the workbook in read-only mode, streaming its rows (constant memory whatever the length);
formulas are read as their text and never evaluated (``data_only=False``), and a cell that holds one is a
row problem, not a value. Merged cells are refused: only the first cell of a merged block holds the value,
and filling the others would be a guess. A file is refused whole, with a message saying what to do, when
it is empty, not in UTF-8, not a table, or longer than ``REGISTER_IMPORT_MAX_ROWS``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.translation import gettext as _

from helpers.spreadsheets import is_formula

CSV, XLSX = "csv", "xlsx"


class FileRefused(Exception):
    """The file cannot be imported at all; ``message`` is translated and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Formula:
    """A cell that holds a formula: kept as its text, never evaluated, never imported."""

    text: str

    def __str__(self) -> str:
        return self.text


def file_format(name: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04":
        return XLSX
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused(_("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8."))
    if name.lower().endswith((".xls", ".ods")):
        raise FileRefused(_("Save the file as .xlsx or as CSV UTF-8, then upload it again."))
    return CSV


def _open(content: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # a damaged archive fails in many ways inside openpyxl
        raise FileRefused(
            _("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8.")
        ) from error


def _sheet(book, name: str):
    """The sheet of that name, the first when the name is empty; FileRefused when the workbook has none."""
    if name:
        if name not in book.sheetnames:
            raise FileRefused(_("The workbook has no sheet “%(sheet)s”.") % {"sheet": name})
        return book[name]
    if not book.worksheets:
        raise FileRefused(_("The file is empty."))
    return book.worksheets[0]


def sheet_names(content: bytes, fmt: str) -> list[str]:
    """The names of the workbook's sheets, in order (none for a CSV)."""
    if fmt != XLSX:
        return []
    book = _open(content)
    try:
        return [sheet.title for sheet in book.worksheets]
    finally:
        book.close()


def _merged_ranges(content: bytes, sheet: str = "") -> list[str]:
    """The merged blocks of the sheet (the first by default), read from its XML without loading the sheet."""
    book = _open(content)
    try:
        path = _sheet(book, sheet)._worksheet_path.lstrip("/")  # where openpyxl found the sheet in the archive
    finally:
        book.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        found = []
        with archive.open(path) as stream:
            for _event, element in iterparse(stream):  # defusedxml: an uploaded file's entities are refused
                if element.tag.endswith("}mergeCell"):
                    found.append(element.get("ref", ""))
                element.clear()
        return found


def _cell(value: object) -> object:
    if isinstance(value, str):
        return Formula(value) if is_formula(value) else value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if value is None:
        return ""
    return value


def _xlsx_rows(content: bytes, sheet: str = "") -> Iterator[list]:
    book = _open(content)
    try:
        for row in _sheet(book, sheet).iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        book.close()


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _('The file is not in UTF-8. In your spreadsheet, save it as "CSV UTF-8" and upload it again.')
        ) from error
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [_cell(value) for value in row]


def numbered_rows(content: bytes, fmt: str, sheet: str = "") -> Iterator[tuple[int, list]]:
    """(number as the spreadsheet shows it, row) for every row of the table (of a workbook's ``sheet``, the
    first by default), the header row first; blank rows are left out."""
    source = _xlsx_rows(content, sheet) if fmt == XLSX else _csv_rows(content)
    for number, row in enumerate(source, start=1):
        if any(value not in ("", None) for value in row):
            yield number, row


def rows(content: bytes, fmt: str, sheet: str = "") -> Iterator[list]:
    """Every row of the table, the header row first; blank rows are left out."""
    return (row for _number, row in numbered_rows(content, fmt, sheet))


@dataclass
class Inspection:
    headers: list[str]
    count: int


def inspect(content: bytes, fmt: str, sheet: str = "") -> Inspection:
    """The header row and the number of data rows of the table (a workbook's ``sheet``, the first by
    default), or ``FileRefused`` with what to do."""
    if not content:
        raise FileRefused(_("The file is empty."))
    if fmt == XLSX:
        merged = _merged_ranges_or_refuse(content, sheet)
        if merged:
            raise FileRefused(
                _(
                    "The sheet has merged cells (%(ranges)s). Unmerge them and write the value in every row, "
                    "then upload the file again."
                )
                % {"ranges": ", ".join(merged[:5]) + ("…" if len(merged) > 5 else "")}
            )
    limit = settings.REGISTER_IMPORT_MAX_ROWS
    source = rows(content, fmt, sheet)
    headers = next(source, None)
    if headers is None:
        raise FileRefused(_("The file is empty."))
    if any(isinstance(h, Formula) for h in headers) or not any(str(h).strip() for h in headers):
        raise FileRefused(_("The first row must hold the names of the columns."))
    headers = [str(h).strip() for h in headers]
    count = 0
    for _row in source:
        count += 1
        if count > limit:
            raise FileRefused(
                _(
                    "The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows and "
                    "import them one after the other."
                )
                % {"limit": f"{limit:,}"}
            )
    if not count:
        raise FileRefused(_("The file has the names of the columns but no rows."))
    return Inspection(headers=headers, count=count)


def _merged_ranges_or_refuse(content: bytes, sheet: str) -> list[str]:
    try:
        return _merged_ranges(content, sheet)
    except (zipfile.BadZipFile, KeyError, SyntaxError) as error:
        raise FileRefused(
            _("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8.")
        ) from error


def as_date(value: object) -> date | None:
    """A date from a cell: a date cell, or ISO text (KoBoToolbox), or day/month/year as the region writes it.
    None for text that is no date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text, pattern).date()
        except ValueError:
            continue
    return None
