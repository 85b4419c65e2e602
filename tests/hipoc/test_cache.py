"""The shared cache on a real Redis (CACHE_URL=redis://…): django-redis, one redis-py client per server."""

import uuid

import environ
import pytest
from django.core.cache.backends.base import BaseCache
from django.utils.module_loading import import_string

from tests.conftest import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache() -> BaseCache:
    # Built the way the settings build the cache, so that the test checks the backend a deployment gets.
    config = environ.Env.cache_url_config(REDIS_URL)
    cache = import_string(config["BACKEND"])(config["LOCATION"], {"OPTIONS": config.get("OPTIONS", {})})
    try:
        cache.get("probe")
    except Exception:
        skip_or_fail(f"needs Redis at {REDIS_URL}")
    yield cache
    cache.clear()


def test_a_redis_url_gives_the_django_redis_backend():
    assert environ.Env.cache_url_config(REDIS_URL)["BACKEND"] == "django_redis.cache.RedisCache"


def test_values_round_trip_through_redis(redis_cache):
    key = f"hipoc-test-{uuid.uuid4().hex}"
    redis_cache.set(key, {"history": [1.5, 2.5]}, timeout=30)
    assert redis_cache.get(key) == {"history": [1.5, 2.5]}
    assert redis_cache.add(key, "other") is False


def test_counters_are_incremented_in_redis(redis_cache):
    key = f"hipoc-test-{uuid.uuid4().hex}"
    redis_cache.set(key, 0, timeout=30)
    assert [redis_cache.incr(key) for _ in range(3)] == [1, 2, 3]


def test_one_client_serves_every_operation(redis_cache):
    assert redis_cache.client.get_client(write=True) is redis_cache.client.get_client(write=True)
    assert redis_cache.client.get_client(write=False) is redis_cache.client.get_client(write=False)
