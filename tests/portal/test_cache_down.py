"""With the cache (Redis) unreachable every page still answers: public pages are rendered without a copy, the
login and the second factor work, writes that end copies go through, and /health/ names the cache as down."""

from __future__ import annotations

import time

import pytest
from django.test import Client, override_settings

import pagecache
from portal import cache as breaker
from tests.hub.factories import guide

# Nothing listens on this port: every operation of the cache fails as with a Redis that was stopped.
CLOSED = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6399/0"}}

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down():
    breaker.reset()
    with override_settings(CACHES=CLOSED):
        yield
    breaker.reset()
    pagecache._UNSENT.clear()


def test_every_kind_of_public_page_answers_without_the_cache(cache_down, cr, window_cr):
    guide(cr)  # its publication ends copies in the cache, which cannot be written: the write still goes through
    for url in ("/es/", "/es/cr/", "/es/cr/guides/residencia/", "/es/cr/windows/", "/es/status/", "/es/cr/faq/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "private" in response["Cache-Control"], url
    assert "Residencia temporal" in Client().get("/es/cr/guides/residencia/").content.decode()


def test_after_a_failure_the_cache_is_not_asked_again_for_a_while(cache_down, cr):
    Client().get("/es/cr/")
    assert breaker.is_open()
    started = time.monotonic()
    with pytest.raises(breaker.CacheUnavailable):
        from django.core.cache import cache

        cache.get("anything")
    assert time.monotonic() - started < 0.05


def test_login_and_the_second_factor_work_without_the_cache(cache_down, staff_cr):
    from tests.security.test_accounts import _code, _paired

    device = _paired(staff_cr)
    client = Client()
    assert client.get("/es/accounts/login/").status_code == 200
    response = client.post("/es/accounts/login/", {"username": "staff_cr", "password": "a-test-password"})
    assert response.status_code == 302
    response = client.post("/es/accounts/two-factor/", {"otp_token": _code(device), "next": "/es/staff/cases/"})
    assert response["Location"] == "/es/staff/cases/"
    assert client.get("/es/staff/cases/").status_code == 200
    assert client.get("/es/accounts/password_reset/").status_code == 200


def test_changes_made_while_the_cache_was_down_end_the_copies_once_it_is_back(cr):
    from tests.portal.test_pagecache import cached_twice, get

    guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Primera versión.")})
    client = Client()
    cached_twice(client, "/es/cr/guides/residencia/")
    with override_settings(CACHES=CLOSED):
        breaker.reset()
        guide(cr, texts={"es": ("Residencia temporal", "Cómo pedirla.", "Segunda versión.")})
        assert pagecache._UNSENT
    breaker.reset()
    page = get(client, "/es/cr/guides/residencia/")
    assert "Segunda versión" in page.html and page["X-Page-Cache"] == "miss"
    assert not pagecache._UNSENT


def test_health_names_the_cache_while_it_is_down(cache_down):
    response = Client().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["cache"].startswith("unavailable")
