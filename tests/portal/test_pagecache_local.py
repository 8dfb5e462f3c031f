"""Each worker's own copies of public pages (pagecache.local): served without asking Redis, and never after a
change, whichever process made it, nor once the process can no longer hear of changes.

These tests use a real Redis (its invalidation messages are the property under test); without one they skip.
"""

from __future__ import annotations

import gzip
import pickle
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory

import pagecache
from hub.services import publish_text
from pagecache import local
from pagecache.wsgi import with_kept_pages_first
from portal.cache import RedisCache
from tests.hub.factories import guide

# One process runs them all, one after the other: each test's cache is cleared at its end, and clearing a Redis
# database empties it for every test using it at the time.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("redis-pages")]

LOCATION = "redis://127.0.0.1:6379/2"
URL = "/es/cr/guides/residencia/"


@pytest.fixture
def redis_pages(settings):
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at " + LOCATION)
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": LOCATION,
            "KEY_PREFIX": f"tests-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGE_CACHE_LOCAL_BYTES = 1024 * 1024
    yield redis.Redis.from_url(LOCATION)
    local.reset()


@pytest.fixture
def asked(monkeypatch):
    """How many times Redis was read for a page or its versions."""
    calls = []
    for name in ("get", "get_many"):
        original = getattr(RedisCache, name)

        def spy(self, *args, _original=original, **kwargs):
            calls.append(args)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RedisCache, name, spy)
    return calls


def kept_twice(client, url=URL):
    """Render the page, then read it from Redis once: this process now keeps it."""
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    return second


def other_worker_changes(connection, tags):
    """What another worker's ``pagecache.changed`` writes: new versions of the tags, in the same Redis."""
    for tag in tags:
        connection.set(cache.make_key(pagecache.TAG + tag), pickle.dumps(uuid.uuid4().hex))


def page_tags():
    [entry] = local._state.pages.values()
    return [key.split(pagecache.TAG, 1)[1] for key in entry["tag_versions"]]


def text(response):
    body = response.content
    return (gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body).decode()


def test_a_kept_page_is_answered_without_asking_redis(redis_pages, client, cr, asked):
    guide(cr)
    second = kept_twice(client)
    asked.clear()
    third = client.get(URL)
    assert third["X-Page-Cache"] == "hit" and third.content == second.content
    assert asked == []


def test_the_answer_before_django_is_the_middleware_s_own(redis_pages, client, cr, asked):
    guide(cr)
    kept_twice(client)
    passed = []

    def django(environ, start_response):
        passed.append(environ["PATH_INFO"])
        start_response("500 Not expected", [])
        return [b""]

    application = with_kept_pages_first(django)
    asked.clear()
    for encoding in ("gzip", ""):
        middleware = client.get(URL, HTTP_ACCEPT_ENCODING=encoding)
        started = {}
        body = b"".join(
            application(
                RequestFactory().get(URL, HTTP_ACCEPT_ENCODING=encoding).environ,
                lambda status, headers, started=started: started.update(status=status, headers=headers),
            )
        )
        assert started["status"] == "200 OK"
        assert sorted(started["headers"]) == sorted(middleware.items())
        assert body == middleware.content
        assert ("Content-Encoding", "gzip") in started["headers"] if encoding else "Content-Encoding" not in middleware
    assert passed == [] and asked == []
    # A conditional request, a POST, a signed-in reader and an address without a kept copy go to Django.
    factory = RequestFactory()
    for environ in (
        factory.get(URL, HTTP_IF_NONE_MATCH='"x"').environ,
        factory.post(URL).environ,
        factory.get(URL, HTTP_COOKIE="sessionid=abc").environ,
        factory.get("/es/cr/guides/otra/").environ,
        factory.get("/health/").environ,
    ):
        application(environ, lambda *args: None)
    assert len(passed) == 5


def test_a_change_made_by_another_worker_is_seen_at_once(redis_pages, client, cr, monkeypatch):
    item = guide(cr)
    kept_twice(client)
    # Another worker publishes: the rows change, and only Redis hears of it (this process bumps nothing).
    monkeypatch.setattr(pagecache, "_bump", lambda tags: True)
    publish_text(item=item, language="es", title="Residencia permanente", summary="Nueva.", body="Texto nuevo.")
    assert "Residencia permanente" not in text(client.get(URL))  # nothing told the cache yet
    other_worker_changes(redis_pages, page_tags())
    page = client.get(URL)
    assert page["X-Page-Cache"] == "miss" and "Residencia permanente" in text(page)


def test_a_change_made_in_this_process_is_seen_at_once(redis_pages, client, cr):
    item = guide(cr)
    kept_twice(client)
    publish_text(item=item, language="es", title="Residencia permanente", summary="Nueva.", body="Texto nuevo.")
    page = client.get(URL)
    assert page["X-Page-Cache"] == "miss" and "Residencia permanente" in text(page)


def test_a_lost_connection_forgets_every_kept_page(redis_pages, client, cr, monkeypatch, asked):
    item = guide(cr)
    kept_twice(client)
    host, port = local._state.connection._sock.getsockname()[:2]
    redis_pages.client_kill(f"{host}:{port}")
    # The change is in Redis, but the killed connection will never carry its message.
    with monkeypatch.context() as patched:
        patched.setattr(pagecache, "_bump", lambda tags: True)
        publish_text(item=item, language="es", title="Residencia permanente", summary="Nueva.", body="Texto nuevo.")
    other_worker_changes(redis_pages, page_tags())
    asked.clear()
    page = client.get(URL)
    assert asked and page["X-Page-Cache"] == "miss" and "Residencia permanente" in text(page)


def test_without_an_answered_ping_within_half_a_second_redis_is_asked(redis_pages, client, cr, asked):
    guide(cr)
    kept_twice(client)
    # Redis has not answered the last ping for a second (a network that drops without a word): the
    # answers on their way are read first, then a ping is taken as sent and never answered.
    time.sleep(0.05)
    assert local.listening()
    now = time.monotonic()
    local._state.heard_at = now - 1.0
    local._state.ping_sent_at = now
    local._state.waiting = [now]
    asked.clear()
    assert client.get(URL).status_code == 200
    assert asked, "the copy was served by this process without proof it hears of changes"


def test_a_cleared_cache_is_forgotten_by_this_process(redis_pages, client, cr, asked):
    guide(cr)
    kept_twice(client)
    cache.clear()
    asked.clear()
    assert client.get(URL)["X-Page-Cache"] == "miss"
    assert asked


def test_each_process_keeps_no_more_than_its_budget(redis_pages, client, cr, settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 4 * 30_000
    for slug in ("uno", "dos", "tres", "cuatro", "cinco", "seis"):
        guide(cr, slug, texts={"es": (f"Guía {slug}", "Resumen.", "Texto. " * 2000)})
        kept_twice(client, f"/es/cr/guides/{slug}/")
    assert 0 < local._state.size <= settings.PAGE_CACHE_LOCAL_BYTES
    assert len(local._state.pages) < 6


def test_without_redis_nothing_is_kept(client, cr):
    guide(cr)
    client.get(URL)
    client.get(URL)
    assert local._state.pages == {} and local.listening() is False
