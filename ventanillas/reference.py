"""Reference data every deployment needs: the programme's countries, read from data/reference/countries.json.

`read_data` reads any file under data/ (JSON, relative to settings.BASE_DIR); `load_reference` writes the
countries, found by code and updated, never added twice. The demo loads it first; so will a production set-up.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Country


def data_dir() -> Path:
    return Path(settings.BASE_DIR) / "data"


def read_data(relative: str) -> Any:
    """The parsed content of data/<relative>."""
    return json.loads((data_dir() / relative).read_text(encoding="utf-8"))


def countries() -> list[dict[str, Any]]:
    """The countries of the reference file, in its order."""
    return read_data("reference/countries.json")["countries"]


@transaction.atomic
def load_reference() -> dict[str, Country]:
    """Create or update the countries; return them by code."""
    loaded = {}
    for item in countries():
        languages = item["public_languages"]
        defaults = {
            "name": item["name"][settings.MODELTRANSLATION_DEFAULT_LANGUAGE],
            "default_language": languages[0],
            "public_languages": languages,
            "time_zone": item["time_zone"],
            "currency": item["currency"],
            "other_currencies": item["other_currencies"],
        }
        defaults.update({f"name_{lang}": name for lang, name in item["name"].items()})
        loaded[item["code"]], _created = Country.objects.update_or_create(code=item["code"], defaults=defaults)
    return loaded
