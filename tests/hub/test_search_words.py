"""Search finds guides with the words migrants type: synonyms, typos, prefixes, documents and fees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from cases.models import FactKind, PathwayFact
from tests.cases.factories import pathway_with_documents
from tests.factories import WindowFactory, country
from tests.hub.factories import guide

ES = ("Regularización migratoria", "Cómo obtener el permiso.", "Presente la solicitud en la Dirección de Migración.")


@pytest.fixture
def cr_guide(cr):
    with translation.override("es"):
        pathway = pathway_with_documents(country=cr, slug="temporal")
    PathwayFact.objects.create(pathway=pathway, kind=FactKind.FEE, amount=Decimal(90), currency="USD")
    return guide(cr, pathway=pathway, texts={"es": ES})


def _found(client, url, q, slug="residencia"):
    return f'/guides/{slug}/"' in client.get(url, {"q": q}).content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "residencia",  # a synonym of the permit the guide speaks of
        "regularizacion",  # without its accent
        "costo",  # the guide has a fee box
        "pasaporte",  # in the pathway's document list, not in the text
        "papeles",
        "regulari",  # the start of a word
        "regularisacion",  # a typo
    ],
)
def test_spanish_words_people_type_find_the_guide_in_costa_rica(client, cr_guide, q):
    assert _found(client, "/es/cr/search/", q), q


@pytest.mark.parametrize("q", ["rezidans", "paspò", "papye"])
def test_kreyol_words_find_the_guide_in_its_language_marked_as_such(client, cr_guide, q):
    html = client.get("/ht/cr/search/", {"q": q}).content.decode()
    assert (
        'href="/es/cr/guides/residencia/" lang="es"' in html or 'href="/ht/cr/guides/residencia/" lang="es"' in html
    ), q


def test_a_kreyol_guide_is_found_by_kreyol_words(client, db):
    pa = country("PA")
    guide(pa, slug="pemi", source="ht", texts={"ht": ("Pèmi sejou", "Kijan pou jwenn li.", "Pote paspò ou.")})
    for q in ("rezidans", "paspò", "pemi"):
        html = client.get("/ht/pa/search/", {"q": q}).content.decode()
        assert 'href="/ht/pa/guides/pemi/" lang="ht"' in html, q


def test_results_in_another_public_language_are_marked_when_the_readers_has_none(client, cr):
    guide(cr, texts={"es": ("Renovar el DIMEX", "", "Lleve su DIMEX."), "en": ("Renewing your card", "", "Bring it.")})
    html = client.get("/en/cr/search/", {"q": "dimex"}).content.decode()
    assert "Nothing was found in your language. These results are in another language of this country." in html
    assert 'lang="es">Renovar el DIMEX</a> <small class="text-body-secondary">(Spanish)</small>' in html


def test_nothing_found_offers_the_countrys_guides_and_the_windows_contacts(client, cr_guide):
    WindowFactory(country=cr_guide.country, name="Ventanilla Upala", slug="upala", phone="+506 2470-0101")
    html = client.get("/es/cr/search/", {"q": "xilófono"}).content.decode()
    assert "No se encontró nada." in html
    assert 'href="/es/cr/guides/residencia/"' in html  # the country's guides
    assert 'href="tel:+50624700101"' in html  # and a window to call
