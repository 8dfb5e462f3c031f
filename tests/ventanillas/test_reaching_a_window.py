"""A reader can call, write or find a window from the directory, in every language, on any phone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import WindowFactory
from ventanillas.models import Closure

LANGS = ["es", "en", "fr", "nl", "ht"]


@pytest.fixture
def reachable(cr):
    return WindowFactory(
        country=cr,
        name="Ventanilla Upala",
        slug="upala",
        city="Upala",
        region="Alajuela",
        latitude=Decimal("10.897900"),
        longitude=Decimal("-85.015500"),
        phone="+506 2470-0101",
        whatsapp="+506 8800-0101",
        email="upala@ventanillas.example",
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_link_has_dot_decimals_in_every_language(client, reachable, lang):
    html = client.get(f"/{lang}/cr/windows/").content.decode()
    assert 'href="geo:10.8979,-85.0155?q=10.8979,-85.0155"' in html
    assert "geo:10,8979" not in html
    assert "Avenida 2, calle 5, Upala, Alajuela" in html  # the address in words too


def test_phone_whatsapp_and_email_are_tap_links(client, reachable):
    html = client.get("/en/cr/windows/").content.decode()
    assert '<a class="btn btn-outline-primary btn-sm" href="tel:+50624700101">Call +506 2470-0101</a>' in html
    assert 'href="https://wa.me/50688000101">WhatsApp +506 8800-0101</a>' in html
    assert 'href="mailto:upala@ventanillas.example">Write to upala@ventanillas.example</a>' in html


def _order(html: str) -> list[str]:
    return re.findall(r'<section class="window-card[^>]* id="([^"]+)"', html)


def test_the_windows_of_the_city_the_reader_picks_come_first(client, window_cr, reachable):
    window_cr.region = "San José"
    window_cr.save()
    assert _order(client.get("/es/cr/windows/").content.decode()) == ["san-jose", "upala"]
    html = client.get("/es/cr/windows/?near=Upala").content.decode()
    assert _order(html) == ["upala", "san-jose"]
    assert '<option value="Upala" selected>Upala (Alajuela)</option>' in html


def test_an_unknown_city_keeps_the_usual_order_instead_of_failing(client, window_cr, reachable):
    response = client.get("/es/cr/windows/?near=<script>")
    assert response.status_code == 200
    assert _order(response.content.decode()) == ["san-jose", "upala"]


def test_sorting_by_location_is_offered_only_to_browsers_that_run_the_script(client, window_cr, reachable):
    html = client.get("/en/cr/windows/").content.decode()
    # The button is hidden until the script shows it; the position never leaves the phone (no form field for it).
    assert re.search(r'<button type="button"[^>]*id="locate" hidden', html)
    assert "Use my location (it stays on this phone)" in html
    assert 'name="lat"' not in html and 'name="lon"' not in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_windows_page_keeps_the_country_menu(client, reachable, lang):
    html = client.get(f"/{lang}/cr/windows/").content.decode()
    assert f'href="/{lang}/cr/faq/"' in html and f'href="/{lang}/cr/search/"' in html


def test_closures_read_in_each_languages_full_form(client, monkeypatch, reachable):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 2, 20, 15, tzinfo=UTC))
    Closure.objects.create(
        country=reachable.country, window=reachable, first_day=date(2027, 2, 28), last_day=date(2027, 2, 28), reason="X"
    )
    assert "28 de febrero: X" in client.get("/es/cr/windows/").content.decode()
    assert "28 février : X" in client.get("/fr/cr/windows/").content.decode() or "28 février: X" in (
        client.get("/fr/cr/windows/").content.decode()
    )
