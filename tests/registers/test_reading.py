"""The sheet's rows read from its XML give what openpyxl's own rows give: every type of cell, rows and
cells the sheet leaves out, formulas as their text, dates in date styles."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from registers import reading


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Registro"
    sheet.append(["fecha", "texto", "número", "decimal", "sí/no", "fórmula", "hora"])
    sheet.append([date(2025, 3, 1), "  Haití ", 34, 2.5, True, "=A2+1", time(9, 30)])
    sheet.append([datetime(2025, 3, 2, 10, 15), "=texto que parece fórmula", -3, 1e-7, False, "=SUM(C2:C3)", None])
    sheet["A6"] = "2025-03-06"  # rows 4 and 5 left out of the sheet
    sheet["E6"] = "Cuba"  # cells B6 to D6 left out
    sheet["B7"] = CellRichText(["María ", TextBlock(InlineFont(b=True), "José")])  # a string in runs
    sheet["C8"] = "#N/A"
    other = book.create_sheet("grupo")
    other.append(["a"])
    other.append([1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("sheet", ["", "grupo"])
def test_the_rows_are_those_openpyxl_reads(sheet):
    content = workbook()
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    source = book[sheet] if sheet else book.worksheets[0]
    expected = [[reading._cell(value) for value in row] for row in source.iter_rows(values_only=True)]
    book.close()
    assert list(reading._xlsx_rows(content, sheet)) == expected
    if not sheet:
        assert expected[1][:5] == [date(2025, 3, 1), "Haití", 34, 2.5, True]
        assert isinstance(expected[1][5], reading.Formula) and isinstance(expected[2][1], reading.Formula)
        assert expected[3] == [""] * 7 and expected[5][1:4] == ["", "", ""]
        assert expected[6][1] == "María José"


def test_numbered_rows_keep_the_numbers_the_spreadsheet_shows():
    numbers = [number for number, _row in reading.numbered_rows(workbook(), reading.XLSX)]
    assert numbers == [1, 2, 3, 6, 7, 8]


def test_entities_in_a_sheet_are_refused():
    from types import SimpleNamespace

    from openpyxl.utils.datetime import WINDOWS_EPOCH

    sheet = b"""<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>"""
    book = SimpleNamespace(epoch=WINDOWS_EPOCH, date_formats=set(), timedelta_formats=set(), strings=[])
    with pytest.raises(reading.FileRefused):
        list(reading._sheet_rows(io.BytesIO(sheet), book))
    # openpyxl, which reads the workbook around the sheet, refuses them too.
    with pytest.raises(reading.FileRefused):
        list(reading._xlsx_rows(_with_entity(workbook())))


def _with_entity(content: bytes) -> bytes:
    import zipfile

    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data
            new.writestr(item, data)
    return target.getvalue()
