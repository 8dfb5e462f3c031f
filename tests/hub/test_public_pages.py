"""What a reader sees: the country home, guides in their language or a marked fallback, FAQ, 404s."""

from __future__ import annotations

import html as html_text
import re

import pytest

from hub.models import FaqEntry
from tests.hub.factories import alert, article, guide

ES = ("Residencia temporal", "Cómo pedirla.", "Reúna sus documentos.\n\n- Pasaporte\n- Fotos")
FR = ("Résidence temporaire", "Comment la demander.", "Rassemblez vos documents.")
EN = ("Temporary residence", "How to apply.", "Gather your documents.")


def test_the_country_home_lists_guides_articles_and_windows(client, cr, window_cr):
    guide(cr)
    article(cr, texts={"es": ("Los riesgos del viaje irregular", "", "Texto.")})
    html = client.get("/es/cr/").content.decode()
    assert "Migrar de forma regular en Costa Rica" in html
    assert 'href="/es/cr/guides/residencia/"' in html
    assert "Los riesgos del viaje irregular" in html
    assert "Ventanilla San José" in html
    assert 'href="/es/cr/windows/"' in html


def test_a_guide_is_shown_in_the_readers_language(client, cr):
    guide(cr, texts={"es": ES, "fr": FR})
    html = client.get("/fr/cr/guides/residencia/").content.decode()
    assert '<article lang="fr"' in html
    assert "Résidence temporaire" in html
    assert "n'est pas encore disponible" not in html


def test_a_missing_kreyol_guide_falls_back_to_french_with_a_notice_and_the_right_lang(client, pa):
    guide(pa, texts={"es": ES, "fr": FR})
    html = client.get("/ht/pa/guides/residencia/").content.decode()
    assert '<html lang="ht">' in html
    assert "Paj sa a poko disponib an Kreyòl ayisyen; n ap montre l an Franse." in html
    assert '<article lang="fr"' in html
    assert '<div class="guide-body guide-text" lang="fr">' in html
    assert '<link rel="canonical" href="http://testserver/fr/pa/guides/residencia/">' in html


def test_without_french_kreyol_falls_back_to_the_countrys_language(client, pa):
    guide(pa, texts={"es": ES, "en": EN})
    html = client.get("/ht/pa/guides/residencia/").content.decode()
    assert '<article lang="es"' in html
    assert "n ap montre l an Panyòl" in html


def test_the_switcher_and_hreflang_offer_only_the_real_translations(client, cr):
    guide(cr, texts={"es": ES, "fr": FR})
    html = client.get("/es/cr/guides/residencia/").content.decode()
    assert 'href="/fr/cr/guides/residencia/" hreflang="fr" lang="fr"' in html
    assert 'aria-current="true" lang="es"' in html
    assert 'hreflang="en"' not in html and 'hreflang="nl"' not in html and 'hreflang="ht"' not in html
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/cr/guides/residencia/">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/cr/guides/residencia/">' in html


def test_the_slug_is_the_same_in_every_language(client, cr):
    guide(cr, texts={"es": ES, "en": EN})
    assert client.get("/en/cr/guides/residencia/").status_code == 200
    assert client.get("/es/cr/guides/residencia/").status_code == 200


def test_the_guide_body_keeps_paragraphs_and_lists_and_escapes_html(client, cr):
    guide(cr, texts={"es": ("Título", "", "Primero <b>esto</b>.\n\n- Pasaporte\n- Fotos")})
    html = client.get("/es/cr/guides/residencia/").content.decode()
    assert "<p>Primero &lt;b&gt;esto&lt;/b&gt;.</p>" in html
    assert "<ul><li>Pasaporte</li><li>Fotos</li></ul>" in html


def test_share_links_carry_the_title_and_address(client, cr):
    guide(cr)
    html = client.get("/es/cr/guides/residencia/").content.decode()
    assert 'href="https://wa.me/?text=Residencia%20temporal%20http%3A//testserver/es/cr/guides/residencia/"' in html
    assert 'href="sms:?&amp;body=Residencia%20temporal%20' in html


def test_sample_content_and_verification_dates_are_shown(client, cr):
    from datetime import date

    guide(cr, is_sample=True, verified_on=date(2026, 5, 12), review_due=date(2099, 11, 12))
    html = client.get("/en/cr/guides/residencia/").content.decode()
    assert "Sample content: these facts have not been verified" in html
    assert "Verified on 12 May 2026." in html
    assert "Next review: 12 November 2099." in html


def test_an_overdue_review_warns_the_reader(client, cr):
    from datetime import date

    guide(cr, review_due=date(2020, 1, 1))
    assert "Review was due on 1 January 2020" in client.get("/en/cr/guides/residencia/").content.decode()


@pytest.mark.parametrize(
    "url", ["/es/zz/", "/es/zz/guides/residencia/", "/es/cr/guides/nada/", "/es/pa/guides/residencia/", "/es/zz/faq/"]
)
def test_unknown_countries_and_guides_are_404(client, cr, pa, url):
    guide(cr)
    assert client.get(url).status_code == 404


def test_a_guide_with_no_published_language_is_404(client, cr):
    from hub.models import Guide

    Guide.objects.create(country=cr, slug="borrador", source_language="es")
    assert client.get("/es/cr/guides/borrador/").status_code == 404
    assert "borrador" not in client.get("/es/cr/").content.decode()


@pytest.mark.parametrize("url", ["/es/cr/", "/es/cr/guides/residencia/", "/es/cr/faq/", "/es/cr/search/"])
def test_public_pages_refuse_post(client, cr, url):
    guide(cr)
    assert client.post(url).status_code == 405


def test_faq_shows_questions_in_the_readers_language_or_a_marked_fallback(client, pa):
    FaqEntry.objects.create(country=pa, question_es="¿Cuánto cuesta?", answer_es="Es gratis.", order=1)
    FaqEntry.objects.create(
        country=pa, question_es="¿Dónde?", answer_es="Aquí.", question_ht="Ki kote?", answer_ht="Isit la.", order=2
    )
    html = client.get("/ht/pa/faq/").content.decode()
    assert '<details class="mb-2 border rounded p-2" lang="es">' in html and "¿Cuánto cuesta?" in html
    assert '<details class="mb-2 border rounded p-2" lang="ht">' in html and "Ki kote?" in html


def test_the_home_page_links_each_country_to_its_home(client, cr):
    assert 'href="/es/cr/"' in client.get("/es/").content.decode()


def test_alerts_show_on_every_page_of_their_country_only_while_active(client, cr, pa, window_cr):
    guide(cr)
    alert(cr, title="Cierre de la frontera norte")
    alert(cr, title="Alerta futura", starts=2, ends=3)
    alert(cr, title="Alerta vencida", starts=-3, ends=-1)
    alert(pa, title="Alerta de Panamá")
    alert(None, title="Huracán en la región", ends=None)
    for url in ["/es/cr/", "/es/cr/guides/residencia/", "/es/cr/windows/", "/es/cr/faq/", "/es/cr/search/"]:
        html = client.get(url).content.decode()
        assert "Cierre de la frontera norte" in html, url
        assert "Huracán en la región" in html, url
        assert "Alerta futura" not in html and "Alerta vencida" not in html and "Alerta de Panamá" not in html
    assert "Cierre de la frontera norte" not in client.get("/es/").content.decode()


def test_an_alert_in_another_language_is_marked_with_its_lang(client, ht):
    alert(ht, title="Siklòn", title_ht="Siklòn ap vini")
    html = client.get("/fr/ht/").content.decode()
    assert 'lang="ht"' in html and "Siklòn ap vini" in html


def test_a_page_shown_in_its_source_language_marks_its_title_and_describes_itself_in_the_readers(client, cr):
    guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Reúna sus documentos.")})
    html = client.get("/fr/cr/guides/residencia/").content.decode()
    assert '<title lang="es">Residencia temporal · ' in html, "a screen reader reads the Spanish title as Spanish"
    description = html_text.unescape(re.search(r'<meta name="description" content="([^"]*)">', html)[1])
    assert description == "Cette page n'est pas encore disponible en Français ; elle est affichée en Espagnol."
    translated = client.get("/es/cr/guides/residencia/").content.decode()
    assert "<title>Residencia temporal · " in translated and 'content="Cómo pedirla."' in translated
