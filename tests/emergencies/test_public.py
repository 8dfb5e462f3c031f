"""The emergency's public page and banner: what a reader on a cheap phone gets, and how soon a change shows."""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import Client

from emergencies import services
from emergencies.models import PointState
from tests.factories import Role, UserFactory, WindowFactory, country, member
from tests.hub.factories import guide

from .factories import declare, shelter

pytestmark = pytest.mark.django_db


@pytest.fixture
def haiti():
    ht = country("HT")
    WindowFactory(country=ht, region="Ouest", city="Port-au-Prince", slug="pap")
    return ht


@pytest.fixture
def emergency(haiti):
    return declare(haiti, regions=["Ouest"])


def test_the_page_says_what_to_do_where_to_call_and_where_to_go(emergency):
    shelter(emergency, emergency.declared_by)
    html = Client().get(f"/ht/ht/emergencies/{emergency.pk}/").content.decode()
    assert "Ale nan abri ki pi pre a." in html
    assert 'href="tel:+50929430000"' in html and 'href="tel:116"' in html
    assert 'href="geo:18.539200,-72.335000"' in html
    assert 'href="tel:+50937001111"' in html
    assert "Lycée national" in html and "Rue Capois 12" in html and "24 h" in html
    assert "120" in html and "300" in html
    assert "<svg" in html  # the QR code, in the page itself


def test_the_page_needs_no_other_file_and_weighs_under_ten_kilobytes(emergency):
    for number in range(6):
        shelter(emergency, emergency.declared_by, name=f"Abri {number}")
    response = Client().get(f"/ht/ht/emergencies/{emergency.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    html = body.decode()
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) <= 10 * 1024
    assert len(body) <= 20 * 1024
    # Nothing fetched besides the page: no stylesheet, script, image or font; the style is inline.
    assert not re.search(r"<(script|img|link|iframe)\b", html)
    assert "<style>" in html
    # ...and the policy allows that one inline style by its hash, on the copy served from the cache too.
    again = Client().get(f"/ht/ht/emergencies/{emergency.pk}/")
    assert again["X-Page-Cache"] == "hit"
    assert "'sha256-" in again["Content-Security-Policy"]


def test_the_page_prints_on_one_sheet(emergency):
    html = Client().get(f"/ht/ht/emergencies/{emergency.pk}/").content.decode()
    assert "@media print" in html and "@page" in html


def test_a_clerk_marks_a_shelter_full_and_a_reader_sees_it_on_the_next_load(emergency, haiti):
    point = shelter(emergency, emergency.declared_by)
    reader = Client()
    url = f"/ht/ht/emergencies/{emergency.pk}/"
    assert 'class="open"' in reader.get(url).content.decode()
    assert reader.get(url)["X-Page-Cache"] == "hit"
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=haiti.windows.first())
    staff = Client()
    staff.force_login(clerk)
    response = staff.post(f"/ht/staff/emergencies/points/{point.pk}/state/", {"state": "full", "occupancy": "300"})
    assert response.status_code == 302
    page = reader.get(url)
    assert page["X-Page-Cache"] == "miss"
    html = page.content.decode()
    assert 'class="full"' in html and 'class="open"' not in html


def test_a_clerk_elsewhere_cannot_touch_the_point_and_bad_input_keeps_the_number(emergency, haiti):
    point = shelter(emergency, emergency.declared_by)
    outsider = UserFactory()
    member(outsider, Role.WINDOW_STAFF, window=WindowFactory(country=country("DO")))
    client = Client()
    client.force_login(outsider)
    assert client.post(f"/es/staff/emergencies/points/{point.pk}/state/", {"state": "closed"}).status_code == 404
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=haiti.windows.first())
    client.force_login(clerk)
    response = client.post(f"/ht/staff/emergencies/points/{point.pk}/state/", {"state": "full", "occupancy": "-4"})
    assert response.status_code == 400
    assert 'value="-4"' in response.content.decode()
    point.refresh_from_db()
    assert point.state == PointState.OPEN


def test_the_banner_comes_first_on_every_page_of_the_country_and_goes_when_it_ends(emergency, haiti):
    guide(haiti, "rezidans")
    reader = Client()
    for url in ("/ht/ht/", "/ht/ht/guides/rezidans/", "/ht/ht/windows/"):
        html = reader.get(url).content.decode()
        assert f'href="/ht/ht/emergencies/{emergency.pk}/"' in html, url
        assert html.index("Ouragan Mélissa") < html.index('<main id="main"')
    assert reader.get("/ht/ht/")["X-Page-Cache"] == "hit"
    country("DO")
    assert "Ouragan Mélissa" not in Client().get("/es/do/").content.decode()
    services.end(emergency=emergency, by=emergency.declared_by)
    html = reader.get("/ht/ht/").content.decode()
    assert f"/ht/ht/emergencies/{emergency.pk}/" not in html
    past = reader.get(f"/ht/ht/emergencies/{emergency.pk}/").content.decode()
    assert "Ouragan Mélissa" in past and 'class="sev past"' in past


def test_the_page_offers_the_countrys_other_languages_and_marks_a_text_not_yet_translated(emergency):
    html = Client().get(f"/fr/ht/emergencies/{emergency.pk}/").content.decode()
    assert '<html lang="fr">' in html
    assert '<h1 lang="ht">Ouragan Mélissa: rete lakay ou</h1>' in html
    assert f'href="/ht/ht/emergencies/{emergency.pk}/" hreflang="ht"' in html


def test_another_countrys_address_or_an_unknown_emergency_is_not_found(emergency):
    country("DO")
    assert Client().get(f"/es/do/emergencies/{emergency.pk}/").status_code == 404
    assert Client().get(f"/ht/ht/emergencies/{emergency.pk + 100}/").status_code == 404


def test_an_officer_adds_a_service_point_and_a_clerk_sees_three_buttons(emergency, haiti):
    officer = emergency.declared_by
    client = Client()
    client.force_login(officer)
    data = {"kind": "health", "name": "Poste de santé", "address": "Delmas 33", "latitude": "18.5", "longitude": ""}
    response = client.post(f"/ht/staff/emergencies/{emergency.pk}/points/new/", data)
    assert response.status_code == 200 and "longitude" in response.context["form"].errors
    assert 'value="Delmas 33"' in response.content.decode()
    data["longitude"] = "-72.3"
    assert client.post(f"/ht/staff/emergencies/{emergency.pk}/points/new/", data).status_code == 302
    clerk = UserFactory()
    member(clerk, Role.WINDOW_STAFF, window=haiti.windows.first())
    client.force_login(clerk)
    html = client.get(f"/ht/staff/emergencies/{emergency.pk}/").content.decode()
    assert html.count('name="state"') == 3
    assert f"/staff/emergencies/{emergency.pk}/end/" not in html  # clerks change states, not the emergency
