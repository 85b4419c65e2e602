"""A run's robustness checks through the real stack: computed by the run's task, stored, served by the API."""

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from priorities.services import default_profile, ranking_run_request
from tests.factories import UserFactory
from tests.priorities.test_ranking_runs import AS_OF


def api_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


@pytest.mark.django_db
def test_the_robustness_of_a_published_run_for_partners(checked_run):
    body = api_for("partner-system").get(f"/api/v1/rankings/{checked_run.pk}/robustness/").json()
    groups = [row["group"] for row in body["leave_one_out"]]
    assert groups[0] == "policy" and "field.need" in groups and "history.next_step" in groups
    assert all(row["mean_shift"] >= 0 for row in body["leave_one_out"])
    published_rank = dict(checked_run.results.filter(rank__isnull=False).values_list("country_id", "rank"))
    # The checks start from the published ranking itself: the same evidence draws, the same scores.
    moved = [item for row in body["leave_one_out"] for item in row["moved"]]
    assert moved and all(item["rank"] == published_rank[item["iso3"]] for item in moved)
    for row in body["stability"]:
        assert 0 <= row["low"] <= row["share"] + 1e-9 and row["share"] - 1e-9 <= row["high"] <= 1
    assert len(body["rank_reversal"]) == 20
    top = set(checked_run.results.filter(rank__lte=20).values_list("country_id", flat=True))
    assert {check["removed"] for check in body["rank_reversal"]} <= top
    diagnostics = body["diagnostics"]
    size = len(diagnostics["criteria"])
    assert len(diagnostics["correlations"]) == size and all(len(row) == size for row in diagnostics["correlations"])
    # Cronbach's alpha per dimension, context among them: the baseline scores four World Bank indicators.
    assert set(diagnostics["cronbach_alpha"]) == {"policy", "field", "needs", "history", "context"}
    effective = [row["effective"] for row in diagnostics["effective_weights"] if row["effective"] is not None]
    assert sum(effective) == pytest.approx(1.0)
    assert checked_run.timings["robustness"] >= 0


@pytest.mark.django_db
def test_the_sobol_indices_of_every_ranked_country(checked_run):
    body = api_for("partner-system").get(f"/api/v1/rankings/{checked_run.pk}/robustness/").json()
    sensitivity = body["sensitivity"]
    inputs = sensitivity["inputs"]
    assert inputs[0] == "weight:policy" and {"normalization", "aggregation", "evidence_draw"} <= set(inputs)
    assert sensitivity["evaluations"] == (len(inputs) + 2) * 2 * sensitivity["base_samples"]
    assert sensitivity["converged"] == (sensitivity["largest_difference"] <= sensitivity["tolerance"])
    ranked = list(checked_run.results.filter(rank__isnull=False).order_by("rank").values_list("country_id", flat=True))
    assert [row["iso3"] for row in sensitivity["countries"]] == ranked
    for row in sensitivity["countries"]:
        for output in ("rank", "score"):
            indices = row[output]
            assert all(len(indices[name]) == len(inputs) for name in ("first", "total", "first_conf", "total_conf"))
            assert all(value >= 0 for value in indices["first_conf"] + indices["total_conf"])
    # Some rank moves, and what moves it is named.
    assert any(max(row["rank"]["total"]) > 0.1 for row in sensitivity["countries"])
    assert checked_run.timings["sensitivity"] > 0


@pytest.mark.django_db
def test_robustness_is_cacheable_and_documented(checked_run):
    partner = api_for("partner-system")
    first = partner.get(f"/api/v1/rankings/{checked_run.pk}/robustness/")
    again = partner.get(f"/api/v1/rankings/{checked_run.pk}/robustness/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    schema = api_for("jpo-staff").get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/rankings/{id}/robustness/" in schema["paths"]
    assert "Kendall" in str(schema["components"]["schemas"]["Reversal"])
    components = schema["components"]["schemas"]
    assert {"first", "total", "first_conf", "total_conf"} <= set(components["Indices"]["properties"])
    assert "converged" in components["Sensitivity"]["properties"]
    assert "total Sobol index" in components["Driver"]["properties"]["total"]["description"]


@pytest.mark.django_db
def test_partners_do_not_see_an_unpublished_runs_robustness(checked_run):
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10, seed=9)
    assert api_for("partner-system").get(f"/api/v1/rankings/{draft.pk}/robustness/").status_code == 404
    assert api_for("jpo-staff").get(f"/api/v1/rankings/{draft.pk}/robustness/").status_code == 200


@pytest.mark.django_db
def test_the_run_reports_its_progress_through_the_sobol_analysis(db, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from priorities.models import RankingRun
    from tests.priorities.test_ranking_runs import seed

    settings.RANKING_ROBUSTNESS = True
    seed(countries=12, reports=50, needs=30, programs=20)
    profile = default_profile()
    profile.settings["sensitivity_samples"] = 128
    profile.save()
    with CaptureQueriesContext(connection) as captured, TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(profile=profile, as_of=AS_OF, samples=20)
    updates = [
        query["sql"] for query in captured if query["sql"].startswith("UPDATE") and '"progress" =' in query["sql"]
    ]
    reported = [int(sql.split('"progress" = ')[1].split()[0].rstrip(",")) for sql in updates]
    # Before the checks, then every ten points or more through the analysis, then done.
    assert reported[0] == 5 and reported[-1] == 100
    during = [percent for percent in reported if 65 < percent < 100]
    assert len(during) >= 2 and during == sorted(during) and max(during) <= 95
    run = RankingRun.objects.get(pk=run.pk)
    assert run.robustness["sensitivity"]["base_samples"] == 128
