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


HOUSEHOLDS = [
    ["datos/nacionalidad", "consentimiento/fecha_consentimiento", "caso/fecha_apertura", "_id", "_uuid", "_index"],
    ["Haití", "2024-11-02", "2024-11-02", 501, "u-501", 1],
    ["Venezuela", "2024-12-01", "2024-12-03", 502, "u-502", 2],
]
MEMBERS = [
    ["miembro/nombres", "miembro/apellidos", "miembro/sexo", "miembro/fecha_nacimiento", "_index", "_parent_index",
     "_parent_table_name"],
    ["Rosa Elena", "Joseph", "F", "1990-05-04", 1, 1, "hogar"],
    ["Wilner", "Joseph", "M", "2015-01-01", 2, 1, "hogar"],
    ["Daniela", "Castillo", "F", "1992-02-01", 3, 2, "hogar"],
]  # fmt: skip


def test_a_repeat_groups_rows_come_with_their_parent_row(window_cr, staff_cr, staff_cr_client):
    """A household form: the household's answers on the first sheet, its members on the repeat group's sheet.
    Each member is imported with their household's nationality, consent date and case."""
    from cases.models import Case, Person

    content = workbook(hogar=HOUSEHOLDS, miembros=MEMBERS)
    register = services.upload(window=window_cr, by=staff_cr, kind=F.PEOPLE, name="kobo.xlsx", content=content)
    register = services.choose_sheet(register=register, sheet="miembros")
    assert register.headers == [*MEMBERS[0], "hogar/datos/nacionalidad", "hogar/consentimiento/fecha_consentimiento",
                                "hogar/caso/fecha_apertura"]  # fmt: skip
    assert register.total_rows == 3
    chosen = {register.headers[int(col)]: code for col, code in register.columns.items()}
    assert chosen == {
        "miembro/nombres": "given_names", "miembro/apellidos": "family_names", "miembro/sexo": "sex",
        "miembro/fecha_nacimiento": "date_of_birth", "hogar/datos/nacionalidad": "nationality",
        "hogar/consentimiento/fecha_consentimiento": "consent_date", "hogar/caso/fecha_apertura": "case_opened",
    }  # fmt: skip
    page = staff_cr_client.get(reverse("registers:columns", args=[register.pk]), HTTP_ACCEPT_LANGUAGE="es")
    assert "Cada fila de «miembros» se lee con su fila madre de «hogar»" in page.content.decode()
    services.save_columns(register=register, columns=register.columns)
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=staff_cr)
    services.run(register.pk)
    register.refresh_from_db()
    assert register.counts == {"people_created": 3, "cases_opened": 3}
    found = {p.given_names: p for p in Person.objects.all()}
    assert {name: p.nationality for name, p in found.items()} == {"Rosa Elena": "HT", "Wilner": "HT", "Daniela": "VE"}
    opened = {c.person.given_names: c.opened_at.date() for c in Case.objects.select_related("person")}
    assert opened == {"Rosa Elena": date(2024, 11, 2), "Wilner": date(2024, 11, 2), "Daniela": date(2024, 12, 3)}


def test_a_persons_several_consultations_come_with_the_persons_answers(window_cr, staff_cr):
    people = [["persona/nacionalidad", "persona/sexo", "persona/edad", "_index"], ["Cuba", "mujer", "34", 1],
              ["Haití", "hombre", "17", 2]]  # fmt: skip
    visits = [["visita/fecha", "visita/canal", "_parent_index", "_index"], ["2025-03-03", "presencial", 1, 1],
              ["2025-03-09", "teléfono", 1, 2], ["2025-03-04", "presencial", 2, 3], ["2025-03-05", "presencial", 7, 4]]  # fmt: skip
    content = workbook(personas=people, visitas=visits)
    register = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="k.xlsx", content=content)
    register = services.choose_sheet(register=register, sheet="visitas")
    services.save_columns(register=register, columns=register.columns)
    services.save_values(register=register, decisions={})
    services.confirm(register=register, by=staff_cr)
    services.run(register.pk)
    # The last visit names no row of the parent sheet: it comes without the person's answers.
    assert sorted(Consultation.objects.values_list("date", "nationality", "sex", "age_group", "channel")) == [
        (date(2025, 3, 3), "CU", "female", "30-59", "walk_in"),
        (date(2025, 3, 4), "HT", "male", "12-17", "walk_in"),
        (date(2025, 3, 5), "", "unknown", "unknown", "walk_in"),
        (date(2025, 3, 9), "CU", "female", "30-59", "phone"),
    ]
