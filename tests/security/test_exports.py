"""Spreadsheets never run what someone typed: every export neutralises cells a spreadsheet would execute."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from helpers.spreadsheets import to_csv, to_xlsx
from notifications.reports import Block, Contents
from notifications.reports import to_xlsx as report_xlsx
from tests.cases.factories import make_case
from tests.factories import Role, UserFactory, WindowFactory, member

ATTACKS = [
    '=HYPERLINK("http://x","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full-width forms, which spreadsheets in East Asian locales run as well
    "＋cmd|' /C calc'!A0",
    "－2+3",
    "＠SUM(1+1)",
]


def _csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_cells(body: bytes):
    sheet = load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows()]


def test_csv_cells_that_a_spreadsheet_would_run_become_text():
    rows = _csv_cells(to_csv([["name", "count"], *[[attack, -3] for attack in ATTACKS], ["Ana-María", 4]]))
    assert [row[0] for row in rows[1:-1]] == ["'" + attack for attack in ATTACKS]
    assert rows[1][1] == "-3"  # a number stays a number
    assert rows[-1][0] == "Ana-María"  # a dash inside a name is left alone


def test_xlsx_cells_that_a_spreadsheet_would_run_become_text_and_never_formulas():
    rows = _xlsx_cells(to_xlsx([["name", "count"], *[[attack, -3] for attack in ATTACKS]], "Sheet"))
    for row, attack in zip(rows[1:], ATTACKS, strict=True):
        # XML keeps no carriage return: it reads back as a line feed, still behind the apostrophe
        assert row[0].data_type == "s" and row[0].value == "'" + attack.replace("\r", "\n")
        assert row[1].value == -3 and row[1].data_type == "n"


@pytest.fixture
def trainer(cr):
    user = UserFactory(username="trainer_cr")
    member(user, Role.TRAINER, country_obj=cr)
    return user


def test_the_trainers_roster_csv_neutralises_names_typed_in_the_public_form(trainer, cr, client):
    from tests.training.factories import SessionFactory
    from training import services
    from training.services import ParticipantData

    session = SessionFactory(trainers=[trainer], country=cr)
    for number, attack in enumerate(ATTACKS[:2]):
        data = ParticipantData(
            email=f"p{number}@example.org",
            name=attack,
            sector="government",
            sex="female",
            country_id=cr.pk,
            language="es",
            institution="=1+1",
        )
        services.enrol_verified(session=session, data=data)
    client.force_login(trainer)
    response = client.get(reverse("training:staff-roster-csv", args=[session.pk]))
    assert response["Cache-Control"].count("no-store") == 1
    rows = _csv_cells(response.content)
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + attack for attack in ATTACKS[:2])
    assert {row[2] for row in rows[1:]} == {"'=1+1"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_case_export_neutralises_the_names_it_carries(fmt, cr, staff_cr, officer_cr, client):
    window = WindowFactory(country=cr, name='=HYPERLINK("http://x","click")', slug="evil")
    member(staff_cr, Role.WINDOW_STAFF, window=window)
    make_case(window, staff_cr)
    client.force_login(officer_cr)
    response = client.get(reverse("cases:case-list"), {"export": fmt})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    if fmt == "csv":
        names = [row[2] for row in _csv_cells(response.content)[1:]]
    else:
        cells = [row[2] for row in _xlsx_cells(response.content)[1:]]
        assert all(cell.data_type == "s" for cell in cells)
        names = [cell.value for cell in cells]
    assert len(names) == 1 and names[0].startswith('\'=HYPERLINK("http://x","click")')


def test_the_monthly_report_xlsx_writes_labels_as_text():
    contents = Contents(
        title="Report",
        subtitle="",
        generated="",
        notes=[],
        failed=[],
        blocks=[Block(title="Partners", columns=[], rows=[("=1+1", 7), ("+cmd", "<5")])],
    )
    rows = _xlsx_cells(report_xlsx(contents))
    labels = [row[0] for row in rows if row and row[0].value in ("'=1+1", "'+cmd")]
    assert len(labels) == 2 and all(cell.data_type == "s" for cell in labels)


def test_no_export_writes_a_spreadsheet_around_the_shared_helper():
    """Every CSV or XLSX of the portal is written by helpers.spreadsheets (the monthly reports by their own
    layout, which neutralises through it): a new export that writes cells by hand fails here."""
    allowed = {Path("helpers/spreadsheets.py"), Path("notifications/reports.py"), Path("training/bulk.py")}
    # Register imports read workbooks (openpyxl's load_workbook, read-only) and never write one.
    reader = Path(settings.BASE_DIR) / "registers" / "reading.py"
    assert not re.search(r"Workbook\(|csv\.(writer|DictWriter)|\.save\(", reader.read_text())
    allowed.add(Path("registers/reading.py"))
    offenders = []
    base = Path(settings.BASE_DIR)
    for app in ["portal", *settings.PORTAL_APPS]:
        for source in (base / app).rglob("*.py"):
            relative = source.relative_to(base)
            if "migrations" in relative.parts or relative in allowed:
                continue
            text = source.read_text()
            if re.search(r"csv\.(writer|DictWriter)|openpyxl|\.append\(\[.*\]\)\s*#\s*sheet", text):
                offenders.append(str(relative))
    assert offenders == []


def test_a_bulk_upload_refuses_names_a_spreadsheet_would_run(trainer, cr, client):
    from tests.training.factories import SessionFactory

    session = SessionFactory(trainers=[trainer], country=cr)
    client.force_login(trainer)
    lines = "name,email,sector,sex,country\n" + '"=HYPERLINK(""http://x"",""y"")",a@example.org,media,female,CR\n'
    lines += "Ana,b@example.org,media,female,CR\n"
    upload = io.BytesIO(lines.encode())
    upload.name = "people.csv"
    with translation.override("en"):
        page = client.post(reverse("training:staff-import", args=[session.pk]), {"file": upload}).content.decode()
    assert "The name starts with = + - @ or a tab, which spreadsheets run as a formula." in page
    assert "1 person will be enrolled." in page
