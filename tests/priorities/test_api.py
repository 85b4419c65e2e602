"""The partner-facing read API: reference data, countries with their published rank, and rankings."""

import datetime
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.services import api_token_issue, api_tokens_revoke
from priorities.models import PolicyPriority, PolicyPriorityArea, PolicySource, RankingRun
from priorities.services import default_profile, ranking_run_execute, ranking_run_publish, ranking_run_request
from programs.models import CooperationArea
from tests.factories import RankingRunFactory, UserFactory

AS_OF = datetime.date(2026, 11, 1)


def api_for(role: str | None) -> APIClient:
    client = APIClient()
    if role:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=UserFactory(role=role))}")
    return client


def seed(reports=60, needs=40, countries=10):
    call_command(
        "seed_demo",
        *("--countries", str(countries), "--reports", str(reports), "--needs", str(needs), "--programs", "20"),
        *("--seed", "3", "--as-of", AS_OF.isoformat(), "--replace"),
        stdout=StringIO(),
    )


def computed_run(publish: bool, seed_value=1) -> RankingRun:
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=100, seed=seed_value)
    run = RankingRun.objects.get(pk=run.pk)
    return ranking_run_publish(run=run) if publish else run


@pytest.fixture
def published(db):
    seed()
    return computed_run(publish=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["countries/", "areas/", "policy-sources/", "profiles/", "programs/", "rankings/"])
@pytest.mark.parametrize(
    ("role", "expected"), [(None, 401), ("partner-system", 200), ("expert", 200), ("jpo-staff", 200)]
)
def test_reference_endpoints_for_every_role(path, role, expected):
    assert api_for(role).get(f"/api/v1/{path}").status_code == expected


@pytest.mark.django_db
def test_countries_carry_their_published_rank(published):
    top = published.results.get(rank=1)
    body = api_for("partner-system").get(f"/api/v1/countries/{top.country_id}/").json()
    assert (body["rank"], body["score"]) == (1, pytest.approx(top.score))
    listed = api_for("partner-system").get("/api/v1/countries/", {"region": "Asia", "ordering": "name"}).json()
    assert listed["count"] == 51
    assert set(listed) == {"count", "next", "previous", "results"}


@pytest.mark.django_db
def test_policy_sources_list_their_priorities_and_areas():
    sources = api_for("partner-system").get("/api/v1/policy-sources/").json()
    sdg = next(source for source in sources if source["code"] == "sdg")
    target = next(item for item in sdg["priorities"] if item["code"] == "SDG-9.5")
    assert set(target["areas"]) == {"tech_transfer", "ip_information"}


@pytest.mark.django_db
def test_latest_published_ranking_with_results(published):
    body = api_for("partner-system").get("/api/v1/rankings/latest/").json()
    assert body["id"] == published.pk
    assert body["published"] is True
    ranks = [row["rank"] for row in body["results"]]
    assert ranks == sorted(ranks)
    first = body["results"][0]
    assert sum(first["contributions"].values()) == pytest.approx(first["score"])
    assert first["rank_p05"] <= first["rank_median"] <= first["rank_p95"]
    assert body["insufficient_data"]
    assert "field.need" in body["insufficient_data"][0]["missing"]


@pytest.mark.django_db
def test_area_ranking(published):
    body = api_for("partner-system").get(f"/api/v1/rankings/{published.pk}/", {"area": "patent_examination"}).json()
    assert [row["rank"] for row in body["results"]][:1] == [1]
    assert api_for("partner-system").get(f"/api/v1/rankings/{published.pk}/", {"area": "nope"}).status_code == 404


@pytest.mark.django_db
def test_partners_never_see_unpublished_runs(published):
    draft = computed_run(publish=False, seed_value=2)
    partner = api_for("partner-system")
    assert partner.get(f"/api/v1/rankings/{draft.pk}/").status_code == 404
    assert [run["id"] for run in partner.get("/api/v1/rankings/").json()["results"]] == [published.pk]
    staff_ids = [run["id"] for run in api_for("jpo-staff").get("/api/v1/rankings/").json()["results"]]
    assert set(staff_ids) == {published.pk, draft.pk}


@pytest.mark.django_db
def test_latest_for_an_unknown_profile_is_404(published):
    assert api_for("partner-system").get("/api/v1/rankings/latest/", {"profile": "nope"}).status_code == 404


@pytest.mark.django_db
def test_staff_start_a_run_and_get_202_with_its_url():
    seed(reports=20, needs=10, countries=5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_for("jpo-staff").post("/api/v1/rankings/", {"method": "topsis", "samples": 50}, format="json")
    assert response.status_code == 202
    run = RankingRun.objects.get()
    assert response["Location"].endswith(f"/api/v1/rankings/{run.pk}/")
    assert (run.method, run.samples, run.status) == ("topsis", 50, "succeeded")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "body", "status"),
    [
        ("partner-system", {}, 403),
        ("expert", {}, 403),
        ("jpo-staff", {"method": "median"}, 400),
        ("jpo-staff", {"samples": -1}, 400),
        ("jpo-staff", {"profile": "nope"}, 400),
    ],
)
def test_starting_a_run_is_refused(role, body, status):
    assert api_for(role).post("/api/v1/rankings/", body, format="json").status_code == status
    assert not RankingRun.objects.exists()


def detail_queries(api, run) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/v1/rankings/{run.pk}/").status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_ranking_detail_queries_do_not_grow_with_the_data():
    api = api_for("partner-system")
    seed(reports=20, needs=10, countries=5)
    small = detail_queries(api, computed_run(publish=True, seed_value=1))
    seed(reports=300, needs=200, countries=30)
    large = detail_queries(api, computed_run(publish=True, seed_value=2))
    assert small == large


@pytest.mark.django_db
def test_country_list_queries_do_not_grow_with_the_data():
    api = api_for("partner-system")
    seed(reports=20, needs=10, countries=5)
    computed_run(publish=True, seed_value=1)
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/countries/", {"page": 1})
    seed(reports=300, needs=200, countries=30)
    computed_run(publish=True, seed_value=2)
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/countries/", {"page": 1})
    assert len(small) == len(large)


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_complete():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in (
        "/api/v1/countries/{iso3}/",
        "/api/v1/rankings/latest/",
        "/api/v1/mission-reports/{id}/submit/",
        "/api/v1/needs/",
        "/api/v1/programs/",
    ):
        assert path in schema


@pytest.mark.django_db
def test_the_matrix_lets_anyone_recompute_every_score(published):
    matrix = api_for("partner-system").get(f"/api/v1/rankings/{published.pk}/matrix/").json()
    weights = {criterion["code"]: criterion["weight"] for criterion in matrix["criteria"]}
    assert sum(weights.values()) == pytest.approx(1.0)
    assert matrix["method"] == "wam"
    scored = [row for row in matrix["alternatives"] if row["score"] is not None]
    assert scored
    for row in scored:
        present = {code: value for code, value in row["normalized"].items() if value is not None}
        recomputed = sum(weights[code] * value for code, value in present.items()) / sum(weights[c] for c in present)
        assert recomputed == pytest.approx(row["score"], abs=1e-9)


@pytest.mark.django_db
def test_published_ranking_is_cacheable(published):
    api = api_for("partner-system")
    first = api.get("/api/v1/rankings/latest/")
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/rankings/latest/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert not any("priorities_rankingresult" in query["sql"] for query in captured.captured_queries)
    other_area = api.get("/api/v1/rankings/latest/", {"area": "enforcement"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_area.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["query", "accept"])
def test_ranking_results_as_csv(published, how):
    api = api_for("partner-system")
    if how == "query":
        response = api.get("/api/v1/rankings/latest/", {"format": "csv"})
    else:
        response = api.get("/api/v1/rankings/latest/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("rank,iso3,country,score")
    assert lines[1].startswith("1,")


@pytest.mark.django_db
def test_requests_beyond_the_rate_are_refused_with_retry_after(monkeypatch):
    from django.core.cache import cache

    from hipoc.throttling import ApiRateThrottle

    cache.clear()
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "3/day"})
    api = api_for("partner-system")
    statuses = [api.get("/api/v1/areas/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v1/areas/")
    assert 0 < int(refused["Retry-After"]) <= 24 * 3600
    assert refused.json()["code"] == "throttled"
    cache.clear()


@pytest.mark.django_db
def test_a_request_costs_the_limits_one_counter_each_however_large_the_allowance(monkeypatch):
    """Regression: DRF's throttles stored and rewrote every request time in the window, so that a request cost
    more the larger the allowance; a fixed window keeps one counter per client and window."""
    from django.core.cache import cache

    from hipoc.throttling import ApiRateThrottle

    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "100000/day", "token": "100000/day"})
    partner = UserFactory(role="partner-system")
    token = api_token_issue(user=partner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    for _ in range(5):
        assert api.get("/api/v1/areas/").status_code == 200
    window = int(time.time() // (24 * 3600))
    token_key = AuthToken.objects.get(user=partner).token_key
    assert cache.get(f"throttle_user_{partner.pk}:{window}") == 5
    assert cache.get(f"throttle_token_{token_key}:{window}") == 5


@pytest.mark.django_db
def test_each_token_has_its_own_limit_beside_its_users(monkeypatch):
    from django.core.cache import cache

    from hipoc.throttling import ApiRateThrottle

    cache.clear()
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "100/day", "token": "2/day"})
    partner = UserFactory(role="partner-system")
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
    second.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
    assert [first.get("/api/v1/areas/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/areas/").status_code == 200
    cache.clear()


@pytest.mark.django_db
def test_a_user_cannot_widen_the_limit_by_holding_more_tokens(monkeypatch):
    from django.core.cache import cache

    from hipoc.throttling import ApiRateThrottle

    cache.clear()
    monkeypatch.setattr(ApiRateThrottle, "THROTTLE_RATES", {"user": "3/day", "token": "100/day"})
    partner = UserFactory(role="partner-system")
    clients = []
    for _ in range(4):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
        clients.append(client)
    assert [client.get("/api/v1/areas/").status_code for client in clients] == [200, 200, 200, 429]
    cache.clear()


@pytest.mark.django_db
def test_every_operation_documents_its_errors_in_the_shared_shape():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert set(schema["components"]["schemas"]["ApiError"]["properties"]) == {"status", "code", "detail", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "429"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
    latest = schema["paths"]["/api/v1/rankings/latest/"]["get"]["responses"]
    assert "304" in latest
    update = schema["paths"]["/api/v1/mission-reports/{id}/"]["put"]["responses"]
    assert {"409", "412"} <= set(update)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_a_path_with_no_endpoint_answers_in_the_error_shape(method):
    response = getattr(api_for("partner-system"), method)("/api/v1/mission-reports/1.5/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": response.json()["detail"], "errors": {}}


@pytest.mark.django_db
def test_an_error_is_json_even_when_csv_was_asked_for(published):
    response = api_for("partner-system").get("/api/v1/rankings/999999/", {"format": "csv"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
    assert (
        api_for("partner-system").get(f"/api/v1/rankings/{published.pk}/matrix/", {"format": "csv"}).status_code == 404
    )


@pytest.mark.django_db
def test_a_finished_runs_body_is_built_once_and_then_served_from_the_cache(published):
    api = api_for("partner-system")
    first = api.get("/api/v1/rankings/latest/")
    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/rankings/latest/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert not any("priorities_rankingresult" in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_a_run_replaced_by_a_newer_publication_gets_a_new_etag(published):
    api = api_for("jpo-staff")
    before = api.get(f"/api/v1/rankings/{published.pk}/")
    assert before.json()["published"] is True
    ranking_run_publish(run=computed_run(publish=False, seed_value=2))
    after = api.get(f"/api/v1/rankings/{published.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["published"] is False
    assert after["ETag"] != before["ETag"]


LIST_ENDPOINTS = [
    "countries/",
    "areas/",
    "policy-sources/",
    "profiles/",
    "programs/",
    "rankings/",
    "mission-reports/",
    "needs/",
    "webhooks/",
]


def list_queries(api: APIClient, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/v1/{path}").status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_every_list_endpoint_runs_the_same_queries_whatever_the_rows():
    from notifications.services import webhook_endpoint_register

    staff = api_for("jpo-staff")
    seed(reports=20, needs=10, countries=5)
    computed_run(publish=True, seed_value=1)
    webhook_endpoint_register(partner=UserFactory(role="partner-system"), url="https://a.example.org/hook")
    small = {path: list_queries(staff, path) for path in LIST_ENDPOINTS}
    seed(reports=200, needs=150, countries=30)
    computed_run(publish=True, seed_value=2)
    computed_run(publish=False, seed_value=3)
    for number in range(5):
        webhook_endpoint_register(partner=UserFactory(role="partner-system"), url=f"https://{number}.example.org/hook")
    large = {path: list_queries(staff, path) for path in LIST_ENDPOINTS}
    assert small == large


@pytest.mark.django_db
def test_criteria_are_fixed_when_a_run_is_requested_so_the_matrix_agrees_with_itself():
    """Regression: a policy source loaded between request and execution made `/matrix/` list criteria that did not
    match its alternatives' values."""
    seed()
    run = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10, seed=1)
    requested = [criterion["code"] for criterion in run.criteria]
    source = PolicySource.objects.create(code="new-charter", name="A charter loaded meanwhile", position=99)
    priority = PolicyPriority.objects.create(source=source, code="NEW-1", title="Patent examination everywhere")
    PolicyPriorityArea.objects.create(priority=priority, area=CooperationArea.objects.get(code="patent_examination"))
    ranking_run_execute(run_id=run.pk)
    staff = api_for("jpo-staff")
    matrix = staff.get(f"/api/v1/rankings/{run.pk}/matrix/").json()
    codes = [criterion["code"] for criterion in matrix["criteria"]]
    assert codes == requested
    assert "policy.new-charter" not in codes
    assert sum(criterion["weight"] for criterion in matrix["criteria"]) == pytest.approx(1)
    for alternative in matrix["alternatives"]:
        assert set(alternative["raw"]) == set(codes)
        assert set(alternative["normalized"]) == set(codes)
    # A run requested now takes the new source in.
    later = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10, seed=1)
    assert "policy.new-charter" in [criterion["code"] for criterion in later.criteria]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["partner-system", "expert", "jpo-staff"])
def test_pages_and_api_show_a_role_the_same_runs(client, role):
    seed()
    published = computed_run(publish=True)
    computed_run(publish=False, seed_value=2)
    RankingRunFactory(status="failed")
    user = UserFactory(role=role)
    client.force_login(user)
    on_page = {run.pk for run in client.get("/rankings/").context["runs"]}
    api = APIClient()
    api.force_authenticate(user)
    in_api = {run["id"] for run in api.get("/api/v1/rankings/").json()["results"]}
    assert on_page == in_api
    assert on_page == ({published.pk} if role != "jpo-staff" else set(RankingRun.objects.values_list("pk", flat=True)))


@pytest.mark.django_db
def test_a_repeat_pull_of_the_latest_ranking_asks_the_database_nothing(published, shared_cache):
    """The token the database vouched for and the published run are found in the shared cache until a token or a
    user changes, or another run is published; revoking the token takes effect at once."""
    partner = UserFactory(role="partner-system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=partner)}")
    first = api.get("/api/v1/rankings/latest/")
    for headers in ({}, {"HTTP_IF_NONE_MATCH": first["ETag"]}):
        with CaptureQueriesContext(connection) as captured:
            again = api.get("/api/v1/rankings/latest/", **headers)
        assert again.status_code in (200, 304)
        assert captured.captured_queries == []

    newer = computed_run(publish=False, seed_value=9)
    with TestCase.captureOnCommitCallbacks(execute=True):
        ranking_run_publish(run=newer)
    assert api.get("/api/v1/rankings/latest/").json()["id"] == newer.pk
    assert api.get("/api/v1/rankings/latest/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200

    api_tokens_revoke(user=partner)
    assert api.get("/api/v1/rankings/latest/").status_code == 401


@pytest.mark.django_db
def test_a_profile_no_run_is_published_for_is_not_found_and_not_remembered(published):
    from django.core.cache import cache

    from priorities.selectors import PUBLISHED_STATE_KEY

    for profile in ("nobody", "x" * 5000, "naïve profile"):
        response = api_for("partner-system").get("/api/v1/rankings/latest/", {"profile": profile})
        assert response.status_code == 404
    assert cache.get(PUBLISHED_STATE_KEY + "nobody") is None
