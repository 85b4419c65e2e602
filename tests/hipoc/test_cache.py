"""The Redis cache backend: a real Redis, one redis-py client per connection pool."""

import uuid

import pytest

from hipoc.cache import RedisCache
from tests.conftest import skip_or_fail

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {})
    try:
        cache.get("probe")
    except Exception:
        skip_or_fail(f"needs Redis at {REDIS_URL}")
    yield cache
    cache.clear()


def test_values_round_trip_through_redis(redis_cache):
    key = f"hipoc-test-{uuid.uuid4().hex}"
    redis_cache.set(key, {"history": [1.5, 2.5]}, timeout=30)
    assert redis_cache.get(key) == {"history": [1.5, 2.5]}
    assert redis_cache.add(key, "other") is False


def test_one_client_serves_every_operation(redis_cache):
    backend = redis_cache._cache
    assert backend.get_client(write=True) is backend.get_client(write=True)
    assert backend.get_client() is backend.get_client()
