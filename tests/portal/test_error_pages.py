"""Dead ends: error pages in the reader's language, with the site header and a way back; favicon and manifest."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation

from portal.views import server_error
from tests.factories import UserFactory

HEADINGS_404 = {
    "es": "Página no encontrada",
    "en": "Page not found",
    "fr": "Page introuvable",
    "nl": "Pagina niet gevonden",
    "ht": "Nou pa jwenn paj la",
}
HEADINGS_403 = {
    "es": "No puede abrir esta página",
    "en": "You may not open this page",
    "fr": "Vous ne pouvez pas ouvrir cette page",
    "nl": "U mag deze pagina niet openen",
    "ht": "Ou pa gen dwa louvri paj sa a",
}
HEADINGS_400 = {
    "es": "Solicitud no comprendida",
    "en": "Request not understood",
    "fr": "Requête incomprise",
    "nl": "Verzoek niet begrepen",
    "ht": "Nou pa konprann demann lan",
}
HEADINGS_500 = {
    "es": "Algo falló de nuestro lado",
    "en": "Something went wrong on our side",
    "fr": "Un problème est survenu de notre côté",
    "nl": "Er ging iets mis aan onze kant",
    "ht": "Gen yon bagay ki pa mache bò kote nou",
}


def _has_header_and_way_back(html: str, lang: str) -> None:
    assert f'<html lang="{lang}">' in html
    assert 'class="site-header' in html and "Ventanillas Informativas" in html
    assert f'href="/{lang}/"' in html  # the way back to the list of countries, in the same language


@pytest.mark.parametrize("lang", list(HEADINGS_404))
def test_a_missing_page_answers_in_the_readers_language_with_a_way_back(client, cr, lang):
    response = client.get(f"/{lang}/cr/guides/does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert HEADINGS_404[lang] in html
    _has_header_and_way_back(html, lang)
    assert f'href="/{lang}/cr/"' in html  # and back to the country's guides and windows


@pytest.mark.parametrize("lang", list(HEADINGS_403))
def test_a_forbidden_page_answers_in_the_readers_language(cr, lang):
    client = Client()
    client.force_login(UserFactory(username=f"nobody-{lang}"))
    response = client.get(f"/{lang}/cr/editor/")
    assert response.status_code == 403
    html = response.content.decode()
    assert HEADINGS_403[lang] in html
    _has_header_and_way_back(html, lang)


@pytest.mark.parametrize("lang", list(HEADINGS_400))
def test_a_bad_request_answers_in_the_readers_language(client, db, lang):
    response = client.get(f"/{lang}/", HTTP_HOST="bad host")
    assert response.status_code == 400
    html = response.content.decode()
    assert HEADINGS_400[lang] in html
    _has_header_and_way_back(html, lang)


@pytest.mark.parametrize("lang", list(HEADINGS_500))
def test_the_server_error_page_needs_no_database(lang):
    # No database fixture: any query here would raise.
    request = RequestFactory().get(f"/{lang}/")
    with translation.override(lang):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert HEADINGS_500[lang] in html
    _has_header_and_way_back(html, lang)


def test_a_server_error_in_a_view_shows_the_page(db, monkeypatch):
    import portal.views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(portal.views, "public_countries", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/fr/")
    assert response.status_code == 500
    assert HEADINGS_500["fr"] in response.content.decode()


def test_the_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_web_manifest_names_the_portal_and_its_icons_exist(client, db):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["name"] == "Ventanillas Informativas"
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon
    page = client.get("/es/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'href="/favicon.ico"' in page


HEADINGS_CSRF = {
    "es": "No se pudo enviar su formulario",
    "en": "Your form could not be sent",
    "fr": "Votre formulaire n’a pas pu être envoyé",
    "nl": "Uw formulier kon niet worden verzonden",
    "ht": "Nou pa t ka voye fòm ou a",
}


@pytest.mark.parametrize("lang", list(HEADINGS_CSRF))
def test_a_form_sent_without_its_csrf_token_gets_the_portals_own_page(db, lang):
    response = Client(enforce_csrf_checks=True).post(f"/{lang}/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert HEADINGS_CSRF[lang] in html
    assert "<style" not in html and 'rel="stylesheet"' in html  # styled by the site's sheet, not inline
    _has_header_and_way_back(html, lang)


@pytest.mark.parametrize(
    "how",
    ["path", "query", "form", "certificate"],
)
def test_a_nul_anywhere_in_a_request_gets_the_translated_400_page(db, how):
    client = Client()
    if how == "path":
        response = client.get("/fr/cr/guides/a%00b/")
    elif how == "query":
        response = client.get("/fr/cr/search/", {"q": "resid\x00encia"})
    elif how == "form":
        response = client.post("/fr/accounts/login/", {"username": "ana\x00", "password": "x"})
    else:
        response = client.get("/fr/training/certificates/abc%00def/")
    assert response.status_code == 400
    html = response.content.decode()
    assert HEADINGS_400["fr"] in html
