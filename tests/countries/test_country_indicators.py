"""A country's context indicators against its peers: the medians of its income group and of its region, on the
country page (small multiples) and in the brief, each with its source and licence."""

import statistics

import pytest
from django.urls import reverse

from countries.models import Country, IndicatorValue
from countries.selectors import country_indicators

pytestmark = pytest.mark.django_db


def latest_of(code: str, countries) -> list[float]:
    latest: dict[str, tuple[int, float]] = {}
    for iso3, year, value in IndicatorValue.objects.filter(indicator__code=code, country__in=countries).values_list(
        "country_id", "year", "value"
    ):
        if iso3 not in latest or year > latest[iso3][0]:
            latest[iso3] = (year, value)
    return [value for _year, value in latest.values()]


def test_each_indicator_is_set_against_the_median_of_the_income_group_and_the_region():
    viet_nam = Country.objects.get(iso3="VNM")
    comparisons = {item.indicator.code: item for item in country_indicators(viet_nam)}
    patents = comparisons["IP.PAT.RESD"]
    assert (patents.latest_year, patents.latest_value) == (2021, 1066)
    income = latest_of("IP.PAT.RESD", Country.objects.filter(income_group=viet_nam.income_group))
    region = latest_of("IP.PAT.RESD", Country.objects.filter(region=viet_nam.region))
    assert (patents.income_median, patents.income_peers) == (statistics.median(income), len(income))
    assert (patents.region_median, patents.region_peers) == (statistics.median(region), len(region))
    expected = "above" if statistics.median(income) < 1066 else "below"
    assert patents.against_income_group == expected
    # The series runs from 2010 to the newest year any country has, the medians year by year beside it.
    assert patents.years[0] == 2010 and patents.years[-1] == 2021
    assert patents.values[patents.years.index(2019)] == 720
    in_2015 = IndicatorValue.objects.filter(
        indicator__code="IP.PAT.RESD", year=2015, country__region=viet_nam.region
    ).values_list("value", flat=True)
    assert patents.region_medians[patents.years.index(2015)] == statistics.median(in_2015)
    assert not patents.stale


def test_a_latest_value_well_behind_the_newest_is_stale():
    country = Country.objects.get(iso3="VNM")
    IndicatorValue.objects.filter(indicator__code="GE.EST", country=country, year__gt=2015).delete()
    comparison = next(item for item in country_indicators(country) if item.indicator.code == "GE.EST")
    assert comparison.latest_year == 2015
    assert comparison.stale


def test_a_country_without_indicators_has_none():
    country = Country.objects.get(iso3="VNM")
    IndicatorValue.objects.filter(country=country).delete()
    assert country_indicators(country) == []


def test_the_country_page_draws_a_small_multiple_per_indicator_with_its_source(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("country-detail", args=["VNM"]))
    page = response.content.decode()
    cards = response.context["indicator_cards"]
    assert len(cards) == IndicatorValue.objects.filter(country_id="VNM").values("indicator").distinct().count()
    patents = next(card for card in cards if card.comparison.indicator.code == "IP.PAT.RESD")
    assert patents.chart["country"][patents.chart["years"].index(2021)] == 1066
    assert f'id="{patents.chart_id}"' in page
    assert page.count('data-indicator-chart="') == len(cards)
    assert "Licence: CC BY 4.0 (World Bank Open Data)" in page
    assert "income-group median (" in page


def test_the_brief_sets_each_indicator_against_its_peers(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("country-detail", args=["VNM"]), {"view": "brief"}).content.decode()
    assert "Patent applications, residents" in page
    assert "regional median (" in page
    assert "CC BY 4.0" in page


def test_what_an_unranked_country_lacks_is_named_in_words(client, staff_user):
    from tests.priorities.test_api import computed_run, seed

    seed(reports=20, needs=10, countries=5)
    run = computed_run(publish=True)
    unranked = run.results.filter(rank__isnull=True).exclude(missing=[]).first()
    client.force_login(staff_user)
    page = client.get(reverse("country-detail", args=[unranked.country_id])).content.decode()
    missing = page.split("Missing:")[1].split("<span")[0]
    assert "Need assessed on mission" in missing
    assert "Context: Patent applications, residents" in missing
    assert "field.need" not in missing and "context.IP.PAT.RESD" not in missing


def test_the_open_needs_evidence_lists_only_the_needs_the_criterion_counts(client, staff_user):
    from tests.factories import StakeholderNeedFactory
    from tests.priorities.test_api import computed_run, seed

    seed(reports=20, needs=10, countries=5)
    run = computed_run(publish=True)
    iso3 = run.results.filter(rank__isnull=False).first().country_id
    open_need = StakeholderNeedFactory(country_id=iso3, description="Still open.", status="open")
    met_need = StakeholderNeedFactory(country_id=iso3, description="Met already.", status="met")
    client.force_login(staff_user)
    response = client.get(reverse("country-detail", args=[iso3]))
    counted = next(item for item in response.context["criteria"] if item["code"] == "needs.stakeholder")
    listed = {need.pk for need in counted["evidence"]["needs"]}
    assert open_need.pk in listed and met_need.pk not in listed
    assert all(need.status in ("open", "being_addressed") for need in counted["evidence"]["needs"])
