from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests.factories import WindowFactory, country
from ventanillas.models import Closure

HEADINGS = {
    "es": "Ventanillas informativas en Costa Rica",
    "en": "Information windows in Costa Rica",
    "fr": "Guichets d'information : Costa Rica",
    "nl": "Informatieloketten in Costa Rica",
    "ht": "Fenèt enfòmasyon nan Costa Rica",
}


@pytest.fixture
def at(monkeypatch):
    """Freeze the clock the directory reads, at a UTC instant."""

    def freeze(*args):
        instant = datetime(*args, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return freeze


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_the_directory_is_served_in_each_language(client, window_cr, lang):
    response = client.get(f"/{lang}/cr/windows/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert HEADINGS[lang] in html
    assert "Avenida 2, calle 5" in html


def test_an_unknown_country_is_a_404(client, db):
    assert client.get("/es/zz/windows/").status_code == 404


def test_inactive_windows_are_not_listed(client, cr):
    WindowFactory(country=cr, name="Cerrada para siempre", active=False)
    assert "Cerrada para siempre" not in client.get("/es/cr/windows/").content.decode()


def test_open_now_is_computed_in_each_countrys_time_zone(client, at, window_cr, window_pa):
    # Monday 30 Nov 2026, 13:30 UTC: 07:30 in Costa Rica (UTC-6), 08:30 in Panama (UTC-5).
    at(2026, 11, 30, 13, 30)
    cr_page = client.get("/en/cr/windows/").content.decode()
    pa_page = client.get("/en/pa/windows/").content.decode()
    assert "Closed now. Opens today at 08:00" in cr_page
    assert "Local time in San José: 07:30." in cr_page and "America/" not in cr_page
    assert "Open now, until 12:00" in pa_page
    assert "Local time in Panama City: 08:30." in pa_page


def test_a_holiday_shows_closed_with_its_reason_and_the_next_opening(client, at, window_cr):
    Closure.objects.create(
        country=window_cr.country, first_day=date(2026, 12, 25), last_day=date(2026, 12, 25), reason_en="Christmas Day"
    )
    at(2026, 12, 25, 16, 0)  # Friday 10:00 in Costa Rica
    page = client.get("/en/cr/windows/").content.decode()
    assert "Closed today: Christmas Day" in page
    assert "Closed now. Opens Monday December 28 at 08:00" in page


def test_day_names_are_translated_in_kreyol(client, at, db):
    haiti = country("HT")
    WindowFactory(country=haiti, name="Fenèt Pòtoprens")
    at(2026, 12, 5, 15, 0)  # Saturday
    page = client.get("/ht/ht/windows/").content.decode()
    assert "lendi 7 desanm" in page
    assert "Fèmen kounye a." in page


def test_the_switcher_offers_the_countrys_languages_and_stays_on_the_page(client, window_cr):
    html = client.get("/es/cr/windows/").content.decode()
    assert 'href="/en/cr/windows/" hreflang="en"' in html
    assert 'href="/fr/cr/windows/" hreflang="fr"' in html
    assert 'hreflang="nl"' not in html and 'hreflang="ht"' not in html
    assert '<span class="fw-bold" aria-current="true" lang="es">Español</span>' in html


def test_the_home_page_offers_all_five_languages_and_lists_the_countries(client, window_cr, window_pa):
    html = client.get("/ht/").content.decode()
    for lang in ["es", "en", "fr", "nl"]:
        assert f'href="/{lang}/" hreflang="{lang}"' in html
    assert 'href="/ht/cr/"' in html and 'href="/ht/pa/"' in html


def test_the_bare_root_redirects_to_a_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == "/fr/"


def test_the_next_opening_day_reads_naturally_in_spanish(client, at, window_cr):
    at(2026, 12, 4, 23, 0)  # Friday 17:00 in Costa Rica: next opening on Monday
    page = client.get("/es/cr/windows/").content.decode()
    assert "Abre el lunes 7 de diciembre a las 08:00" in page
