"""The API's rate limits on a real Redis: both counters in one round trip, expiring after their window."""

import time

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from hipoc.throttling import ApiRateThrottle, count_requests
from tests.factories import UserFactory


def test_counters_are_counted_together_and_expire(shared_cache):
    keys = [("throttle_user_1:7", 120), ("throttle_token_abc:7", 120)]
    assert count_requests(keys) == [1, 1]
    assert count_requests(keys) == [2, 2]
    assert shared_cache.get("throttle_user_1:7") == 2
    client = shared_cache.client.get_client(write=True)
    assert 0 < client.ttl(shared_cache.make_key("throttle_token_abc:7")) <= 120


@pytest.mark.django_db
def test_requests_beyond_the_allowance_are_refused_on_redis(shared_cache, monkeypatch):
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "3/day", "token": "100/day"})
    partner = UserFactory(role="partner-system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
    assert [api.get("/api/v1/areas/").status_code for _ in range(4)] == [200, 200, 200, 429]
    window = int(time.time() // 86400)
    assert shared_cache.get(f"throttle_user_{partner.pk}:{window}") == 4
