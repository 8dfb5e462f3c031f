"""What a register's columns can fill, and how a cell's text becomes a value of the portal's lists.

The fields of each kind of register (consultations; people with their case and its process), the header
names that suggest a field (``data/registers/headers.json``) and the words that name a list value
(``data/registers/values.json``, besides the codes and the labels the portal shows in its five languages).
A value no table knows stays unmatched: the clerk decides, nothing is guessed (docs/imports.md).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.countries import NON_COUNTRIES, NationalityCountries
from cases.models import Channel, RegularizationPathway, Stage, Topic
from ventanillas.models import Service, Sex
from ventanillas.reference import data_dir

CONSULTATIONS = "consultations"
PEOPLE = "people"
KINDS = [(CONSULTATIONS, _("Consultations")), (PEOPLE, _("People, with their case"))]

TEXT, DATE, NUMBER, LIST, MULTI = "text", "date", "number", "list", "multi"


@dataclass(frozen=True)
class Field:
    code: str
    label: object
    type: str = TEXT
    values: str = ""  # the list a LIST or MULTI field takes its values from
    required: bool = False


FIELDS = {
    CONSULTATIONS: [
        Field("record_id", _("Record number in the register")),
        Field("date", _("Date of the consultation"), DATE, required=True),
        Field("nationality", _("Nationality"), LIST, "nationality"),
        Field("sex", _("Sex"), LIST, "sex"),
        Field("age", _("Age in years"), NUMBER),
        Field("channel", _("Channel"), LIST, "channel"),
        Field("topics", _("Topics"), MULTI, "topic"),
        Field("referred", _("Referred to a partner"), LIST, "yes_no"),
    ],
    PEOPLE: [
        Field("record_id", _("Record number in the register")),
        Field("given_names", _("Given names"), required=True),
        Field("family_names", _("Family names")),
        Field("date_of_birth", _("Date of birth"), DATE),
        Field("sex", _("Sex"), LIST, "sex"),
        Field("nationality", _("Nationality"), LIST, "nationality"),
        Field("document_number", _("Document number")),
        Field("phone", _("Phone")),
        Field("consent_date", _("Date of consent to the processing of data"), DATE, required=True),
        Field("case_opened", _("Date the case was opened"), DATE),
        Field("needs", _("Needs (services)"), MULTI, "service"),
        Field("pathway", _("Regularization pathway"), LIST, "pathway"),
        Field("stage", _("Stage of the regularization process"), LIST, "stage"),
        Field("stage_date", _("Date of that stage"), DATE),
        Field("permit_type", _("Permit type (when approved)")),
    ],
}


def fields_of(kind: str) -> dict[str, Field]:
    return {field.code: field for field in FIELDS[kind]}


def fold(text: object) -> str:
    """Lower case, without accents, punctuation or repeated spaces: how headers and values are compared."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def header_name(header: str) -> str:
    """A KoBoToolbox header without its groups: ``group_xyz/nationality`` reads as ``nationality``."""
    return str(header or "").rsplit("/", 1)[-1]


@cache
def _header_synonyms() -> dict[str, str]:
    data = json.loads((data_dir() / "registers" / "headers.json").read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for code, languages in data["fields"].items():
        for names in languages.values():
            for name in names:
                table.setdefault(fold(name), code)
    return table


def suggest(kind: str, headers: list[str]) -> dict[int, str]:
    """{column: field} suggested from the header names, each field at most once (the first column wins)."""
    codes = fields_of(kind)
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for field in FIELDS[kind]:
                labels.setdefault(fold(field.label), field.code)
    table = {**labels, **_header_synonyms()}
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        for name in (header, header_name(header)):
            code = table.get(fold(name)) or (
                fold(name).replace(" ", "_") if fold(name).replace(" ", "_") in codes else ""
            )
            if code in codes and code not in found.values():
                found[index] = code
                break
    return found


# --- list values -------------------------------------------------------------------------------------------


def _labelled(choices) -> dict[str, str]:
    table: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices:
                table.setdefault(fold(label), value)
    for value, _label in choices:
        table[fold(value)] = value
    return table


@cache
def _value_words() -> dict:
    return json.loads((data_dir() / "registers" / "values.json").read_text(encoding="utf-8"))


def _words(name: str) -> dict[str, str]:
    return {fold(word): code for code, words in _value_words().get(name, {}).items() for word in words}


def _nationalities() -> dict[str, str]:
    from django_countries import countries as iso

    table: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in NationalityCountries():
                table.setdefault(fold(name), code)
    for code, _name in iso:
        table[fold(code)] = code
        table.setdefault(fold(iso.alpha3(code)), code)
    for code in NON_COUNTRIES:
        table[fold(code)] = code
    table.update(_words("nationality"))
    return table


@cache
def _tables() -> dict[str, dict[str, str]]:
    return {
        "nationality": _nationalities(),
        "sex": {**_labelled(Sex.choices), **_words("sex")},
        "channel": {**_labelled(Channel.choices), **_words("channel")},
        "topic": _labelled(Topic.choices),
        "service": _labelled(Service.choices),
        "yes_no": _words("yes_no"),
        "stage": {**_labelled(Stage.choices), **_words("stage")},
    }


def table(name: str, country_id: int | None = None) -> dict[str, str]:
    """{folded word: code} of a list; a country's pathways (by slug or by name in any language) for "pathway"."""
    if name == "pathway":
        return _pathways(country_id)
    return _tables()[name]


def _pathways(country_id: int | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for pathway in RegularizationPathway.objects.filter(country_id=country_id, active=True):
        for language, _name in settings.LANGUAGES:
            name = getattr(pathway, f"name_{language}", "")
            if name:
                found.setdefault(fold(name), pathway.slug)
        found[fold(pathway.slug)] = pathway.slug
    return found


def choices(name: str, country_id: int | None = None) -> list[tuple[str, str]]:
    """What the clerk may choose for an unmatched value of the list, in the reader's language."""
    from cases.countries import nationality_choices

    if name == "nationality":
        return nationality_choices()
    if name == "pathway":
        pathways = RegularizationPathway.objects.filter(country_id=country_id, active=True)
        return [("", str(_("Leave empty"))), *((p.slug, p.name) for p in pathways)]
    lists = {
        "sex": Sex.choices,
        "channel": Channel.choices,
        "topic": Topic.choices,
        "service": Service.choices,
        "yes_no": [("yes", _("Yes")), ("no", _("No"))],
        "stage": Stage.choices,
    }
    return [("", str(_("Leave empty"))), *((code, str(label)) for code, label in lists[name])]


def parts(field: Field, raw: str) -> list[str]:
    """The values a cell holds: one, or for a MULTI field those separated by ; , or (KoBoToolbox's
    select_multiple) spaces when the whole text is no value."""
    raw = str(raw).strip()
    if field.type != MULTI:
        return [raw]
    pieces = [p.strip() for p in re.split(r"[;,|]", raw) if p.strip()]
    known = table(field.values)
    split = []
    for piece in pieces:
        if fold(piece) in known or " " not in piece:
            split.append(piece)
        else:
            split.extend(piece.split())
    return split
