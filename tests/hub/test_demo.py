"""The demo content loads, loads again without duplicates, and covers what the programme promised."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from hub import demo
from hub.models import Alert, Article, Guide
from ventanillas import demo as ventanillas_demo

LIMIT = 60 * 1024


@pytest.fixture
def loaded(db):
    ventanillas_demo.load()
    demo.load()


def test_every_country_has_two_guides_and_an_article_all_marked_as_samples(loaded):
    from ventanillas.models import Country

    for country in Country.objects.all():
        assert Guide.objects.filter(country=country).published().count() >= 2, country.code
        assert Article.objects.filter(country=country).published().count() >= 1, country.code
    assert not Guide.objects.filter(is_sample=False).exists()
    assert Alert.objects.count() >= 2
    assert any(len(g.languages()) == 5 for g in Guide.objects.all())


def test_loading_twice_changes_nothing(loaded):
    before = (Guide.objects.count(), Article.objects.count(), Alert.objects.count())
    hashes = sorted(Guide.objects.values_list("source_hash", flat=True))
    demo.load()
    assert (Guide.objects.count(), Article.objects.count(), Alert.objects.count()) == before
    assert sorted(Guide.objects.values_list("source_hash", flat=True)) == hashes


def _wire_size(client, url: str) -> tuple[int, list[str]]:
    """Gzipped bytes of the page and of every stylesheet it links, as a phone would download them."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    body = response.content
    html = gzip.decompress(body).decode() if response.get("Content-Encoding") == "gzip" else body.decode()
    total = len(body) if response.get("Content-Encoding") == "gzip" else len(gzip.compress(body))
    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    for sheet in sheets:
        with open(finders.find(sheet), "rb") as handle:
            total += len(gzip.compress(handle.read(), compresslevel=9))
    assert not re.search(r"<script", html), "a guide page needs no JavaScript"
    return total, sheets


@pytest.mark.parametrize("url", ["/es/mx/guides/tarjeta-humanitaria/", "/ht/pa/guides/permiso-proteccion-humanitaria/"])
def test_a_demo_guide_page_with_its_css_stays_under_60_kb_gzipped(client, loaded, url):
    total, sheets = _wire_size(client, url)
    assert sheets, "the page links its stylesheets"
    assert total <= LIMIT, f"{url}: {total} bytes gzipped with {sheets}"
