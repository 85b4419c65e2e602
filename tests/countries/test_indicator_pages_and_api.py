"""Indicator pages and endpoints: the shipped series listed with their sources, one indicator across countries,
a country's series; each value with its source and licence."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from countries.models import Indicator, IndicatorValue
from countries.selectors import histogram, latest_values
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role))
    return client


@pytest.fixture
def signed_in(client, expert_user):
    client.force_login(expert_user)
    return client


def test_the_indicator_list_names_each_series_source_release_licence_and_coverage(signed_in):
    response = signed_in.get(reverse("indicator-list"))
    assert response.status_code == 200
    rows = {indicator.code: indicator for indicator in response.context["indicators"]}
    assert len(rows) == 14
    patents = rows["IP.PAT.RESD"]
    assert (patents.countries_covered, patents.latest_year) == (158, 2021)
    page = response.content.decode()
    assert "World Bank WDI (last updated 2026-01-28)" in page
    assert "CC BY 4.0 (World Bank Open Data)" in page
    assert reverse("indicator-detail", args=["IP.PAT.RESD"]) in page
    # Experts read indicators but do not import them.
    assert reverse("indicator-import") not in page


def test_the_indicator_list_runs_as_many_queries_whatever_the_number_of_indicators(signed_in):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            signed_in.get(reverse("indicator-list"))
        return len(context)

    signed_in.get(reverse("indicator-list"))
    before = queries()
    for number in range(5):
        indicator = Indicator.objects.create(code=f"extra-{number}", name=f"Extra {number}")
        IndicatorValue.objects.create(indicator=indicator, country_id="JPN", year=2024, value=number)
    assert queries() == before


def test_an_indicator_page_ranks_countries_by_latest_value_and_marks_old_values(signed_in):
    response = signed_in.get(reverse("indicator-detail", args=["IP.PAT.RESD"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.country.iso3, row.value, row.year) for row in rows[:3]] == [
        ("CHN", 1426644, 2021),
        ("USA", 262244, 2021),
        ("JPN", 222452, 2021),
    ]
    assert [row.rank for row in rows[:3]] == [1, 2, 3]
    old = [row for row in rows if row.stale]
    assert old and all(2021 - row.year > 5 for row in old)
    assert all(2021 - row.year <= 5 for row in rows if not row.stale)
    page = response.content.decode()
    assert "Licence: CC BY 4.0 (World Bank Open Data)" in page
    chart = response.context["chart"]
    assert sum(chart["counts"]) == len(rows)
    assert response.context["histogram"].logarithmic


def test_an_unknown_indicator_is_not_found(signed_in):
    assert signed_in.get(reverse("indicator-detail", args=["NO.SUCH"])).status_code == 404


def test_tied_latest_values_share_a_rank():
    indicator = Indicator.objects.create(code="tie", name="Tie")
    for iso3, value in [("JPN", 2.0), ("VNM", 2.0), ("KHM", 1.0)]:
        IndicatorValue.objects.create(indicator=indicator, country_id=iso3, year=2024, value=value)
    assert [row.rank for row in latest_values(indicator)] == [1, 1, 3]


def test_a_histogram_of_values_of_one_order_of_magnitude_is_linear():
    spread = histogram([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert not spread.logarithmic
    assert sum(spread.counts) == 6
    assert (spread.edges[0], spread.edges[-1]) == (1.0, 6.0)
    assert histogram([5.0]) is None


def api_queries(api: APIClient, url: str, query: dict | None = None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, query or {})
    assert response.status_code == 200
    return len(captured), response.json()


def more_series(count: int) -> None:
    for number in range(count):
        indicator = Indicator.objects.create(code=f"extra-{number}", name=f"Extra {number}")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, country_id="JPN", year=year, value=year) for year in range(1990, 2025)
        )


def test_the_api_lists_indicators_with_their_sources_in_a_fixed_number_of_queries():
    api = api_for("partner-system")
    url = reverse("api:indicator-list")
    queries, body = api_queries(api, url, {"code": "IP.PAT.RESD,SP.POP.TOTL"})
    assert queries == 2  # the count and the page, coverage included
    results = {row["code"]: row for row in body["results"]}
    assert set(results) == {"IP.PAT.RESD", "SP.POP.TOTL"}
    assert results["IP.PAT.RESD"]["vintage"] == "2026-01-28"
    assert results["IP.PAT.RESD"]["licence"].startswith("CC BY 4.0")
    more_series(20)
    assert api_queries(api, url)[0] == 2
    detail = api.get(reverse("api:indicator-detail", args=["IP.PAT.RESD"]))
    assert detail.json()["countries_covered"] == 158


def test_the_api_gives_a_countrys_series_with_source_and_year_paginated_and_filtered():
    api = api_for("partner-system")
    url = reverse("api:country-indicators", args=["JPN"])
    queries, body = api_queries(api, url, {"indicator": "IP.PAT.RESD", "year_from": 2019, "year_to": 2021})
    assert queries == 3  # the country, the count and the page
    assert body["count"] == 3
    assert [(row["year"], row["value"]) for row in body["results"]] == [
        (2019, 245372.0),
        (2020, 227348.0),
        (2021, 222452.0),
    ]
    first = body["results"][0]
    assert first["indicator"] == "IP.PAT.RESD"
    assert first["source"] == "World Bank WDI (last updated 2026-01-28)"
    assert first["licence"] == "CC BY 4.0 (World Bank Open Data)"
    everything = api.get(url).json()
    assert everything["count"] == IndicatorValue.objects.filter(country_id="JPN").count()
    assert len(everything["results"]) == 50
    more_series(10)
    assert api_queries(api, url, {"page": 2})[0] == 3


def test_the_api_refuses_a_bad_filter_by_field_and_an_unknown_country():
    client = api_for("partner-system")
    bad = client.get(reverse("api:country-indicators", args=["JPN"]), {"year_from": "last year"})
    assert bad.status_code == 400
    assert "year_from" in str(bad.json())
    assert client.get(reverse("api:country-indicators", args=["ZZZ"])).status_code == 404


def test_the_schema_documents_the_indicator_endpoints(client, staff_user):
    client.force_login(staff_user)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/v1/indicators/" in schema["paths"]
    series = schema["paths"]["/api/v1/countries/{iso3}/indicators/"]["get"]
    assert {"indicator", "year_from", "year_to", "page"} <= {parameter["name"] for parameter in series["parameters"]}
