"""Schemathesis over every operation of the OpenAPI schema, as JPO staff and as a partner system.

Each generated request (valid and invalid) must get an answer that is not a server error and that the schema
describes: a documented status code, content type and body.
"""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_issue
from hipoc.throttling import ApiRateThrottle
from tests.factories import UserFactory
from tests.priorities.test_api import computed_run, seed

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def load_schema():
    """The schema the app serves at /api/v1/schema/, generated without a request (it needs no database)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@pytest.fixture
def keep_test_connection():
    """Requests run inside the test's transaction: the handler must not close the connection after each one
    (Django's own test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(db, monkeypatch, keep_test_connection):
    """Evidence, a published run and a token per role; no rate limit gets in the fuzzer's way."""
    seed(reports=10, needs=5, countries=3)
    computed_run(publish=True)
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "100000/minute", "token": "100000/minute"})
    cache.clear()
    return {role: api_token_issue(user=UserFactory(role=role)) for role in ("jpo-staff", "partner-system")}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case, tokens):
    for token in tokens.values():
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)
