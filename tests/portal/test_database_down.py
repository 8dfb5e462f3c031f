"""With the database unreachable: a public page the cache still holds is answered from it, even a copy whose
time or tags have ended (stale rather than nothing); every other request gets the translated, styled 503
page with Retry-After, never a stack trace. The fault test (.ci/fault) does the same against a real
PostgreSQL stopped under gunicorn."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client

import pagecache
from tests.hub.factories import guide
from tests.portal.test_pagecache import cached_twice

pytestmark = pytest.mark.django_db

HEADINGS_503 = {
    "es": "El portal no está disponible por un momento",
    "en": "The portal is briefly unavailable",
    "fr": "Le portail est momentanément indisponible",
    "nl": "Het portaal is even niet beschikbaar",
    "ht": "Pòtay la pa disponib pou yon ti moman",
}
GUIDE = "/es/cr/guides/residencia/"


@contextmanager
def database_down():
    """Every query of the request goes to a database that is not there (nothing listens on port 1, no such
    directory): the driver's own OperationalError, as with a PostgreSQL that was stopped."""
    default = connections["default"]
    settings = {**default.settings_dict}
    if default.vendor == "postgresql":
        settings["PORT"] = "1"
    else:
        settings["NAME"] = "/nonexistent/directory/ventanillas.sqlite3"
    connections["default"] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="default")
    try:
        yield
    finally:
        connections["default"] = default


def test_a_public_page_still_in_the_cache_is_served_from_it_while_the_database_is_down(cr):
    guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Primera versión.")})
    client = Client(raise_request_exception=False)
    cached_twice(client, GUIDE)
    with database_down():
        page = client.get(GUIDE)
    assert page.status_code == 200 and page["X-Page-Cache"] == "hit"
    assert "Primera versión" in page.content.decode()


def test_an_ended_copy_is_served_rather_than_nothing_and_not_kept_by_the_browser(cr):
    guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Primera versión.")})
    client = Client(raise_request_exception=False)
    cached_twice(client, GUIDE)
    pagecache.changed("item:guides:CR:residencia")  # the copy is no longer current
    with database_down():
        page = client.get(GUIDE)
    assert page.status_code == 200 and page["X-Page-Cache"] == "stale"
    assert "Primera versión" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    # once the database is back the page is made again, and the stale copy replaced
    page = client.get(GUIDE)
    assert page.status_code == 200 and page["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("lang", list(HEADINGS_503))
def test_a_page_without_a_copy_gets_the_translated_styled_503(cr, lang):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get(f"/{lang}/cr/windows/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert HEADINGS_503[lang] in html and f'<html lang="{lang}">' in html
    assert '<link rel="stylesheet" href="/static/portal/site' in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_form_posted_while_the_database_is_down_gets_the_503_saying_it_was_not_saved(cr):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post("/en/accounts/login/", {"username": "ana", "password": "x"})
    assert response.status_code == 503
    assert "it was not saved" in response.content.decode()


def test_any_other_server_error_is_still_the_500_page(cr, monkeypatch):
    import portal.views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(portal.views, "public_countries", broken)
    response = Client(raise_request_exception=False).get("/en/")
    assert response.status_code == 500
