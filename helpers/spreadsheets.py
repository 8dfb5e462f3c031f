"""Tables as CSV or XLSX downloads: one way for every export of the portal (cases, training, dashboards).

Every cell goes through ``neutralise``: text that a spreadsheet program would run as a formula (it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, which spreadsheets
read as "this is text". A name typed into a public form as ``=HYPERLINK("http://x","click")`` then reaches
the trainer's roster as that text, not as a link or a command. Numbers stay numbers (a negative count is
not text). In XLSX the cell is also written as a string, since openpyxl makes a formula of any text that
starts with ``=``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.functional import Promise

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# Full-width forms too: spreadsheet programs in East Asian locales read "＝1+1" as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula(value: object) -> bool:
    """True for text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise(value: object) -> object:
    """The value as it can go into a spreadsheet cell: formula-like text is prefixed with an apostrophe."""
    if isinstance(value, Promise):  # a translated label
        value = str(value)
    return "'" + value if is_formula(value) else value


def to_csv(rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # the mark lets spreadsheet programs read UTF-8 accents


def to_xlsx(rows: Sequence[Sequence], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    # Excel refuses a sheet name with : \ / ? * [ ] or over 31 characters ("Breakdown: Sex" would not save).
    sheet.title = re.sub(r"[:\\/?*\[\]]", " ", str(title)).strip()[:31].strip() or "Data"
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(rows: Sequence[Sequence], *, fmt: str, filename: str, title: str = "") -> HttpResponse:
    """A CSV or XLSX attachment named ``<filename>.<fmt>``; ``title`` names the XLSX sheet."""
    body = to_csv(rows) if fmt == "csv" else to_xlsx(rows, title or filename)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
