"""`/healthz` says which of the database, the cache and the broker answer."""

import pytest

from hipoc import health
from tests.conftest import skip_or_fail
from tests.hipoc.test_celery import BROKER_URL, broker_reachable


@pytest.mark.django_db
def test_health_is_open_and_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["cache"], body["broker"]) == ("ok", "ok", "ok", "in-process")


@pytest.mark.django_db
def test_an_unreachable_broker_makes_health_unavailable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = health.app.conf.broker_url
    health.app.conf.broker_url = "amqp://guest:guest@127.0.0.1:9//"  # nothing listens on port 9
    try:
        response = client.get("/healthz")
    finally:
        health.app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_a_reachable_broker_is_ok(client, settings):
    if not broker_reachable():
        skip_or_fail(f"needs a Celery broker at {BROKER_URL}")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = health.app.conf.broker_url
    health.app.conf.broker_url = BROKER_URL
    try:
        response = client.get("/healthz")
    finally:
        health.app.conf.broker_url = original
    assert (response.status_code, response.json()["broker"]) == (200, "ok")
