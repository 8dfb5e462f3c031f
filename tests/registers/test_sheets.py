"""A workbook with several sheets (KoBoToolbox puts the answers of repeat groups on the sheets after the first):
the first is read unless the clerk chooses another, which is checked and mapped as at the upload."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from cases.models import Consultation
from registers import fields as F
from registers import services
from registers.models import RegisterImport

from .files import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

FORM = [["start", "grupo/nombre_encuestador", "_id", "_uuid"], ["2025-03-01T09:00:00", "Ana", 1, "u-1"]]
VISITS = [
    ["grupo_visitas/fecha", "grupo_visitas/nacionalidad", "grupo_visitas/sexo", "_parent_index", "_index"],
    ["2025-03-03", "Haití", "mujer", 1, 1],
    ["2025-03-04", "Venezuela", "hombre", 1, 2],
    ["2025-03-05", "Cuba", "mujer", 1, 3],
]


def workbook(**sheets: list[list]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title == "merged":
            sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_clerk_chooses_the_sheet_of_a_repeat_group_and_imports_it(post_file, staff_cr_client):
    answer = post_file(workbook(formulario=FORM, visitas=VISITS), name="kobo.xlsx")
    pk = int(re.search(r"/(\d+)/columns/", answer["Location"]).group(1))
    register = RegisterImport.objects.get(pk=pk)
    assert register.sheets == ["formulario", "visitas"] and register.sheet == ""
    assert register.headers == FORM[0] and register.total_rows == 1
    page = staff_cr_client.get(reverse("registers:columns", args=[pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Este libro tiene 2 hojas; se lee «formulario»" in page and 'value="visitas"' in page

    answer = staff_cr_client.post(reverse("registers:sheet", args=[pk]), {"sheet": "visitas"})
    assert answer.status_code == 302
    register.refresh_from_db()
    assert (register.sheet, register.total_rows, register.headers) == ("visitas", 3, VISITS[0])
    assert register.columns == {"0": "date", "1": "nationality", "2": "sex"}  # suggested from the group's names
    page = staff_cr_client.get(reverse("registers:columns", args=[pk])).content.decode()
    assert "se lee «visitas»" in page and "Haití" in page  # the chosen sheet's examples
    staff_cr_client.post(reverse("registers:columns", args=[pk]), {"col_0": "date", "col_1": "nationality",
                                                                   "col_2": "sex"})  # fmt: skip
    staff_cr_client.post(reverse("registers:preview", args=[pk]))
    assert RegisterImport.objects.get(pk=pk).counts == {"consultations": 3}
    assert sorted(Consultation.objects.values_list("date", "nationality")) == [
        (date(2025, 3, 3), "HT"), (date(2025, 3, 4), "VE"), (date(2025, 3, 5), "CU"),
    ]  # fmt: skip


def test_a_sheet_that_cannot_be_imported_is_refused_with_a_message_and_nothing_changes(
    post_file, staff_cr_client, window_cr, staff_cr
):
    content = workbook(visitas=VISITS, vacia=[["fecha", "sexo"]], merged=VISITS)
    register = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="k.xlsx", content=content)
    answer = staff_cr_client.post(reverse("registers:sheet", args=[register.pk]), {"sheet": "merged"}, follow=True)
    assert "A2:A3" in answer.content.decode()
    answer = staff_cr_client.post(reverse("registers:sheet", args=[register.pk]), {"sheet": "vacia"}, follow=True)
    assert "ninguna fila" in answer.content.decode()
    with pytest.raises(services.RegisterError):
        services.choose_sheet(register=register, sheet="otra")
    register.refresh_from_db()
    assert (register.sheet, register.total_rows, register.headers) == ("", 3, VISITS[0])
    # Choosing the first sheet again reads it as the default.
    services.choose_sheet(register=register, sheet="visitas")
    assert RegisterImport.objects.get(pk=register.pk).sheet == ""


def test_a_csv_and_a_workbook_of_one_sheet_offer_no_choice(post_file, staff_cr_client, window_cr, staff_cr):
    for name, content in (("r.csv", csv_bytes(VISITS)), ("r.xlsx", workbook(visitas=VISITS))):
        register = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name=name, content=content)
        page = staff_cr_client.get(reverse("registers:columns", args=[register.pk]))
        assert page.context["sheets"] is None and register.sheets == ([] if name == "r.csv" else ["visitas"])
        answer = staff_cr_client.post(reverse("registers:sheet", args=[register.pk]), {"sheet": "x"}, follow=True)
        assert "Elija una hoja del libro" in answer.content.decode()
