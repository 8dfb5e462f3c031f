"""Reading an uploaded register: a CSV in UTF-8 or one sheet of an XLSX workbook (the first unless the clerk
chooses another: KoBoToolbox puts repeat groups on further sheets), row by row.

openpyxl reads the workbook around its sheets (sheets, shared strings, date styles); the chosen sheet's
cells are streamed from its XML with expat (constant memory whatever the length), as openpyxl's read-only
rows give them: formulas as their text, never evaluated, and a cell that holds one is a row problem, not a
value. Merged cells are refused: only the first cell of a merged block holds the value, and filling the
others would be a guess. A file is refused whole, with a message saying what to do, when
it is empty, not in UTF-8, not a table, or longer than ``REGISTER_IMPORT_MAX_ROWS``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.parsers import expat  # nosec B407

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel, from_ISO8601

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


@dataclass
class _Book:
    """What openpyxl reads of a workbook around its sheets: the archive, the sheets (title, path in the
    archive), the shared strings, the styles that are dates and the epoch."""

    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]]
    strings: list
    date_formats: set
    timedelta_formats: set
    epoch: object


def _open(content: bytes) -> _Book:
    """The workbook read by openpyxl as ``load_workbook(read_only=True)`` reads it, but for its sheets:
    openpyxl would read each sheet whole once to find its size when the sheet does not say it."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target.lstrip("/"))
            for sheet, rel in reader.parser.find_sheets()
            if rel.target.lstrip("/") in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except Exception as error:  # a damaged archive fails in many ways inside openpyxl
        raise FileRefused(
            _("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8.")
        ) from error
    wb = reader.wb
    return _Book(reader.archive, sheets, reader.shared_strings, wb._date_formats, wb._timedelta_formats, wb.epoch)


def _sheet_path(book: _Book, name: str) -> str:
    """Where the sheet of that name is (the first when the name is empty); FileRefused when there is none."""
    for title, path in book.sheets:
        if title == name or not name:
            return path
    if name:
        raise FileRefused(_("The workbook has no sheet “%(sheet)s”.") % {"sheet": name})
    raise FileRefused(_("The file is empty."))


def sheet_names(content: bytes, fmt: str) -> list[str]:
    """The names of the workbook's sheets, in order (none for a CSV)."""
    if fmt != XLSX:
        return []
    book = _open(content)
    book.archive.close()
    return [title for title, _path in book.sheets]


def _cell(value: object) -> object:
    if isinstance(value, str):
        return Formula(value) if is_formula(value) else value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if value is None:
        return ""
    return value


def _xlsx_rows(content: bytes, sheet: str = "", merged: list | None = None) -> Iterator[list]:
    book = _open(content)
    try:
        with book.archive.open(_sheet_path(book, sheet)) as stream:
            yield from _sheet_rows(stream, book, merged)
    finally:
        book.archive.close()


def _column(ref: str) -> int:
    """The 0-based column of a cell reference ("C12" → 2)."""
    number = 0
    for char in ref:
        if char <= "9":
            break
        number = number * 26 + ord(char) - 64
    return number - 1


def _sheet_rows(stream, book: _Book, merged: list | None = None) -> Iterator[list]:
    """The sheet's rows as lists of values, read from its XML with expat: what openpyxl's own read-only rows
    give (a missing row as an empty list, so rows keep their numbers; a cell with a formula as its text; a
    number in a date style as a date through openpyxl's epoch and styles), without building a cell object
    per cell, which made reading most of an import's time. The workbook (shared strings, styles, where the
    sheet is) is openpyxl's. Rows are as wide as the sheet's stated size, if it states one. The merged blocks
    are added to ``merged`` (they follow the rows in the sheet)."""
    strings, epoch = book.strings, book.epoch
    dates, durations = book.date_formats, book.timedelta_formats
    width = 0
    done: list[list] = []
    state: dict = {"row": [], "number": 0, "col": 0, "type": "n", "style": 0, "formula": None, "value": None}
    text: list[str] = []
    collecting = [False]

    def start(name: str, attrs: dict) -> None:
        if ":" in name:  # a prefixed name (x:c), as some writers use
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            state["col"] = _column(ref) if ref else state["col"] + 1
            state["type"], state["style"] = attrs.get("t", "n"), int(attrs.get("s", 0) or 0)
            state["formula"] = state["value"] = None
        elif name in ("v", "f", "t"):
            text.clear()
            collecting[0] = True
        elif name == "dimension":
            nonlocal width
            width = _column(attrs.get("ref", "A1").rpartition(":")[2]) + 1
        elif name == "mergeCell" and merged is not None:
            merged.append(attrs.get("ref", ""))
        elif name == "row":
            number = int(attrs.get("r", state["number"] + 1))
            done.extend([""] * width for _gap in range(number - state["number"] - 1))  # rows the sheet leaves out
            state["number"], state["row"], state["col"] = number, [], -1

    def end(name: str) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "v":
            state["value"] = "".join(text)
        elif name == "f":
            state["formula"] = "=" + "".join(text)
        elif name == "t":  # an inline string, in one run or several
            state["value"] = (state["value"] or "") + "".join(text)
        elif name == "c":
            value = _value_of(state, strings, dates, durations, epoch)
            row = state["row"]
            row.extend([""] * (state["col"] - len(row)))
            row.append(_cell(value))
        elif name == "row":
            row = state["row"]
            row.extend([""] * (width - len(row)))
            done.append(row)
        collecting[0] = name in ("is", "r") and collecting[0]

    def characters(data: str) -> None:
        if collecting[0]:
            text.append(data)

    parser = expat.ParserCreate()  # nosec B407
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities  # an uploaded file's entities are refused, as by defusedxml
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
            yield from done
            done.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise FileRefused(
            _("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8.")
        ) from error
    yield from done


def _refuse_entities(*_args) -> None:
    raise FileRefused(_("This file is not an Excel workbook we can read. Save it as .xlsx or as CSV UTF-8."))


def _value_of(cell: dict, strings, dates, durations, epoch) -> object:
    """A cell's value as openpyxl reads it (``data_only=False``): a formula's text, a shared or inline string,
    a boolean, a number, a date for a number in a date style."""
    if cell["formula"] is not None:
        return cell["formula"]
    value, kind = cell["value"], cell["type"]
    if value is None or (value == "" and kind != "inlineStr"):
        return None
    if kind == "n":
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if cell["style"] in dates:
            try:
                return from_excel(number, epoch, timedelta=cell["style"] in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # "str" (a formula's last result), "inlineStr", "e" (an error such as #N/A)


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


def _numbered(content: bytes, fmt: str, sheet: str = "", merged: list | None = None) -> Iterator[tuple[int, list]]:
    source = _xlsx_rows(content, sheet, merged) if fmt == XLSX else _csv_rows(content)
    for number, row in enumerate(source, start=1):
        if any(value not in ("", None) for value in row):
            yield number, row


def numbered_rows(content: bytes, fmt: str, sheet: str = "", merged: list | None = None) -> Iterator[tuple[int, list]]:
    """(number as the spreadsheet shows it, row) for every row of the table (of a workbook's ``sheet``, the
    first by default), the header row first; blank rows are left out. A workbook's merged blocks are added
    to ``merged`` once the rows are read. A KoBoToolbox repeat group's sheet comes with its parent row's
    cells after its own (``joined``)."""
    if fmt == XLSX and sheet:
        return joined(content, sheet, merged)
    return _numbered(content, fmt, sheet, merged)


# KoBoToolbox numbers the rows of every sheet (``_index``); a repeat group's sheet names the row of the sheet
# its group sits in (``_parent_index``) and that sheet (``_parent_table_name``, the first sheet without it).
INDEX, PARENT_INDEX, PARENT_TABLE = "_index", "_parent_index", "_parent_table_name"
NESTING = 4  # repeat groups inside repeat groups, at most


def _key(value: object) -> str:
    try:
        return str(int(float(str(value))))
    except ValueError:
        return str(value).strip()


def joined(content: bytes, sheet: str, merged: list | None = None, depth: int = 0) -> Iterator[tuple[int, list]]:
    """The rows of a workbook's ``sheet``; when it is a KoBoToolbox repeat group's (its header has
    ``_parent_index``), each row followed by the cells of its parent row (the row of the parent sheet whose
    ``_index`` it names; blank when there is none), so a household's members, or a person's several
    consultations, come with what the form asked once. The parent's columns are named ``<parent
    sheet>/<header>`` (suggested by their names as any KoBoToolbox group) but for its own numbering columns
    (``_index``, ``_id``, ``_uuid``...), which would make the rows of one parent look the same. A parent that
    is itself a repeat group comes with its own parent. The parent sheet is kept in memory while the sheet is
    read (its cells only, a row per submission)."""
    source = _numbered(content, XLSX, sheet, merged)
    first = next(source, None)
    if first is None:
        return
    number, headers = first
    names = [str(h).strip() for h in headers]
    if PARENT_INDEX not in names or depth >= NESTING:
        yield first
        yield from source
        return
    peek = next(source, None)
    sheets = sheet_names(content, XLSX)
    parent = ""
    if peek is not None and PARENT_TABLE in names:
        cells = peek[1]
        at = names.index(PARENT_TABLE)
        parent = str(cells[at]).strip() if at < len(cells) else ""
    if parent not in sheets or parent == sheet:
        parent = sheets[0] if sheets and sheets[0] != sheet else ""
    if not parent:
        yield first
        if peek is not None:
            yield peek
        yield from source
        return
    above = joined(content, parent if parent != sheets[0] else "", merged, depth + 1)
    parent_head = next(above, None)
    parent_names = [str(h).strip() for h in parent_head[1]] if parent_head else []
    if INDEX not in parent_names:
        yield first
        if peek is not None:
            yield peek
        yield from source
        return
    kept = [i for i, name in enumerate(parent_names) if not name.rsplit("/", 1)[-1].startswith("_")]
    index_at = parent_names.index(INDEX)
    parents = {}
    for _number, cells in above:
        if index_at < len(cells):
            parents[_key(cells[index_at])] = [cells[i] if i < len(cells) else "" for i in kept]
    width, blank = len(names), [""] * len(kept)
    at = names.index(PARENT_INDEX)
    yield number, [*names, *(f"{parent}/{parent_names[i]}" for i in kept)]

    def rows_of(stream):
        for row_number, cells in stream:
            own = [*cells[:width], *[""] * (width - len(cells))]
            yield row_number, [*own, *parents.get(_key(own[at]), blank)]

    if peek is not None:
        yield from rows_of([peek])
    yield from rows_of(source)


def rows(content: bytes, fmt: str, sheet: str = "", merged: list | None = None) -> Iterator[list]:
    """Every row of the table, the header row first; blank rows are left out."""
    return (row for _number, row in numbered_rows(content, fmt, sheet, merged))


@dataclass
class Inspection:
    headers: list[str]
    count: int


def inspect(content: bytes, fmt: str, sheet: str = "") -> Inspection:
    """The header row and the number of data rows of the table (a workbook's ``sheet``, the first by
    default), or ``FileRefused`` with what to do."""
    if not content:
        raise FileRefused(_("The file is empty."))
    limit = settings.REGISTER_IMPORT_MAX_ROWS
    merged: list[str] = []
    source = rows(content, fmt, sheet, merged)
    headers = next(source, None)
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
    if merged:
        raise FileRefused(
            _(
                "The sheet has merged cells (%(ranges)s). Unmerge them and write the value in every row, "
                "then upload the file again."
            )
            % {"ranges": ", ".join(merged[:5]) + ("…" if len(merged) > 5 else "")}
        )
    if headers is None:
        raise FileRefused(_("The file is empty."))
    if any(isinstance(h, Formula) for h in headers) or not any(str(h).strip() for h in headers):
        raise FileRefused(_("The first row must hold the names of the columns."))
    if not count:
        raise FileRefused(_("The file has the names of the columns but no rows."))
    return Inspection(headers=[str(h).strip() for h in headers], count=count)


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
