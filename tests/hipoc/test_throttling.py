"""The API's rate limits on a real Redis: both counters in one round trip, expiring after their window."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from hipoc.throttling import ApiRateThrottle, count_requests
from tests.conftest import skip_or_fail
from tests.factories import UserFactory

REDIS_CACHE = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/12"}}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=REDIS_CACHE):
        try:
            cache.clear()
        except Exception:
            skip_or_fail("needs Redis at 127.0.0.1:6379")
        yield cache
        cache.clear()


def test_counters_are_counted_together_and_expire(redis_cache):
    keys = [("throttle_user_1:7", 120), ("throttle_token_abc:7", 120)]
    assert count_requests(keys) == [1, 1]
    assert count_requests(keys) == [2, 2]
    assert redis_cache.get("throttle_user_1:7") == 2
    client = redis_cache.client.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_key("throttle_token_abc:7")) <= 120


@pytest.mark.django_db
def test_requests_beyond_the_allowance_are_refused_on_redis(redis_cache, monkeypatch):
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "3/day", "token": "100/day"})
    partner = UserFactory(role="partner-system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
    assert [api.get("/api/v1/areas/").status_code for _ in range(4)] == [200, 200, 200, 429]
    window = int(time.time() // 86400)
    assert redis_cache.get(f"throttle_user_{partner.pk}:{window}") == 4
