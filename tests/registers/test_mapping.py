"""Columns suggested from header names in the five languages, values matched in any language, the rest left
for the clerk to decide, and the window's choices kept for its next file."""

from __future__ import annotations

import pytest

from registers import fields as F
from registers import services
from registers.models import MappingTemplate, RegisterImport

from .files import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headers",
    [
        ["Fecha de consulta", "Nacionalidad", "Sexo", "Edad", "Canal", "Tema", "Referido"],
        ["Consultation date", "Nationality", "Sex", "Age", "Channel", "Topic", "Referred"],
        ["Date de consultation", "Nationalité", "Sexe", "Âge", "Canal", "Sujet", "Orienté"],
        ["Datum consult", "Nationaliteit", "Geslacht", "Leeftijd", "Kanaal", "Onderwerp", "Doorverwezen"],
        ["Dat konsiltasyon", "Nasyonalite", "Sèks", "Laj", "Kanal", "Sijè", "Refere"],
        ["grp/today", "grp_a/nacionalidad", "g/sexo", "g/edad", "g/canal", "g/motivo", "g/referido"],
    ],
)
def test_headers_in_each_language_suggest_their_fields(headers):
    suggested = F.suggest(F.CONSULTATIONS, headers)
    assert [suggested.get(i) for i in range(len(headers))] == [
        "date", "nationality", "sex", "age", "channel", "topics", "referred",
    ]  # fmt: skip


def test_a_header_no_one_knows_is_left_unmapped_and_a_field_is_suggested_once():
    assert F.suggest(F.PEOPLE, ["Nombres", "Nombre", "Observaciones"]) == {0: "given_names"}


@pytest.mark.parametrize(
    ("written", "code"),
    [("Haití", "HT"), ("Haïti", "HT"), ("Ayiti", "HT"), ("HTI", "HT"), ("ht", "HT"), ("haitiana", "HT"),
     ("Venezuela", "VE"), ("venezolano", "VE"), ("Nicaragüense", "NI"), ("Apátrida", "ZZ"), ("Brazilië", "BR"), ("USA", "US")],
)  # fmt: skip
def test_nationalities_are_matched_by_name_code_or_demonym_in_any_language(written, code):
    assert F.table("nationality")[F.fold(written)] == code


@pytest.mark.parametrize(
    ("written", "code"),
    [("Mujer", "female"), ("Femme", "female"), ("fanm", "female"), ("Vrouw", "female"), ("Female", "female"),
     ("HOMBRE", "male"), ("gason", "male"), ("Not stated", "unknown"), ("No indicado", "unknown")],
)  # fmt: skip
def test_sexes_are_matched_in_any_language(written, code):
    assert F.table("sex")[F.fold(written)] == code


def test_unknown_values_are_listed_for_a_decision_and_never_guessed(window_cr, staff_cr):
    content = csv_bytes(
        [["fecha", "nacionalidad", "sexo", "tema"],
         ["2025-03-01", "Haiti/RD", "mujer", "health"],
         ["2025-03-02", "Haiti/RD", "X?", "health documents"],
         ["2025-03-03", "Cuba", "hombre", "Salud; Regularización; trámites"]]
    )  # fmt: skip
    register = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=content)
    services.save_columns(register=register, columns=register.columns)
    found = services.unmatched(register)
    assert found == {"nationality": {"Haiti/RD": 2}, "sex": {"X?": 1}, "topic": {"trámites": 1}}
    with pytest.raises(services.RegisterError):
        services.confirm(register=register, by=staff_cr)
    services.save_values(
        register=register,
        decisions={"nationality": {"Haiti/RD": "HT"}, "sex": {"X?": ""}, "topic": {"trámites": "documents"}},
    )
    register.refresh_from_db()
    assert register.status == "ready"
    rows = [row.data for row in services.checked_rows(register)]
    assert [r.get("nationality") for r in rows] == ["HT", "HT", "CU"]
    assert "sex" not in rows[1]  # left empty as decided
    assert rows[1]["topics"] == ["health", "documents"]
    assert rows[2]["topics"] == ["health", "regularization", "documents"]


def test_a_window_s_choices_are_offered_for_its_next_file(window_cr, window_cr2, staff_cr):
    content = csv_bytes([["Día de atención", "País"], ["2025-03-01", "Haiti/RD"]])
    first = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=content)
    assert first.columns == {}  # no header the portal knows
    services.save_columns(register=first, columns={"0": "date", "1": "nationality"})
    services.save_values(register=first, decisions={"nationality": {"Haiti/RD": "HT"}})
    assert MappingTemplate.objects.get(window=window_cr).columns == {"Día de atención": "date", "País": "nationality"}

    second = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=content)
    assert second.columns == {"0": "date", "1": "nationality"}
    assert services.unmatched(second) == {}
    # Another window starts from the header names alone.
    other = services.upload(window=window_cr2, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=content)
    assert other.columns == {} and RegisterImport.objects.count() == 3


def test_a_required_field_must_have_a_column_and_a_field_one_column(window_cr, staff_cr):
    content = csv_bytes([["fecha", "otra fecha"], ["2025-03-01", "2025-03-02"]])
    register = services.upload(window=window_cr, by=staff_cr, kind=F.CONSULTATIONS, name="r.csv", content=content)
    with pytest.raises(services.RegisterError):
        services.save_columns(register=register, columns={"0": "date", "1": "date"})
    with pytest.raises(services.RegisterError):
        services.save_columns(register=register, columns={"0": "", "1": ""})


def test_the_data_files_name_only_fields_and_values_that_exist():
    import json

    from ventanillas.reference import data_dir

    headers = json.loads((data_dir() / "registers" / "headers.json").read_text(encoding="utf-8"))
    known = {f.code for fields in F.FIELDS.values() for f in fields}
    assert set(headers["fields"]) <= known
    values = json.loads((data_dir() / "registers" / "values.json").read_text(encoding="utf-8"))
    for name, words in values.items():
        if name != "about":
            codes = {code for code, _label in F.choices(name)} | {"yes", "no"}
            assert set(words) <= codes, name
