"""API tokens: hashed at rest, optional expiry, refused once expired or revoked, expired ones purged."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.services import api_token_issue, api_tokens_revoke
from accounts.tasks import purge_expired_tokens
from tests.factories import UserFactory


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db
def test_tokens_are_stored_hashed():
    token = api_token_issue(user=UserFactory(role="partner-system"))
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key)
    assert token.startswith("hipoc_")


@pytest.mark.django_db
def test_an_expired_token_is_refused_while_the_users_other_token_works():
    partner = UserFactory(role="partner-system")
    expiring = api_token_issue(user=partner, expires_in=timedelta(days=1))
    lasting = api_token_issue(user=partner)
    assert client_with(expiring).get("/api/v1/areas/").status_code == 200
    for token in AuthToken.objects.filter(expiry__isnull=False):
        token.expiry = timezone.now() - timedelta(seconds=1)
        token.save()
    refused = client_with(expiring).get("/api/v1/areas/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert client_with(lasting).get("/api/v1/areas/").status_code == 200
    assert AuthToken.objects.filter(user=partner).count() == 1


@pytest.mark.django_db
def test_revoked_tokens_are_refused():
    partner = UserFactory(role="partner-system")
    tokens = [api_token_issue(user=partner) for _ in range(2)]
    assert api_tokens_revoke(user=partner) == 2
    assert {client_with(token).get("/api/v1/areas/").status_code for token in tokens} == {401}


@pytest.mark.django_db
def test_the_nightly_purge_deletes_only_expired_tokens():
    partner = UserFactory(role="partner-system")
    api_token_issue(user=partner, expires_in=timedelta(days=1))
    api_token_issue(user=partner, expires_in=timedelta(days=30))
    api_token_issue(user=partner)
    AuthToken.objects.filter(expiry__lt=timezone.now() + timedelta(days=2)).update(
        expiry=timezone.now() - timedelta(hours=1)
    )
    assert purge_expired_tokens.delay().get() == 1
    assert AuthToken.objects.count() == 2


@pytest.mark.django_db
def test_an_inactive_user_token_is_refused():
    partner = UserFactory(role="partner-system")
    token = api_token_issue(user=partner)
    partner.is_active = False
    partner.save()
    assert client_with(token).get("/api/v1/areas/").status_code == 401


@pytest.mark.django_db
def test_a_token_remembered_between_requests_is_refused_once_it_expires(monkeypatch, shared_cache):
    partner = UserFactory(role="partner-system")
    expiring = api_token_issue(user=partner, expires_in=timedelta(hours=1))
    assert client_with(expiring).get("/api/v1/areas/").status_code == 200
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client_with(expiring).get("/api/v1/areas/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["revoke", "deactivate", "delete user"])
def test_a_token_used_a_moment_ago_is_refused_on_the_next_request_after_a_change(change, shared_cache):
    partner = UserFactory(role="partner-system")
    client = client_with(api_token_issue(user=partner))
    assert client.get("/api/v1/areas/").status_code == 200
    with CaptureQueriesContext(connection) as remembered:
        assert client.get("/api/v1/areas/").status_code == 200
    assert not any("knox_authtoken" in query["sql"] for query in remembered.captured_queries)
    if change == "revoke":
        api_tokens_revoke(user=partner)
    elif change == "deactivate":
        partner.is_active = False
        partner.save()
    else:
        partner.delete()
    assert client.get("/api/v1/areas/").status_code == 401


@pytest.mark.django_db
def test_without_a_shared_cache_every_request_reads_its_token():
    """A process's own memory cannot be cleared by another process (a `revoke_api_tokens` run beside the server),
    so nothing is remembered there."""
    client = client_with(api_token_issue(user=UserFactory(role="partner-system")))
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/areas/").status_code == 200
        assert any("knox_authtoken" in query["sql"] for query in captured.captured_queries)
