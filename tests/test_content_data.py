"""The content files under data/: each parses and has its expected shape, every text of a country, pathway, guide
or question exists in every public language of its country, and loading the reference data again adds nothing."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from cases.models import FactKind, FactStatus
from emergencies import models as emergency_models
from handovers.models import ConsentMethod, Decision, Part, Purpose
from hub.models import Severity, Topic
from training.models import Modality, Participant, Sector
from ventanillas.models import Country, Role, Service
from ventanillas.reference import data_dir, load_reference

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DATA = data_dir()


def _read(relative: str):
    return json.loads((DATA / relative).read_text(encoding="utf-8"))


REFERENCE = {item["code"]: item for item in _read("reference/countries.json")["countries"]}


# Shapes: a type or a predicate for a value, [shape] for a list, {key: shape} for an object whose keys are all
# listed ("key?" when it may be left out), Mapping(shape) for an object of free keys.
class Mapping:
    def __init__(self, values, keys=str):
        self.values, self.keys = values, keys


def one_of(*choices):
    allowed = set(choices)
    return lambda value: isinstance(value, type(next(iter(allowed)))) and value in allowed


def _matches(pattern: str):
    return lambda value: isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _decimal(value) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _date(value) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _zone(value) -> bool:
    try:
        ZoneInfo(value)
    except (KeyError, ValueError):
        return False
    return True


TEXT = _matches(r"(?s)\S.*")  # a string that is not blank
LINES = lambda value: (  # noqa: E731 - a body: its lines (joined with newlines), not all blank
    isinstance(value, list) and all(isinstance(line, str) for line in value) and any(line.strip() for line in value)
)
LANGUAGE = one_of(*LANGUAGES)
TEXTS = Mapping(TEXT, keys=LANGUAGE)  # {language: text}
CODE = one_of(*REFERENCE)
CODE_OR_NONE = lambda value: value is None or CODE(value)  # noqa: E731
SLUG = _matches(r"[a-z0-9]+(-[a-z0-9]+)*")
TIME = _matches(r"([01]\d|2[0-3]):[0-5]\d")
CURRENCY = _matches(r"[A-Z]{3}")
INT = lambda value: isinstance(value, int) and not isinstance(value, bool)  # noqa: E731
DHIS2_UID = _matches(r"[A-Za-z][A-Za-z0-9]{10}")
SOURCE = {"name": TEXT, "url": _matches(r"(https?://\S+)?")}
SERVICES = [one_of(*Service.values)]

SHAPES = {
    "reference/countries.json": {
        "about": TEXT,
        "countries": [
            {
                "code": _matches(r"[A-Z]{2}"),
                "name": TEXTS,
                "public_languages": [LANGUAGE],
                "time_zone": _zone,
                "currency": CURRENCY,
                "other_currencies": _matches(r"([A-Z]{3}(,[A-Z]{3})*)?"),
                "calling_code": _matches(r"\d+( \d+)?"),
            }
        ],
    },
    "reference/country-names-ht.json": {
        "about": TEXT,
        "names": Mapping(TEXT, keys=_matches(r"[A-Z]{2}")),
    },
    "pathways/*.json": {
        "about": TEXT,
        "country": CODE,
        "pathways": [
            {
                "slug": SLUG,
                "name": TEXTS,
                "eligibility": TEXTS,
                "facts": [
                    {
                        "kind": one_of(*FactKind.values),
                        "status": one_of(*FactStatus.values),
                        "name?": TEXT,
                        "name_language?": LANGUAGE,
                        "amount?": _decimal,
                        "currency?": CURRENCY,
                        "days?": INT,
                        "text?": TEXTS,
                        "applies_to?": TEXTS,
                        "note?": TEXTS,
                        "source": SOURCE,
                        "checked_on": _date,
                    }
                ],
                "steps": [{"title": TEXTS}],
                "documents": [
                    {
                        "name": TEXTS,
                        "required": bool,
                        "status": one_of(*FactStatus.values),
                        "applies_to?": TEXTS,
                        "source": SOURCE,
                        "checked_on": _date,
                    }
                ],
            }
        ],
    },
    "demo/ventanillas.json": {
        "about": TEXT,
        "opening_hours": Mapping([{"weekdays": [one_of(*range(7))], "opens": TIME, "closes": TIME}]),
        "sample_address": TEXTS,
        "windows": [
            {
                "country": CODE,
                "slug": SLUG,
                "name": TEXT,
                "city": TEXT,
                "region": TEXT,
                "latitude": _decimal,
                "longitude": _decimal,
                "host_institution": TEXT,
                "host_language": one_of("", "es", "en", "fr", "nl", "ht"),
                "services": SERVICES,
                "opening_hours": TEXT,
            }
        ],
        "closures": [{"month": INT, "day": INT, "years_ahead": INT, "reason": TEXTS}],
        "partners": [{"country": CODE_OR_NONE, "name": TEXT, "acronym": TEXT, "services": SERVICES}],
        "users": [
            {
                "username": SLUG,
                "role": one_of(*Role.values),
                "country": CODE_OR_NONE,
                "window": lambda value: value is None or SLUG(value),
                "language": lambda value: value == "" or LANGUAGE(value),
                "description": TEXT,
            }
        ],
    },
    "demo/cases.json": {
        "about": TEXT,
        "given_names": [TEXT],
        "family_names": [TEXT],
        "nationalities": [_matches(r"[A-Z]{2}")],
        "follow_up_note": TEXT,
    },
    "demo/guides.json": {
        "about": TEXT,
        "guides": [
            {
                "country": CODE,
                "slug": SLUG,
                "topic": one_of(*Topic.values),
                "pathway": {"slugs": [SLUG], "keyword": str},
                "source_language": LANGUAGE,
                "texts": Mapping({"title": TEXT, "summary": TEXT, "body": LINES}, keys=LANGUAGE),
            }
        ],
    },
    "demo/articles.json": {
        "about": TEXT,
        "articles": [
            {
                "topic": one_of(*Topic.values),
                "slug": Mapping(SLUG, keys=LANGUAGE),
                "texts": Mapping({"title": TEXT, "summary": TEXT, "body": LINES}, keys=LANGUAGE),
                "published_in": [{"country": CODE, "language": LANGUAGE}],
            }
        ],
    },
    "demo/faq.json": {
        "about": TEXT,
        "entries": [{"order": INT, "texts": Mapping({"question": TEXT, "answer": TEXT}, keys=LANGUAGE)}],
    },
    "demo/alerts.json": {
        "about": TEXT,
        "alerts": [
            {
                "country": CODE_OR_NONE,
                "key": SLUG,
                "severity": one_of(*Severity.values),
                "started_days_ago": INT,
                "lasts_days": lambda value: value is None or INT(value),
                "texts": Mapping({"title": TEXT, "body": TEXT}, keys=LANGUAGE),
            }
        ],
    },
    "demo/emergencies.json": {
        "about": TEXT,
        "emergencies": [
            {
                "country": CODE,
                "declared_by": TEXT,
                "kind": one_of(*emergency_models.Kind.values),
                "severity": one_of(*emergency_models.Severity.values),
                "regions": [TEXT],
                "started_hours_ago": INT,
                "lasts_days": INT,
                "hotlines": str,
                "texts": Mapping({"title": TEXT, "instructions": TEXT}, keys=LANGUAGE),
                "points": [
                    {
                        "kind": one_of(*emergency_models.PointKind.values),
                        "name": TEXT,
                        "address": TEXT,
                        "region": str,
                        "hours": str,
                        "phone": str,
                        "latitude": lambda value: value is None or _decimal(value),
                        "longitude": lambda value: value is None or _decimal(value),
                        "capacity": lambda value: value is None or INT(value),
                        "occupancy": lambda value: value is None or INT(value),
                        "state": one_of(*emergency_models.PointState.values),
                    }
                ],
                "arrivals": [
                    {
                        "point": INT,
                        "household_size": INT,
                        "language": LANGUAGE,
                        "needs": [one_of(*emergency_models.Need.values)],
                        "vulnerabilities": [one_of(*emergency_models.Vulnerability.values)],
                        "came_from": CODE,
                        "contact_name": str,
                        "contact_phone": str,
                        "contact_consent": lambda value: isinstance(value, bool),
                    }
                ],
                "looking_for": [
                    {
                        "sought_name": TEXT,
                        "seeker_phone": str,
                        "seeker_consent": lambda value: isinstance(value, bool),
                    }
                ],
            }
        ],
    },
    "demo/training.json": {
        "about": TEXT,
        "course_description": TEXTS,
        "courses": [
            {
                "title": TEXTS,
                "country": CODE_OR_NONE,
                "language": LANGUAGE,
                "modality": one_of(*Modality.values),
                "hours": _decimal,
                "sectors": [one_of(*Sector.values)],
                "sessions": [
                    {
                        "country": CODE,
                        "venue": TEXT,
                        "starts_in_days": INT,
                        "days": INT,
                        "capacity": INT,
                        "taught_by_demo_trainer": bool,
                        "enrolled": INT,
                    }
                ],
            }
        ],
        "participants": {
            "first_names": [TEXT],
            "last_names": [TEXT],
            "sectors": [one_of(*Sector.values)],
            "sexes": [one_of(*(value for value, _label in Participant._meta.get_field("sex").choices))],
            "institution": TEXT,
        },
    },
    "demo/dashboards.json": {
        "about": TEXT,
        "regional_targets": {"values": Mapping(INT), "notes": TEXT},
        "country_targets": {"values": Mapping(Mapping(INT), keys=CODE), "notes": TEXT},
    },
    "demo/handovers.json": {
        "about": TEXT,
        "rules": [{"from": CODE, "to": CODE, "decision": one_of(*Decision.values)}],
        "handovers": [
            {
                "from_window": SLUG,
                "to_window": SLUG,
                "parts": [one_of(*Part.values)],
                "purpose": one_of(*Purpose.values),
                "consent": one_of(*ConsentMethod.values),
                "language": LANGUAGE,
                "accept": lambda value: isinstance(value, bool),
            }
        ],
    },
    "demo/interop.json": {
        "about": TEXT,
        "org_units": Mapping(DHIS2_UID, keys=CODE),
        "mappings": [
            {
                "indicator": TEXT,
                "dimension": str,
                "value": str,
                "data_element": DHIS2_UID,
                "category_option_combo": lambda value: value == "" or DHIS2_UID(value),
            }
        ],
    },
    # Register imports: header names per field and language, and the words registers use for list values.
    "registers/headers.json": {"about": TEXT, "fields": Mapping(Mapping([TEXT], keys=LANGUAGE))},
    "registers/values.json": {
        "about": TEXT,
        **{name: Mapping([TEXT]) for name in ("sex", "nationality", "yes_no", "channel", "stage")},
    },
}


def shape_errors(value, shape, where: str = "") -> list[str]:
    """What in ``value`` does not fit ``shape`` (empty when it fits)."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: a list expected"]
        return [error for n, item in enumerate(value) for error in shape_errors(item, shape[0], f"{where}[{n}]")]
    if isinstance(shape, Mapping):
        if not isinstance(value, dict) or not value:
            return [f"{where}: an object expected"]
        errors = [f"{where}: unexpected key {key!r}" for key in value if not _fits(key, shape.keys)]
        return errors + [
            error for key, item in value.items() for error in shape_errors(item, shape.values, f"{where}.{key}")
        ]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: an object expected"]
        known = {key.rstrip("?"): key.endswith("?") for key in shape}
        errors = [f"{where}: unknown key {key!r}" for key in value if key not in known]
        errors += [f"{where}: {key!r} missing" for key, optional in known.items() if not optional and key not in value]
        for key, optional in known.items():
            if key in value:
                errors += shape_errors(value[key], shape[key + "?" if optional else key], f"{where}.{key}")
        return errors
    return [] if _fits(value, shape) else [f"{where}: {value!r} does not fit"]


def _fits(value, shape) -> bool:
    return isinstance(value, shape) if isinstance(shape, type) else bool(shape(value))


def _shape_of(relative: str):
    if relative.startswith("pathways/"):
        return SHAPES["pathways/*.json"]
    return SHAPES.get(relative)


def _files() -> list[str]:
    return sorted(str(path.relative_to(DATA)) for path in DATA.rglob("*") if path.is_file())


def test_every_data_file_parses_and_has_its_shape():
    files = _files()
    assert "reference/countries.json" in files
    for relative in files:
        shape = _shape_of(relative)
        assert shape is not None, f"data/{relative}: no shape is known for this file; add one to this test"
        content = _read(relative)  # fails on a file that does not parse
        errors = shape_errors(content, shape, relative)
        assert not errors, errors


def test_the_files_refer_to_what_exists():
    countries = _read("reference/countries.json")["countries"]
    assert len(REFERENCE) == len(countries), "a country code appears twice"
    for item in countries:
        assert item["public_languages"] and len(set(item["public_languages"])) == len(item["public_languages"])
    for relative in _files():
        if relative.startswith("pathways/"):
            content = _read(relative)
            assert relative == f"pathways/{content['country'].lower()}.json", relative
            for pathway in content["pathways"]:
                for fact in pathway["facts"]:
                    assert ("name" in fact) == ("name_language" in fact), (relative, fact)
    demo = _read("demo/ventanillas.json")
    slugs = {window["slug"] for window in demo["windows"]}
    assert all(window["opening_hours"] in demo["opening_hours"] for window in demo["windows"])
    assert all(user["window"] in slugs for user in demo["users"] if user["window"])
    for article in _read("demo/articles.json")["articles"]:
        for place in article["published_in"]:
            assert place["language"] in article["slug"] and place["language"] in article["texts"], place


def _lang_maps(value, where: str = ""):
    """(where, {language: ...}) of every per-language object inside ``value``."""
    if isinstance(value, dict):
        if value and set(value) <= set(LANGUAGES):
            yield where, value
            return
        for key, item in value.items():
            yield from _lang_maps(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _lang_maps(item, f"{where}[{n}]")


def missing_languages(value, languages: list[str], where: str = "") -> list[str]:
    """Each per-language text inside ``value`` lacking one of ``languages`` (or blank in it)."""
    return [
        f"{path} lacks {code}" for path, texts in _lang_maps(value, where) for code in languages if not texts.get(code)
    ]


def test_every_text_exists_in_every_public_language_of_its_country():
    missing = []
    for code, item in REFERENCE.items():
        missing += missing_languages(item["name"], item["public_languages"], f"reference/countries.json {code}.name")
    for relative in _files():
        if relative.startswith("pathways/"):
            content = _read(relative)
            missing += missing_languages(
                content["pathways"], REFERENCE[content["country"]]["public_languages"], relative
            )
    for guide in _read("demo/guides.json")["guides"]:
        where = f"demo/guides.json {guide['country']}/{guide['slug']}"
        missing += missing_languages(guide["texts"], REFERENCE[guide["country"]]["public_languages"], where)
    every = sorted({code for item in REFERENCE.values() for code in item["public_languages"]})
    for entry in _read("demo/faq.json")["entries"]:
        missing += missing_languages(entry["texts"], every, f"demo/faq.json {entry['order']}")
    assert not missing, missing


def test_a_text_missing_a_public_language_is_found():
    content = copy.deepcopy(_read("pathways/cr.json"))
    del content["pathways"][0]["steps"][1]["title"]["fr"]
    content["pathways"][0]["facts"][0]["text"]["en"] = ""
    assert missing_languages(content["pathways"], ["es", "en", "fr"]) == [
        "[0].facts[0].text lacks en",
        "[0].steps[1].title lacks fr",
    ]


@pytest.mark.django_db
def test_loading_the_reference_data_twice_creates_nothing_new():
    first = load_reference()
    assert sorted(first) == sorted(REFERENCE)
    rows = list(Country.objects.order_by("pk").values())
    second = load_reference()
    assert {code: country.pk for code, country in second.items()} == {code: c.pk for code, c in first.items()}
    assert list(Country.objects.order_by("pk").values()) == rows
    for country in Country.objects.all():
        country.full_clean()  # the reference file's languages, zone and currency pass the model's own checks
