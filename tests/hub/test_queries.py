"""The public pages read a fixed number of queries whatever the number of guides, windows or steps.

A reader on 3G waits for every query the server makes; a query per row would make the busiest
countries the slowest.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import PathwayDocument, PathwayFact, PathwayStep
from hub.models import FaqEntry
from hub.pathways import published_processing_time
from tests.cases.factories import pathway_with_documents
from tests.factories import WindowFactory

from .factories import alert, article, guide

ES = ("Guía", "Resumen.", "Texto.")
FR = ("Guide", "Résumé.", "Texte.")
FR_WORK = ("Visa de travail", "Bureau Quisqueya.", "Texte.")


def _queries(client, url: str) -> int:
    """Queries of a fresh render (the page cache emptied first: a cached copy reads none)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _country_rows(cr, start: int, count: int) -> None:
    for n in range(start, start + count):
        guide(cr, f"guia-{n}", texts={"es": ES, "fr": FR})
        article(cr, f"articulo-{n}", texts={"es": ES})
        WindowFactory(country=cr, name=f"Ventanilla {n}", slug=f"ventanilla-{n}", city="Upala")
        alert(cr, title=f"Aviso {n}")
        FaqEntry.objects.create(
            country=cr, question=f"¿Pregunta {n}?", question_es=f"¿Pregunta {n}?", answer_es="Respuesta.", order=n
        )


@pytest.mark.parametrize("url", ["/ht/cr/", "/es/cr/windows/", "/en/", "/es/cr/faq/"])
def test_a_country_page_reads_as_many_queries_for_fifty_rows_as_for_five(client, cr, url):
    _country_rows(cr, 0, 5)
    few = _queries(client, url)
    _country_rows(cr, 5, 45)
    many = _queries(client, url)
    assert many == few, f"{few} queries with 5 rows of each kind, {many} with 50"


def test_the_training_catalogue_reads_as_many_queries_for_fifty_sessions_as_for_five(client, cr):
    from tests.training.factories import SessionFactory

    SessionFactory.create_batch(5, published=True, course__published=True)
    few = _queries(client, "/es/training/")
    SessionFactory.create_batch(45, published=True, course__published=True)
    many = _queries(client, "/es/training/")
    assert many == few


def test_the_guide_page_reads_as_many_queries_for_many_steps_and_documents_as_for_few(client, cr):
    pathway = pathway_with_documents(country=cr)
    guide(cr, texts={"es": ES, "fr": FR}, pathway=pathway)
    alert(cr)
    few = _queries(client, "/ht/cr/guides/residencia/")
    for n in range(3, 50):
        PathwayStep.objects.create(pathway=pathway, order=n, title=f"Paso {n}", title_es=f"Paso {n}")
        PathwayDocument.objects.create(pathway=pathway, order=n, name=f"Documento {n}", name_es=f"Documento {n}")
        alert(cr, title=f"Aviso {n}")
    many = _queries(client, "/ht/cr/guides/residencia/")
    assert many == few, f"{few} queries with 2 steps, {many} with 49"


@pytest.mark.parametrize("lang", ["es", "ht"])
def test_search_reads_as_many_queries_for_many_hits_as_for_few(client, cr, lang):
    _country_rows(cr, 0, 5)
    few = _queries(client, f"/{lang}/cr/search/?q=texto")
    _country_rows(cr, 5, 45)
    many = _queries(client, f"/{lang}/cr/search/?q=texto")
    assert many == few, f"{few} queries with 10 hits, {many} with 100"


def test_a_search_that_finds_nothing_reads_as_many_queries_to_offer_a_word_for_fifty_rows_as_for_five(client, cr):
    """ "Did you mean" reads the country's words in a fixed number of queries, pathways included."""
    _country_rows(cr, 0, 5)
    few = _queries(client, "/es/cr/search/?q=rsmuen")
    _country_rows(cr, 5, 45)
    many = _queries(client, "/es/cr/search/?q=rsmuen")
    assert many == few, f"{few} queries with 10 rows, {many} with 100"
    assert 'class="search-suggestion"' in client.get("/es/cr/search/?q=rsmuen").content.decode()


@pytest.mark.parametrize("lang", ["es", "fr", "ht", "nl"])
def test_an_uncached_guide_reads_at_most_six_queries_in_any_language(client, cr, lang, django_assert_max_num_queries):
    """The guide, its country and pathway in one query, the pathway's facts, steps and documents in one
    each, the banner's alerts in one and its emergencies in one (crisis mode; kept in the cache after the
    country's first page, and here the cache is empty); a Dutch reader falls back to Spanish (Costa Rica), a
    Kreyòl one to French. The processing time is the day's published figure, computed once a day, not per
    reader."""
    pathway = pathway_with_documents(country=cr)
    for n, kind in enumerate(["fee", "time", "legal_basis", "authority"]):
        PathwayFact.objects.create(pathway=pathway, kind=kind, order=n, text_es=f"Dato {n}", days=30, amount=50)
    guide(cr, texts={"es": ES, "fr": FR}, pathway=pathway)
    alert(cr)
    cache.clear()
    published_processing_time(pathway)
    with django_assert_max_num_queries(6):
        response = client.get(f"/{lang}/cr/guides/residencia/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pasaporte vigente" in html and "Dato 0" in html and "Cierre de frontera" in html
    assert ("Texte." if lang in ("fr", "ht") else "Texto.") in html


def test_search_reads_as_many_queries_in_every_language_and_when_falling_back(client, cr):
    """A Kreyòl reader's search goes through French, a Dutch reader's through English and Spanish, and a
    search that finds nothing in the reader's languages looks in the country's other ones: each waits for
    the same queries as a Spanish reader's search that finds everything at once."""
    guide(cr, "visa-trabajo", texts={"es": ("Visa de trabajo", "Permiso.", "Texto."), "fr": FR_WORK})
    guide(cr, "visa-humanitaria", texts={"fr": ("Visa humanitaire", "Résumé.", "Texte.")}, source="fr")
    article(cr, "work-visa", texts={"en": ("Visa for work", "Summary.", "Text.")}, source="en")
    counts = {}
    for query, expected in (("visa", "Visa humanitaire"), ("quisqueya", "Visa de travail")):
        for lang in ("es", "en", "fr", "nl", "ht"):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                html = client.get(f"/{lang}/cr/search/", {"q": query}).content.decode()
            assert expected in html, (query, lang)
            counts[query, lang] = len(queries)
    assert len(set(counts.values())) == 1, counts


def _for_one_reader(client, url: str):
    """The page as a reader with a pending message gets it: rendered, never the cache's copy."""
    client.cookies["messages"] = "x"
    try:
        return client.get(url)
    finally:
        client.cookies.pop("messages", None)


def _without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize("lang", ["es", "ht"])
def test_a_guide_rendered_again_for_a_reader_reads_only_the_guide(client, cr, lang, django_assert_num_queries):
    """The pathway's box, the banner's alerts and emergencies and the page's own part are kept by the process
    while nothing they show has changed: the next reader's page reads the guide alone, and is the same page."""
    pathway = pathway_with_documents(country=cr)
    PathwayFact.objects.create(pathway=pathway, kind="fee", order=0, text_es="Dato 0", amount=50)
    guide(cr, texts={"es": ES, "fr": FR}, pathway=pathway)
    alert(cr)
    url = f"/{lang}/cr/guides/residencia/"
    first = _for_one_reader(client, url)
    with django_assert_num_queries(1):
        again = _for_one_reader(client, url)
    assert _without_nonce(again) == _without_nonce(first)
    assert "Dato 0" in again.content.decode() and "Cierre de frontera" in again.content.decode()


def test_what_changes_shows_on_the_next_readers_guide_at_once(client, cr):
    """A fact, a step, a published translation, an alert and an emergency saved after a reader's page was
    rendered each show on the next reader's page, although its parts are kept between readers."""
    from tests.emergencies.factories import declare

    pathway = pathway_with_documents(country=cr)
    fact = PathwayFact.objects.create(pathway=pathway, kind="fee", order=0, text_es="Tarifa vieja", amount=50)
    guide(cr, texts={"es": ES}, pathway=pathway)
    url = "/es/cr/guides/residencia/"
    page = _for_one_reader(client, url).content.decode()
    assert "Tarifa vieja" in page and "Reunir los documentos" in page and "Texto." in page

    fact.text_es = "Tarifa nueva"
    fact.save()
    page = _for_one_reader(client, url).content.decode()
    assert "Tarifa nueva" in page and "Tarifa vieja" not in page

    step = PathwayStep.objects.get(pathway=pathway, order=1)
    step.title_es = "Reunir los papeles"
    step.save()
    page = _for_one_reader(client, url).content.decode()
    assert "Reunir los papeles" in page and "Reunir los documentos" not in page

    guide(cr, texts={"es": ("Guía", "Resumen.", "Texto nuevo.")})
    assert "Texto nuevo." in _for_one_reader(client, url).content.decode()

    alert(cr, title="Oficina cerrada hoy")
    assert "Oficina cerrada hoy" in _for_one_reader(client, url).content.decode()

    declare(cr, language="es", title="Huracán: quédese en casa")
    assert "Huracán: quédese en casa" in _for_one_reader(client, url).content.decode()
