"""Exact query budgets: every list page and endpoint runs the same, stated number of SQL queries at two data sizes.

A page that gains a query (an N+1 creeping in, or one more lookup) fails here and names itself; a change that
truly needs another query updates its number in BUDGETS, in the same commit, for a reviewer to see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from notifications.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from priorities.models import RankingRun
from tests.factories import UserFactory
from tests.priorities.test_api import AS_OF, computed_run

SMALL = {"countries": 8, "reports": 20, "needs": 15, "programs": 10}
LARGE = {"countries": 30, "reports": 150, "needs": 120, "programs": 80}


@dataclass(frozen=True)
class World:
    """What the paths name, at one data size."""

    run: RankingRun
    previous: RankingRun
    iso3: str
    endpoint: WebhookEndpoint


Path = Callable[[World], str]

# (who asks, path) → the exact number of queries, the same at both data sizes. The tests' cache is the process's
# own memory, where nothing another process could change is remembered: every API request reads its token and the
# published run (with a shared cache a repeat pull reads nothing: tests/priorities/test_api.py).
# Every staff page counts the reports awaiting review for the navigation: one query.
PAGES: dict[str, tuple[str, Path, int]] = {
    # One of them asks staff whether a run waits to be published; one reads the criteria's names for the unranked.
    # Two ask whether an indicator import changed values after the run (the stale check, and for which countries).
    "dashboard": ("jpo-staff", lambda world: "/", 31),
    "dashboard, one area": ("jpo-staff", lambda world: "/?area=patent_examination", 32),
    "area ranking": ("jpo-staff", lambda world: "/areas/patent_examination/", 12),
    "country page": ("jpo-staff", lambda world: f"/countries/{world.iso3}/", 32),
    "ranking export": ("jpo-staff", lambda world: "/rankings/export/?format=csv", 8),
    "run list": ("jpo-staff", lambda world: "/rankings/", 11),
    # Three of them read the evidence that changed between the runs.
    "run comparison": (
        "jpo-staff",
        lambda world: f"/rankings/compare/?first={world.run.pk}&second={world.previous.pk}",
        15,
    ),
    "run page, against the published run": ("jpo-staff", lambda world: f"/rankings/{world.previous.pk}/", 13),
    "profile list": ("jpo-staff", lambda world: "/profiles/", 8),
    "run robustness": ("jpo-staff", lambda world: f"/rankings/{world.run.pk}/robustness/", 10),
    "method page": ("jpo-staff", lambda world: "/method/", 10),
    "report list": ("jpo-staff", lambda world: "/reports/", 13),
    "need list": ("jpo-staff", lambda world: "/needs/", 12),
    "need export": ("jpo-staff", lambda world: "/needs/export/?format=csv", 7),
    "program list": ("jpo-staff", lambda world: "/programs/", 16),
    "indicator list": ("jpo-staff", lambda world: "/indicators/", 8),
    "indicator page": ("jpo-staff", lambda world: "/indicators/IP.PAT.RESD/", 9),
}
ENDPOINTS: dict[str, tuple[str, Path, int]] = {
    "countries": ("partner-system", lambda world: "/api/v1/countries/", 5),
    "indicators": ("partner-system", lambda world: "/api/v1/indicators/", 3),
    "a country's indicators": ("partner-system", lambda world: f"/api/v1/countries/{world.iso3}/indicators/", 4),
    "areas": ("partner-system", lambda world: "/api/v1/areas/", 2),
    "policy sources": ("partner-system", lambda world: "/api/v1/policy-sources/", 6),
    "profiles": ("partner-system", lambda world: "/api/v1/profiles/", 3),
    "programs": ("partner-system", lambda world: "/api/v1/programs/", 6),
    "rankings": ("partner-system", lambda world: "/api/v1/rankings/", 6),
    "latest ranking": ("partner-system", lambda world: "/api/v1/rankings/latest/", 7),
    "one ranking": ("partner-system", lambda world: f"/api/v1/rankings/{world.run.pk}/", 7),
    "one area's ranking": (
        "partner-system",
        lambda world: f"/api/v1/rankings/{world.run.pk}/?area=patent_examination",
        9,
    ),
    # The matrix names the source and licence of its context criteria: one query.
    "matrix": ("partner-system", lambda world: f"/api/v1/rankings/{world.run.pk}/matrix/", 8),
    "robustness": ("partner-system", lambda world: f"/api/v1/rankings/{world.run.pk}/robustness/", 6),
    "mission reports": ("jpo-staff", lambda world: "/api/v1/mission-reports/", 9),
    "needs": ("jpo-staff", lambda world: "/api/v1/needs/", 4),
    "webhooks": ("jpo-staff", lambda world: "/api/v1/webhooks/", 4),
    "webhook deliveries": ("jpo-staff", lambda world: f"/api/v1/webhooks/{world.endpoint.pk}/deliveries/", 6),
}


def build_world(size: dict[str, int], seed_value: int, endpoints: int) -> World:
    # Each world is asked for the first time: nothing of the other world's is in the shared cache.
    cache.clear()
    call_command(
        "seed_demo",
        *[f"--{name}={value}" for name, value in size.items()],
        "--seed=3",
        f"--as-of={AS_OF.isoformat()}",
        "--replace",
        stdout=StringIO(),
    )
    previous = computed_run(publish=True, seed_value=seed_value)
    run = computed_run(publish=True, seed_value=seed_value + 1)
    partner = UserFactory(role="partner-system")
    WebhookEndpoint.objects.all().delete()
    for number in range(endpoints):
        endpoint = WebhookEndpoint.objects.create(
            partner=partner, url=f"https://partner.example.org/hook/{number}", is_active=False
        )
        for published in (previous, run):
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint,
                run=published,
                event=WebhookEvent.RANKING_PUBLISHED,
                payload={},
                status=DeliveryStatus.FAILED,
                attempt_count=2,
            )
            WebhookAttempt.objects.bulk_create(
                [WebhookAttempt(delivery=delivery, number=attempt, status_code=503) for attempt in (1, 2)]
            )
    iso3 = run.results.filter(rank=1).values_list("country_id", flat=True).get()
    return World(run=run, previous=previous, iso3=iso3, endpoint=WebhookEndpoint.objects.order_by("pk").first())


def count_queries(world: World, clients: dict[str, object], table: dict[str, tuple[str, Path, int]]) -> dict:
    counts = {}
    for name, (role, path, _budget) in table.items():
        with CaptureQueriesContext(connection) as captured:
            response = clients[role].get(path(world))
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    return counts


@pytest.fixture
def clients(db):
    """A signed-in browser per role (pages) and a token per role (API)."""
    users = {role: UserFactory(role=role) for role in ("jpo-staff", "partner-system")}
    browsers, apis = {}, {}
    for role, user in users.items():
        browsers[role] = Client()
        browsers[role].force_login(user)
        apis[role] = APIClient()
        apis[role].credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user)}")
    return browsers, apis


@pytest.mark.django_db
def test_every_list_page_and_endpoint_runs_its_exact_query_budget_at_two_data_sizes(clients):
    browsers, apis = clients
    measured = {}
    for label, size, seed_value, endpoints in (("small", SMALL, 1, 1), ("large", LARGE, 11, 6)):
        world = build_world(size, seed_value, endpoints)
        measured[label] = {**count_queries(world, browsers, PAGES), **count_queries(world, apis, ENDPOINTS)}
    budgets = {name: budget for name, (_role, _path, budget) in {**PAGES, **ENDPOINTS}.items()}
    off_budget = {
        name: (measured["small"][name], measured["large"][name], budget)
        for name, budget in budgets.items()
        if measured["small"][name] != budget or measured["large"][name] != budget
    }
    # name: (queries with little data, queries with more data, budget)
    assert off_budget == {}
