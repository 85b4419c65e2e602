"""Publication notices: signed with HMAC-SHA256, retried with backoff, logged — against a real HTTP receiver."""

import hashlib
import hmac
import socket
import time

import pytest
from django.test import TestCase

from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services import publication_notify, retry_countdown, webhook_endpoint_register
from priorities.services import ranking_run_publish
from tests.factories import UserFactory
from tests.notifications.receiver import webhook_receiver
from tests.priorities.test_api import api_for, computed_run, seed


@pytest.fixture
def finished_run(db):
    seed(reports=20, needs=10, countries=5)
    return computed_run(publish=False)


def endpoint_for(url: str) -> WebhookEndpoint:
    return webhook_endpoint_register(partner=UserFactory(role="partner-system"), url=url)


def publish(run):
    with TestCase.captureOnCommitCallbacks(execute=True):
        ranking_run_publish(run=run)


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def test_publishing_a_run_posts_a_signed_notice(finished_run):
    with webhook_receiver([204]) as receiver:
        endpoint = endpoint_for(receiver.url)
        publish(finished_run)
    assert len(receiver.received) == 1
    notice = receiver.received[0]
    timestamp = notice.headers["X-Hipoc-Timestamp"]
    assert notice.headers["X-Hipoc-Signature"] == expected_signature(endpoint.secret, timestamp, notice.body)
    assert abs(int(timestamp) - time.time()) < 60
    assert notice.headers["X-Hipoc-Event"] == "ranking.published"
    assert notice.json["run"]["id"] == finished_run.pk
    assert notice.json["run"]["url"].endswith(f"/api/v1/rankings/{finished_run.pk}/")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("delivered", 1)
    assert notice.json["delivery"] == delivery.pk
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [204]


def test_a_signature_made_with_another_secret_does_not_match(finished_run):
    with webhook_receiver([200]) as receiver:
        endpoint_for(receiver.url)
        publish(finished_run)
    notice = receiver.received[0]
    forged = expected_signature("not-the-secret", notice.headers["X-Hipoc-Timestamp"], notice.body)
    assert notice.headers["X-Hipoc-Signature"] != forged


def test_an_endpoint_that_fails_is_retried_until_it_accepts(finished_run):
    with webhook_receiver([503, 500, 200]) as receiver:
        endpoint_for(receiver.url)
        publish(finished_run)
    delivery = WebhookDelivery.objects.get()
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [503, 500, 200]
    assert delivery.status == "delivered"
    # Every attempt carries the same notice, signed afresh.
    assert len({received.body for received in receiver.received}) == 1


def test_an_endpoint_that_keeps_failing_is_given_up_after_the_last_attempt(finished_run, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with webhook_receiver([502]) as receiver:
        endpoint_for(receiver.url)
        publish(finished_run)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("failed", 3)
    assert len(receiver.received) == 3


def test_a_refusal_by_the_endpoint_is_not_retried(finished_run):
    with webhook_receiver([410]) as receiver:
        endpoint_for(receiver.url)
        publish(finished_run)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("failed", 1)
    assert delivery.attempts.get().status_code == 410


def test_an_unreachable_endpoint_is_logged_and_retried(finished_run, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint_for(f"http://127.0.0.1:{port}/hook")
    publish(finished_run)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("failed", 2)
    assert all("ConnectionError" in attempt.error for attempt in delivery.attempts.all())


def test_backoff_doubles_from_the_base_and_is_capped(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    assert [retry_countdown(attempts) for attempts in range(1, 5)] == [30, 60, 120, 240]
    assert retry_countdown(20) == 3600


def test_inactive_endpoints_are_not_told_and_no_one_is_told_twice(finished_run):
    with webhook_receiver([200]) as receiver:
        endpoint_for(receiver.url)
        WebhookEndpoint.objects.create(partner=UserFactory(role="partner-system"), url=receiver.url, is_active=False)
        publish(finished_run)
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert publication_notify(run_id=finished_run.pk) == []
    assert len(receiver.received) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("partner-system", 403), ("expert", 403), ("jpo-staff", 201)])
def test_only_staff_register_webhook_endpoints(role, status):
    partner = UserFactory(role="partner-system")
    body = {"partner": partner.username, "url": "https://partner.example.org/hooks", "description": "JICA"}
    response = api_for(role).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == status
    assert WebhookEndpoint.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["secret"] == WebhookEndpoint.objects.get().secret


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url"}, "url"),
        ({"url": "https://partner.example.org/hooks", "partner": "someone-else"}, "partner"),
        ({"url": "https://partner.example.org/hooks", "secret": "mine"}, "secret"),
    ],
)
def test_bad_webhook_registrations_are_refused_by_field(body, field):
    partner = UserFactory(role="partner-system")
    UserFactory(username="someone-else", role="expert")
    response = api_for("jpo-staff").post("/api/v1/webhooks/", {"partner": partner.username, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_each_attempt(finished_run):
    with webhook_receiver([503, 200]) as receiver:
        endpoint = endpoint_for(receiver.url)
        publish(finished_run)
    log = api_for("jpo-staff").get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert log["count"] == 1
    delivery = log["results"][0]
    assert (delivery["status"], delivery["run"], delivery["attempt_count"]) == ("delivered", finished_run.pk, 2)
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [503, 200]
    assert api_for("partner-system").get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").status_code == 403


@pytest.mark.django_db
def test_registering_the_same_url_twice_for_a_partner_is_refused():
    partner = UserFactory(role="partner-system")
    body = {"partner": partner.username, "url": "https://partner.example.org/hooks"}
    api = api_for("jpo-staff")
    assert api.post("/api/v1/webhooks/", body, format="json").status_code == 201
    again = api.post("/api/v1/webhooks/", body, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == ["The fields partner, url must make a unique set."]
    assert WebhookEndpoint.objects.count() == 1
