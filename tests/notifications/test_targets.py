"""Webhooks reach only public addresses: refused at registration (API and model) and again at delivery, with a
log entry that tells nothing about what listens where."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.services import webhook_delivery_attempt
from notifications.targets import public_webhook_url
from priorities.services import ranking_run_publish
from tests.factories import UserFactory
from tests.notifications.receiver import webhook_receiver
from tests.priorities.test_api import api_for, computed_run, seed

INWARD = [
    "https://127.0.0.1:5432/",
    "https://localhost/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/hook",
    "https://192.168.1.10/hook",
    "https://172.16.5.4/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://224.0.0.1/hook",
]
NOT_HTTPS = ["http://8.8.8.8/hook", "ftp://8.8.8.8/hook", "gopher://8.8.8.8/hook", "file:///etc/passwd"]


@pytest.fixture
def locked_down(settings):
    """Production's rules: https only, no loopback."""
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    return settings


@pytest.mark.parametrize("url", INWARD + NOT_HTTPS)
def test_the_validator_refuses_inward_and_plain_addresses(locked_down, url):
    with pytest.raises(ValidationError):
        public_webhook_url(url)


@pytest.mark.parametrize("url", ["https://8.8.8.8/hook", "https://[2001:4860:4860::8888]/hook"])
def test_public_addresses_pass(locked_down, url):
    public_webhook_url(url)


def test_a_name_that_does_not_resolve_yet_is_left_to_the_delivery_check(locked_down):
    public_webhook_url("https://partner.invalid/hook")


@pytest.mark.django_db
@pytest.mark.parametrize("url", INWARD + NOT_HTTPS)
def test_the_api_refuses_them_by_field_and_registers_nothing(locked_down, url):
    partner = UserFactory(role="partner-system")
    response = api_for("jpo-staff").post("/api/v1/webhooks/", {"partner": partner.username, "url": url}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_changing_an_endpoint_to_an_inward_address_is_refused(locked_down):
    partner = UserFactory(role="partner-system")
    staff = api_for("jpo-staff")
    created = staff.post(
        "/api/v1/webhooks/", {"partner": partner.username, "url": "https://8.8.8.8/hook"}, format="json"
    )
    assert created.status_code == 201
    changed = staff.put(
        f"/api/v1/webhooks/{created.json()['id']}/",
        {"partner": partner.username, "url": "https://169.254.169.254/"},
        format="json",
    )
    assert changed.status_code == 400 and "url" in changed.json()["errors"]
    assert WebhookEndpoint.objects.get().url == "https://8.8.8.8/hook"


@pytest.mark.django_db
def test_a_model_clean_refuses_them_too(locked_down):
    endpoint = WebhookEndpoint(partner=UserFactory(role="partner-system"), url="https://10.0.0.1/")
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert "url" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("no_longer_allowed", ["WEBHOOK_ALLOW_LOOPBACK", "WEBHOOK_ALLOW_HTTP"])
def test_delivery_checks_the_address_again_and_logs_only_the_refusal(settings, no_longer_allowed):
    """An endpoint stored while loopback or http was allowed (or a name that now resolves inward) is refused when
    the notice goes out: the receiver on 127.0.0.1 hears nothing."""
    seed(reports=20, needs=10, countries=5)
    run = computed_run(publish=False)
    with webhook_receiver([204]) as receiver:
        WebhookEndpoint.objects.create(partner=UserFactory(role="partner-system"), url=receiver.url)
        setattr(settings, no_longer_allowed, False)
        with TestCase.captureOnCommitCallbacks(execute=True):
            ranking_run_publish(run=run)
    assert receiver.received == []
    # One attempt, not retried: waiting does not make an address public.
    attempt = WebhookAttempt.objects.get()
    assert attempt.delivery.status == "failed"
    assert attempt.status_code is None
    assert attempt.error == "refused: not a public https address"
    assert str(receiver.url.split(":")[-1].split("/")[0]) not in attempt.error


@pytest.mark.django_db
def test_a_failed_connection_is_logged_by_its_kind_only(settings):
    seed(reports=20, needs=10, countries=5)
    run = computed_run(publish=False)
    endpoint = WebhookEndpoint.objects.create(
        partner=UserFactory(role="partner-system"), url="https://partner.invalid/hook"
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, run=run, event="ranking.published", payload={})
    outcome = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert not outcome.delivered
    assert WebhookAttempt.objects.get().error == "ConnectionError"
