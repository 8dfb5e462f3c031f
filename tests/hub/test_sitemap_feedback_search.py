"""sitemap.xml, "was this useful?" counts, and search in the reader's language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from hub.models import FeedbackComment, FeedbackCount, Guide
from tests.hub.factories import article, guide

ES = ("Residencia temporal", "Cómo pedirla.", "Reúna sus documentos.")
FR = ("Résidence temporaire", "Comment la demander.", "Rassemblez vos documents.")


def test_the_sitemap_lists_only_real_translations_with_alternates(client, cr):
    guide(cr, texts={"es": ES, "fr": FR})
    Guide.objects.create(country=cr, slug="sin-publicar", source_language="es")
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/es/cr/guides/residencia/</loc>" in xml
    assert "<loc>http://testserver/fr/cr/guides/residencia/</loc>" in xml
    assert "/en/cr/guides/residencia/" not in xml and "/ht/cr/guides/residencia/" not in xml
    assert '<xhtml:link rel="alternate" hreflang="fr" href="http://testserver/fr/cr/guides/residencia/"/>' in xml
    assert "sin-publicar" not in xml
    # The country home in its public languages only (Costa Rica: es, en, fr).
    assert "<loc>http://testserver/en/cr/</loc>" in xml and "/nl/cr/" not in xml


# Feedback --------------------------------------------------------------------------------------------


# Browsers declare where a form was posted from; the feedback form (on cached pages, without a CSRF
# cookie) accepts answers only from this site's own pages.
SAME_SITE = {"HTTP_ORIGIN": "http://testserver"}


def _answer(client, useful, lang="es", slug="residencia", **extra):
    return client.post(
        f"/{lang}/cr/feedback/", {"kind": "guides", "slug": slug, "useful": useful, **extra}, **SAME_SITE
    )


def test_answers_are_counted_per_page_and_language_without_personal_data(client, cr):
    guide(cr, texts={"es": ES, "fr": FR})
    response = _answer(client, "yes")
    assert response.status_code == 302 and response["Location"] == "/es/cr/guides/residencia/#feedback"
    client.post(
        "/es/cr/feedback/",
        {"kind": "guides", "slug": "residencia", "useful": "yes"},
        REMOTE_ADDR="192.0.2.8",
        **SAME_SITE,
    )  # another reader's answer
    _answer(client, "no", comment="Falta el costo.")
    _answer(client, "no", lang="fr")
    es = FeedbackCount.objects.get(page="guides/residencia", language="es")
    fr = FeedbackCount.objects.get(page="guides/residencia", language="fr")
    assert (es.useful, es.not_useful) == (2, 1)
    assert (fr.useful, fr.not_useful) == (0, 1)
    comment = FeedbackComment.objects.get()
    assert comment.comment == "Falta el costo." and comment.useful is False and comment.language == "es"
    field_names = {f.name for f in FeedbackComment._meta.get_fields()}
    assert not field_names & {"user", "ip", "session", "email", "phone"}


def test_thanks_are_shown_after_answering(client, cr):
    guide(cr)
    _answer(client, "yes", lang="en")
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "Thank you. Your answer helps us improve this page." in html


def test_an_answer_without_yes_or_no_is_refused_and_the_comment_kept(client, cr):
    guide(cr)
    response = _answer(client, "", comment="Mi comentario largo")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Elija sí o no." in html and "Mi comentario largo" in html
    assert not FeedbackCount.objects.exists()


def test_feedback_on_an_unknown_page_or_country_is_404(client, cr):
    guide(cr)
    assert _answer(client, "yes", slug="nada").status_code == 404
    answer = {"kind": "guides", "slug": "residencia", "useful": "yes"}
    assert client.post("/es/zz/feedback/", answer, **SAME_SITE).status_code == 404


def test_a_connection_posting_answers_by_the_hundred_is_stopped_and_told_why(client, cr):
    guide(cr)
    from hub import views

    for n in range(views.FEEDBACK_PER_HOUR):
        assert _answer(client, "yes", comment=f"Comentario {n}").status_code == 302
    response = _answer(client, "no", comment="Otra vez")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Demasiadas respuestas" in html and "Otra vez" in html
    assert FeedbackCount.objects.get().useful == views.FEEDBACK_PER_HOUR
    assert FeedbackComment.objects.count() == views.FEEDBACK_PER_HOUR  # "Otra vez" was not kept
    # Another connection is not affected.
    other = {"kind": "guides", "slug": "residencia", "useful": "no"}
    assert client.post("/es/cr/feedback/", other, REMOTE_ADDR="10.0.0.9", **SAME_SITE).status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ],
)
def test_an_answer_posted_from_another_site_is_refused(client, cr, headers):
    guide(cr)
    response = client.post("/es/cr/feedback/", {"kind": "guides", "slug": "residencia", "useful": "yes"}, **headers)
    assert response.status_code == 403
    assert not FeedbackCount.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_REFERER": "http://testserver/es/cr/guides/residencia/"}],
)
def test_an_answer_from_the_page_itself_is_accepted_without_a_csrf_cookie(client, cr, headers):
    guide(cr)
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/es/cr/guides/residencia/")
    assert "csrftoken" not in page.cookies and "Cookie" not in page.get("Vary", "")
    answer = {"kind": "guides", "slug": "residencia", "useful": "yes"}
    assert strict.post("/es/cr/feedback/", answer, **headers).status_code == 302
    assert FeedbackCount.objects.get().useful == 1


def test_feedback_refuses_get(client, cr):
    assert client.get("/es/cr/feedback/").status_code == 405


# Search ----------------------------------------------------------------------------------------------


def test_search_finds_guides_and_articles_in_the_readers_language(client, cr):
    guide(cr, texts={"es": ES, "fr": FR})
    article(cr, texts={"es": ("Riesgos del viaje", "", "Los documentos falsos son un riesgo.")})
    html = client.get("/es/cr/search/", {"q": "documentos"}).content.decode()
    assert "2 resultados" in html
    assert 'href="/es/cr/guides/residencia/"' in html and 'href="/es/cr/articles/riesgos/"' in html
    html = client.get("/fr/cr/search/", {"q": "documents"}).content.decode()
    # The French text first; the Spanish-only article (the language a French reader is shown it in) after, marked.
    assert html.index("Résidence temporaire") < html.index("Riesgos del viaje")
    assert 'lang="es">Riesgos del viaje</a> <small class="text-body-secondary">(Espagnol)</small>' in html


def test_search_without_words_shows_no_results_block(client, cr):
    html = client.get("/es/cr/search/", {"q": "   "}).content.decode()
    assert "resultado" not in html


def test_search_with_nothing_found_says_so(client, cr):
    guide(cr)
    html = client.get("/es/cr/search/", {"q": "xilófono"}).content.decode()
    assert "No se encontró nada." in html


def test_a_too_long_query_is_refused_and_kept(client, cr):
    response = client.get("/es/cr/search/", {"q": "a" * 201})
    assert response.status_code == 200
    assert "a" * 201 in response.content.decode()


def test_search_is_accent_insensitive(client, cr):
    guide(cr, texts={"es": ("Regularización migratoria", "", "Trámite en la Dirección de Migración.")})
    html = client.get("/es/cr/search/", {"q": "regularizacion"}).content.decode()
    assert 'href="/es/cr/guides/residencia/"' in html
    html = client.get("/es/cr/search/", {"q": "DIRECCIÓN"}).content.decode()
    assert 'href="/es/cr/guides/residencia/"' in html


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")


@postgres_only
def test_postgres_stems_words_in_each_language(client, cr, ht):
    guide(cr, texts={"es": ("Permiso de trabajo", "", "Los trabajadores pueden solicitarlo."), "fr": FR})
    assert 'href="/es/cr/guides/residencia/"' in client.get("/es/cr/search/", {"q": "trabajadora"}).content.decode()
    assert "Résidence temporaire" in client.get("/fr/cr/search/", {"q": "résidences"}).content.decode()
    guide(ht, slug="pemi-sejou", source="ht", texts={"ht": ("Pèmi sejou", "", "Ki jan pou w jwenn pèmi sejou a.")})
    assert "Pèmi sejou" in client.get("/ht/ht/search/", {"q": "pemi"}).content.decode()


@postgres_only
def test_postgres_ranks_a_title_match_above_a_body_match(client, cr):
    guide(cr, slug="cuerpo", texts={"es": ("Trámites", "", "Cómo pedir el asilo en el país, paso a paso.")})
    guide(cr, slug="titulo", texts={"es": ("Asilo", "Solicitud de asilo.", "Paso a paso.")})
    html = client.get("/es/cr/search/", {"q": "asilo"}).content.decode()
    assert html.index('href="/es/cr/guides/titulo/"') < html.index('href="/es/cr/guides/cuerpo/"')


@postgres_only
def test_postgres_search_uses_the_stored_vectors_of_each_language(cr):
    item = guide(cr, texts={"es": ES, "fr": FR})
    item.refresh_from_db()
    assert item.search_es and item.search_fr and item.search_en is None


@pytest.mark.parametrize("field", ["slug", "comment", "kind"])
def test_a_nul_byte_in_feedback_is_refused_without_a_server_error(client, cr, field):
    guide(cr)
    data = {"kind": "guides", "slug": "residencia", "useful": "no", "comment": "Falta"}
    data[field] += "\x00"
    response = client.post("/es/cr/feedback/", data, **SAME_SITE)
    assert response.status_code == 400  # refused before any view, with the translated 400 page
    assert not FeedbackCount.objects.exists() and not FeedbackComment.objects.exists()


def test_the_limit_holds_while_the_cache_is_down_and_the_form_keeps_working(client, cr, settings):
    """The cache (Redis in production) is down: nothing listens on port 1. The answer is still saved."""
    guide(cr)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # fmt: skip
    assert _answer(client, "yes").status_code == 302
    assert FeedbackCount.objects.get().useful == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers are separate connections on PostgreSQL")
def test_the_limit_counts_the_uses_of_every_worker_together(cr):
    """45 requests from one connection, spread over 9 workers at once: exactly the limit passes."""
    from django.test import RequestFactory

    from helpers import throttle
    from tests.concurrency import run_together

    passed: list[bool] = []

    def worker(_n: int) -> None:
        for _i in range(5):
            passed.append(throttle.allow(RequestFactory().post("/", REMOTE_ADDR="203.0.113.7"), "t", limit=20))

    assert run_together(worker, 9) == []
    assert len(passed) == 45 and passed.count(True) == 20


def test_the_same_answer_posted_again_at_once_counts_once(client, cr):
    """A double click, or four posts of one form: one vote and one comment. Another reader's answer counts."""
    guide(cr)
    for _n in range(4):
        assert _answer(client, "no", comment="Falta el costo.").status_code == 302
    assert FeedbackCount.objects.get().not_useful == 1
    assert FeedbackComment.objects.count() == 1
    client.post(
        "/es/cr/feedback/",
        {"kind": "guides", "slug": "residencia", "useful": "no", "comment": "Falta el costo."},
        REMOTE_ADDR="192.0.2.9",
        **SAME_SITE,
    )
    assert FeedbackCount.objects.get().not_useful == 2
