"""The Redis cache backend (portal.cache): Django's, with one client reused instead of one per operation."""

from __future__ import annotations

import uuid

import pytest
import redis

from portal.cache import RedisCache

LOCATION = "redis://127.0.0.1:6379/1"


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at " + LOCATION)
    backend = RedisCache(LOCATION, {"KEY_PREFIX": f"tests-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["a", "b", "c"])


def test_it_reads_and_writes_like_django_s_with_one_client(redis_cache):
    redis_cache.set("a", {"body": b"x" * 1000})
    redis_cache.set_many({"b": 2, "c": "three"})
    assert redis_cache.get("a") == {"body": b"x" * 1000}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"body": b"x" * 1000}, "b": 2, "c": "three"}
    assert redis_cache.add("b", 5) is False and redis_cache.incr("b") == 3
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    client = redis_cache._cache
    assert client.get_client() is client.get_client() is client.get_client(write=True)


def test_a_redis_cache_url_gets_this_backend():
    from tests.portal.test_deploy import manage, production_env

    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage("shell", "-c", show, env=production_env(CACHE_URL=LOCATION))
    assert result.returncode == 0, result.stderr
    assert "portal.cache.RedisCache" in result.stdout
