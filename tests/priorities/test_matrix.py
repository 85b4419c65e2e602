"""The decision matrix lets anyone recompute every method's scores from the API response alone."""

import numpy as np
import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.priorities.test_ranking_runs import run_now, seed


def recompute(matrix: dict) -> tuple[np.ndarray, np.ndarray]:
    """Scores by the matrix's own formula, written independently of the engine: (recomputed, published)."""
    codes = [criterion["code"] for criterion in matrix["criteria"]]
    weights = np.array([criterion["weight"] for criterion in matrix["criteria"]])
    scored = [row for row in matrix["alternatives"] if row["sufficient"]]
    values = np.array([[np.nan if row["values"][c] is None else row["values"][c] for c in codes] for row in scored])
    present = ~np.isnan(values)
    w = np.where(present, weights, 0.0)
    v = np.where(present, values, 0.0)
    if matrix["method"] == "wam":
        scores = (w * v).sum(axis=1) / w.sum(axis=1)
    elif matrix["method"] == "wgm":
        scores = np.exp((w * np.log(np.where(present, values, 1.0))).sum(axis=1) / w.sum(axis=1))
    else:
        ideal = np.array([matrix["ideal"][c] for c in codes])
        anti = np.array([matrix["anti_ideal"][c] for c in codes])
        to_ideal = np.sqrt((w**2 * np.where(present, v - ideal, 0.0) ** 2).sum(axis=1))
        to_anti = np.sqrt((w**2 * np.where(present, v - anti, 0.0) ** 2).sum(axis=1))
        scores = to_anti / (to_ideal + to_anti)
    return scores, np.array([row["score"] for row in scored])


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["wam", "wgm", "topsis"])
def test_every_methods_scores_follow_from_the_matrix_alone(method):
    seed(countries=12, reports=60, needs=40, programs=20)
    run = run_now(samples=10, method=method)
    partner = APIClient()
    partner.force_authenticate(UserFactory(role="jpo-staff"))
    matrix = partner.get(f"/api/v1/rankings/{run.pk}/matrix/").json()
    assert matrix["method"] == method and matrix["formula"].startswith("score = ")
    recomputed, published = recompute(matrix)
    assert len(published) > 20
    assert recomputed == pytest.approx(published, abs=1e-9)
    if method == "wgm":
        assert min(min(v for v in row["values"].values() if v is not None) for row in matrix["alternatives"]) >= 0.01
    # Every pair carries what it rests on: its evidence, and which values are priors or imputed.
    unassessed = [row for row in matrix["alternatives"] if not row["sufficient"]]
    never_assessed = [row for row in unassessed if row["raw"]["field.need"] is None]
    assert never_assessed and all("field.need" in row["imputed"] for row in never_assessed)
    goalposts = {criterion["code"]: (criterion["low"], criterion["high"]) for criterion in matrix["criteria"]}
    assert goalposts["field.need"] == (1.0, 5.0)
    assert goalposts["needs.stakeholder"] == (0.0, 25.0)
    shape = matrix["distribution"]["needs.stakeholder"]
    assert {"raw_skewness", "raw_kurtosis", "raw_flagged", "skewness", "kurtosis", "flagged"} <= set(shape)
    # Context values name where they come from and how they were read.
    patents = matrix["sources"]["context.IP.PAT.RESD"]
    assert patents["licence"].startswith("CC BY 4.0") and patents["vintage"] == "2026-01-28"
    assert matrix["parameters"]["context_transforms"]["IP.PAT.RESD"]["transform"] == "per_capita"


@pytest.mark.django_db
def test_the_schema_states_the_formulas():
    staff = APIClient()
    staff.force_authenticate(UserFactory(role="jpo-staff"))
    schema = staff.get("/api/v1/schema/", {"format": "json"}).json()
    matrix = schema["components"]["schemas"]["Matrix"]
    assert "exp(Σ w ln v / Σ w)" in matrix["description"]
    assert "D⁻ / (D⁺ + D⁻)" in matrix["description"]
    assert "ideal" in matrix["properties"] and "anti_ideal" in matrix["properties"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "words"), [("wam", "add up to the score"), ("wgm", "add up to ln(score)"), ("topsis", "at its mean")]
)
def test_the_api_and_the_country_page_say_what_the_contributions_are(method, words, client):
    seed(countries=8, reports=40, needs=20, programs=10)
    run = run_now(samples=0, method=method, publish=True)
    staff = UserFactory(role="jpo-staff")
    api = APIClient()
    api.force_authenticate(staff)
    assert words in api.get(f"/api/v1/rankings/{run.pk}/").json()["contributions_meaning"]
    ranked = run.results.filter(rank__isnull=False).first()
    client.force_login(staff)
    page = client.get(f"/countries/{ranked.country_id}/").content.decode()
    assert words in page
