"""A window's own words (its name, address and host institution) carry the language they are written in on
every page that shows them, whatever the reader's language."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import WindowFactory, country

pytestmark = pytest.mark.django_db


def _marked(html: str, text: str) -> str:
    """The lang of the nearest element around ``text``."""
    before = html[: html.index(text)]
    return re.findall(r'lang="([a-z]+)"[^<>]*>[^<>]*$', before)[-1]


def test_a_haitian_window_names_its_town_hall_in_french_on_a_kreyol_page():
    ht = country("HT")
    WindowFactory(country=ht, name="Fenèt Wanament", host_institution="Mairie de Ouanaminthe", host_language="fr")
    html = Client().get("/ht/ht/windows/").content.decode()
    assert _marked(html, "Fenèt Wanament") == "ht"
    assert _marked(html, "Mairie de Ouanaminthe") == "fr"


def test_a_dominican_window_is_marked_spanish_on_dutch_and_kreyol_pages():
    do = country("DO")
    WindowFactory(country=do, name="Ventanilla Dajabón", host_institution="Ayuntamiento de Dajabón")
    for lang in ("nl", "ht"):
        html = Client().get(f"/{lang}/do/windows/").content.decode()
        assert _marked(html, "Ventanilla Dajabón") == "es"
        assert _marked(html, "Ayuntamiento de Dajabón") == "es"


def test_a_window_written_in_another_language_than_its_countrys_says_so():
    ht = country("HT")
    WindowFactory(country=ht, name="Guichet de Jacmel", text_language="fr")
    html = Client().get("/ht/ht/windows/").content.decode()
    assert _marked(html, "Guichet de Jacmel") == "fr"
