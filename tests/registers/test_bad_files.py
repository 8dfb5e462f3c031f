"""Files that cannot be imported are refused whole with a message saying what to do; cells that hold a
formula are never evaluated nor imported."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from cases.models import Consultation
from registers import services
from registers.models import RegisterImport

from .files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["fecha", "nacionalidad", "sexo"]


def refused(answer) -> str:
    assert answer.status_code == 400
    assert not RegisterImport.objects.exists()
    return answer.context["form"].errors["file"][0]


def test_a_csv_not_in_utf8_is_refused_and_the_choices_typed_are_kept(post_file):
    answer = post_file(csv_bytes([HEADER, ["2025-03-01", "Haití", "mujer"]], encoding="latin-1"))
    assert "UTF-8" in refused(answer)
    form = answer.context["form"]
    assert form["kind"].value() == "consultations" and str(form["window"].value()) == str(form.data["window"])


def test_an_empty_file_and_a_file_without_rows_are_refused(post_file):
    assert refused(post_file(b""))  # Django's own message for an empty upload
    assert "ninguna fila" in refused(post_file(csv_bytes([HEADER])))
    assert "ninguna fila" in refused(post_file(xlsx([HEADER]), name="r.xlsx"))


def test_a_damaged_workbook_is_refused(post_file):
    assert ".xlsx" in refused(post_file(b"PK\x03\x04 not really a zip", name="r.xlsx"))
    assert ".xlsx" in refused(post_file(b"\xd0\xcf\x11\xe0 old excel", name="r.xls"))


def test_merged_cells_are_refused_with_the_blocks_named(post_file):
    book = Workbook()
    sheet = book.active
    for row in [HEADER, ["2025-03-01", "Haití", "mujer"], ["2025-03-02", "", "hombre"]]:
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    buffer = io.BytesIO()
    book.save(buffer)
    message = refused(post_file(buffer.getvalue(), name="r.xlsx"))
    assert "B2:B3" in message


def test_a_million_rows_are_refused_with_a_message(post_file):
    lines = "fecha,sexo\n" + "2025-03-01,mujer\n" * 1_000_000
    message = refused(post_file(lines.encode()))
    assert "200,000" in message


@override_settings(REGISTER_IMPORT_MAX_ROWS=3)
def test_the_limit_is_a_setting(post_file):
    assert "3" in refused(post_file(csv_bytes([HEADER] + [["2025-03-01", "HT", "f"]] * 4)))
    assert post_file(csv_bytes([HEADER] + [["2025-03-01", "HT", "f"]] * 3)).status_code == 302


def test_formulas_are_neither_evaluated_nor_imported(post_file, staff_cr):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["2025-03-01", '=HYPERLINK("http://x","Haití")', "mujer"])
    sheet.append(["=TODAY()", "Haití", "mujer"])
    sheet.append(["2025-03-02", "Haití", "mujer"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert post_file(buffer.getvalue(), name="r.xlsx").status_code == 302
    register = RegisterImport.objects.get()
    services.save_columns(register=register, columns={"0": "date", "1": "nationality", "2": "sex"})
    with translation.override("en"):
        rows = list(services.checked_rows(register))
    assert ["formula" in " ".join(row.problems) for row in rows] == [True, True, False]
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=staff_cr)
    services.run(register.pk)
    assert list(Consultation.objects.values_list("date", "nationality")) == [(date(2025, 3, 2), "HT")]
    assert RegisterImport.objects.get().counts == {"consultations": 1, "rows_with_problems": 2}


def test_a_csv_formula_and_bad_values_are_shown_in_the_preview_in_the_clerks_language(post_file, staff_cr_client):
    content = csv_bytes(
        [HEADER, ["=1+1", "Haití", "mujer"], ["31/02/2025", "Haití", "hombre"], ["2099-01-01", "HT", "f"]]
    )
    pk = int(post_file(content)["Location"].split("/")[-3])
    staff_cr_client.post(
        reverse("registers:columns", args=[pk]), {"col_0": "date", "col_1": "nationality", "col_2": "sex"}
    )
    page = staff_cr_client.get(reverse("registers:preview", args=[pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "fórmula" in page and "no es una fecha" in page and "entre" in page
    assert not Consultation.objects.exists()


def test_problems_name_the_row_as_the_spreadsheet_numbers_it(window_cr, staff_cr):
    content = csv_bytes([HEADER, ["2025-03-01", "HT", "f"], ["", "", ""], ["someday", "HT", "f"]])
    register = services.upload(window=window_cr, by=staff_cr, kind="consultations", name="r.csv", content=content)
    assert register.total_rows == 2
    services.save_columns(register=register, columns={"0": "date", "1": "nationality", "2": "sex"})
    assert [(row.number, bool(row.problems)) for row in services.checked_rows(register)] == [(2, False), (4, True)]
