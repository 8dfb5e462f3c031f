"""Tables as CSV or XLSX downloads: one way for every export of the portal (cases, training, dashboards)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from django.http import HttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def to_csv(rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # the mark lets spreadsheet programs read UTF-8 accents


def to_xlsx(rows: Sequence[Sequence], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    # Excel refuses a sheet name with : \ / ? * [ ] or over 31 characters ("Breakdown: Sex" would not save).
    sheet.title = re.sub(r"[:\\/?*\[\]]", " ", str(title)).strip()[:31].strip() or "Data"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(rows: Sequence[Sequence], *, fmt: str, filename: str, title: str = "") -> HttpResponse:
    """A CSV or XLSX attachment named ``<filename>.<fmt>``; ``title`` names the XLSX sheet."""
    body = to_csv(rows) if fmt == "csv" else to_xlsx(rows, title or filename)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
