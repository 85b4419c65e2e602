"""Every country's standing in the published ranking, said clearly: ranked; short of data, with what is missing and
what would fill it; or outside the candidate pool, with the rule that left it out — on its page, on the dashboard
and in the API."""

import pytest
from django.test import Client

from priorities.models import RankingResult
from tests.factories import UserFactory
from tests.priorities.test_api import api_for, computed_run, seed


@pytest.fixture
def published(db):
    seed()
    return computed_run(publish=True)


def staff() -> Client:
    client = Client()
    client.force_login(UserFactory(role="jpo-staff"))
    return client


def short_of_data(run) -> RankingResult:
    return next(result for result in run.results.filter(rank__isnull=True) if "field.need" in result.missing)


@pytest.mark.django_db
def test_a_country_outside_the_candidate_pool_says_which_rule_left_it_out(published):
    """Regression: Japan's page said "Not ranked: insufficient data" although no ODA rule lets it in."""
    page = staff().get("/countries/JPN/").content.decode()
    standing = page[page.index('id="standing"') :][:600]
    assert "outside the candidate pool" in standing and "Not on the OECD-DAC list of ODA recipients" in standing
    assert "insufficient data" not in standing


@pytest.mark.django_db
def test_the_reason_a_country_is_left_out_reads_in_japanese(published):
    page = staff().get("/countries/JPN/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    standing = page[page.index('id="standing"') :][:600]
    assert "OECD-DAC の ODA 受取国リストに載っていません" in standing


@pytest.mark.django_db
def test_an_unranked_country_says_what_is_missing_and_what_would_fill_it(published):
    result = short_of_data(published)
    page = staff().get(f"/countries/{result.country_id}/").content.decode()
    standing = page[page.index('id="standing"') :][:900]
    assert "Not ranked: insufficient data." in standing and "Need assessed on mission" in standing
    assert "What would fill it:" in standing and "a reviewed mission report that assesses its areas" in standing
    assert "field.need" not in standing


@pytest.mark.django_db
def test_the_dashboard_folds_the_unranked_into_counted_lists_with_labels(published):
    page = staff().get("/").content.decode()
    insufficient = published.results.filter(rank__isnull=True).count()
    assert f"Insufficient data: {insufficient} countries</summary>" in page
    folded = page[page.index('id="insufficient-data"') : page.index("</details>", page.index('id="insufficient-data"'))]
    assert "Need assessed on mission" in folded and "field.need" not in folded
    assert "a reviewed mission report that assesses its areas" in folded
    excluded = len(published.excluded)
    assert excluded > 100
    assert f"Outside the candidate pool: {excluded} countries</summary>" in page
    assert f"Not on the OECD-DAC list of ODA recipients ({excluded})" in page
    assert 'href="/countries/JPN/"' in page[page.index('id="excluded-countries"') :]


@pytest.mark.django_db
def test_the_api_gives_every_countrys_standing(published):
    partner = api_for("partner-system")
    japan = partner.get("/api/v1/countries/JPN/").json()
    assert japan["ranking_status"] == "excluded" and japan["rank"] is None
    assert japan["excluded_because"] == {"rule": "oda", "reason": "Not on the OECD-DAC list of ODA recipients"}
    unranked = short_of_data(published)
    short = partner.get(f"/api/v1/countries/{unranked.country_id}/").json()
    assert short["ranking_status"] == "insufficient_data" and short["excluded_because"] is None
    assert short["missing"] == unranked.missing and "field.need" in short["missing"]
    first = published.results.get(rank=1)
    ranked = partner.get(f"/api/v1/countries/{first.country_id}/").json()
    assert (ranked["ranking_status"], ranked["rank"], ranked["missing"]) == ("ranked", 1, [])
    statuses = {
        country["iso3"]: country["ranking_status"]
        for country in partner.get("/api/v1/countries/", {"page_size": 300}).json()["results"]
    }
    assert set(statuses.values()) == {"ranked", "insufficient_data", "excluded"}


@pytest.mark.django_db
def test_without_a_published_ranking_no_country_is_said_to_lack_data():
    body = api_for("partner-system").get("/api/v1/countries/VNM/").json()
    assert body["ranking_status"] == "not_in_ranking" and body["missing"] == []
