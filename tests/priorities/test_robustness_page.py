"""The Robustness page of a run, as staff and partners read it."""

import pytest
from django.test import TestCase

from priorities.services import default_profile, ranking_run_request
from tests.factories import UserFactory
from tests.priorities.test_ranking_runs import AS_OF, seed


@pytest.mark.django_db
def test_staff_read_each_check_with_how_to_read_it(client, checked_run):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{checked_run.pk}/robustness/").content.decode()
    for heading in ("Leave one out", "Weight stability", "Rank reversal", "Criteria diagnostics"):
        assert heading in page
    assert "A large mean shift means the ranking leans on that group" in page
    assert "Policy alignment (all sources)" in page and "Need assessed on mission" in page
    assert page.count("<rect") > 7 * 3  # three shapes per stability bar, and the heatmap's cells
    assert "Kendall" in page and "Cronbach" in page
    listed = client.get("/rankings/").content.decode()
    assert f'href="/rankings/{checked_run.pk}/robustness/"' in listed


@pytest.mark.django_db
def test_the_sensitivity_heatmap_has_a_cell_per_ranked_country_and_input(client, checked_run):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{checked_run.pk}/robustness/").content.decode()
    section = page[page.index('id="sensitivity-heading"') : page.index('id="loo-heading"')]
    sensitivity = checked_run.robustness["sensitivity"]
    ranked = checked_run.results.filter(rank__isnull=False).count()
    assert section.count("<title>") == ranked * len(sensitivity["inputs"])
    assert "variance that input accounts for, alone or with others" in section
    assert "Weight: Policy alignment (all sources)" in section and "The draw of the evidence" in section
    # Each cell's tooltip gives the stored indices; its shade follows the total index.
    first = sensitivity["countries"][0]
    total, conf = first["rank"]["total"][0], first["rank"]["total_conf"][0]
    assert f"total {total:.2f} ± {conf:.2f}" in section
    strongest = max(range(len(sensitivity["inputs"])), key=lambda i: first["rank"]["total"][i])
    weakest = min(range(len(sensitivity["inputs"])), key=lambda i: first["rank"]["total"][i])
    assert "agree within" in section or "not converged" in section
    cells = section.split("<rect x=")[1 : len(sensitivity["inputs"]) + 1]
    shade = [int(cell.split('fill="#')[1][:2], 16) for cell in cells]
    if first["rank"]["total"][strongest] > first["rank"]["total"][weakest]:
        assert shade[strongest] < shade[weakest]


@pytest.mark.django_db
def test_a_run_without_checks_says_so(client, db):
    seed(countries=6, reports=20, needs=10, programs=5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10)
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{run.pk}/robustness/").content.decode()
    assert "This run has no robustness checks" in page


@pytest.mark.django_db
def test_partners_see_only_a_published_runs_robustness(client, checked_run):
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10, seed=4)
    client.force_login(UserFactory(role="partner-system"))
    assert client.get(f"/rankings/{checked_run.pk}/robustness/").status_code == 200
    assert client.get(f"/rankings/{draft.pk}/robustness/").status_code == 404


@pytest.mark.django_db
def test_the_page_in_japanese(client, checked_run):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{checked_run.pk}/robustness/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Leave one out" not in page and "頑健性" in page
    assert "各順位を左右するもの" in page and "What each rank depends on" not in page


@pytest.mark.django_db
def test_the_filled_page_and_endpoint_stay_within_their_query_budgets(client, checked_run):
    """The budgets of tests/hipoc/test_query_budgets.py, here with every check and the Sobol indices stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client.force_login(UserFactory(role="jpo-staff"))
    with CaptureQueriesContext(connection) as page_queries:
        assert client.get(f"/rankings/{checked_run.pk}/robustness/").status_code == 200
    api = APIClient()
    api.force_authenticate(UserFactory(role="partner-system"))
    with CaptureQueriesContext(connection) as api_queries:
        assert api.get(f"/api/v1/rankings/{checked_run.pk}/robustness/").status_code == 200
    assert len(page_queries) <= 10
    assert len(api_queries) <= 6


@pytest.mark.parametrize(
    ("p05", "p95", "drivers", "verdict"),
    [
        (3, 5, [{"input": "weight:policy"}], "stable"),
        (3, 12, [{"input": "weight:policy"}, {"input": "evidence_draw"}], "depends on the weights"),
        (3, 12, [{"input": "aggregation"}], "depends on the method"),
        (3, 12, [{"input": "evidence_draw"}], "depends on the evidence"),
        (3, 12, [{"input": "recency_half_life_days"}], "depends on the evidence"),
        (3, 12, [{"input": "top_k_areas"}], "depends on the areas counted"),
        (3, 12, [], "uncertain"),
    ],
)
def test_the_robustness_verdict_reads_the_interval_then_the_strongest_driver(p05, p95, drivers, verdict):
    from types import SimpleNamespace

    from priorities.tables import robustness_verdict

    assert robustness_verdict(SimpleNamespace(rank_p05=p05, rank_p95=p95, drivers=drivers))[0] == verdict


@pytest.mark.django_db
def test_the_dashboard_gives_each_ranked_country_its_verdict(client, checked_run):
    from priorities.tables import robustness_verdict

    client.force_login(UserFactory(role="jpo-staff"))
    response = client.get("/")
    rows = {row.record.country_id: row for row in response.context["table"].rows}
    chart = response.context["chart"]
    assert len(chart) == len(rows) == checked_run.results.filter(rank__isnull=False).count()
    for point in chart:
        result = checked_run.results.get(country_id=point["iso3"])
        assert point["verdict"] == robustness_verdict(result)[0] != ""
        assert point["verdict"] in rows[point["iso3"]].get_cell("interval")
