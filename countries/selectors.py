"""Reads for the country and indicator pages."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Min, Q, QuerySet

from .models import Country, Indicator, IndicatorValue

# A latest value older than this, counted back from the newest year any country has, is shown as stale.
STALE_AFTER_YEARS = 5
HISTOGRAM_BINS = 12


def indicators_overview() -> QuerySet[Indicator]:
    """Every indicator with how many countries it covers and its first and latest year, in one query."""
    return Indicator.objects.annotate(
        countries_covered=Count("values__country", distinct=True),
        first_year=Min("values__year"),
        latest_year=Max("values__year"),
    ).order_by("name")


@dataclass(frozen=True)
class LatestValue:
    country: Country
    year: int
    value: float
    rank: int
    stale: bool


def latest_values(indicator: Indicator) -> list[LatestValue]:
    """Each country's latest value of the indicator, highest first (ties share a rank), in one query."""
    rows = (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("country")
        .order_by("country_id", "-year")
        .only(
            "year",
            "value",
            "country__iso3",
            "country__name",
            "country__name_ja",
            "country__region",
            "country__income_group",
        )
    )
    latest: dict[str, IndicatorValue] = {}
    for row in rows:
        latest.setdefault(row.country_id, row)
    if not latest:
        return []
    newest = max(row.year for row in latest.values())
    ordered = sorted(latest.values(), key=lambda row: (-row.value, row.country.name))
    result, rank, previous = [], 0, None
    for position, row in enumerate(ordered, start=1):
        if row.value != previous:
            rank, previous = position, row.value
        result.append(LatestValue(row.country, row.year, row.value, rank, newest - row.year > STALE_AFTER_YEARS))
    return result


@dataclass(frozen=True)
class Histogram:
    edges: list[float]
    counts: list[int]
    logarithmic: bool


def histogram(values: Iterable[float]) -> Histogram | None:
    """Counts of the values in equal bins; on a log10 scale when every value is positive and they span more than
    two orders of magnitude (patent counts, population), where equal bins would put nearly every country in one."""
    data = np.asarray(list(values), dtype=float)
    if data.size < 2:
        return None
    logarithmic = bool(np.all(data > 0) and data.max() / data.min() > 100)
    scaled = np.log10(data) if logarithmic else data
    counts, edges = np.histogram(scaled, bins=min(HISTOGRAM_BINS, max(data.size // 3, 1)))
    if logarithmic:
        edges = 10**edges
    return Histogram([float(edge) for edge in edges], [int(count) for count in counts], logarithmic)


def peer_medians(rows: list[LatestValue], country: Country) -> dict[str, float | None]:
    """The median of the latest values among the country's income group and among its region (the country
    included), as MCC's scorecards compare a country with its peers."""
    income = [
        row.value for row in rows if row.country.income_group and row.country.income_group == country.income_group
    ]
    region = [row.value for row in rows if row.country.region and row.country.region == country.region]
    return {
        "income_group": statistics.median(income) if income else None,
        "region": statistics.median(region) if region else None,
    }


# Small multiples start here: the shipped series hold every year from 2010.
FIRST_CHART_YEAR = 2010


@dataclass(frozen=True)
class PeerComparison:
    """One indicator for one country, set against the medians of its income group and its region (MCC's
    scorecard comparison): the latest values, and the series year by year since FIRST_CHART_YEAR."""

    indicator: Indicator
    latest_year: int
    latest_value: float
    stale: bool
    income_median: float | None
    income_peers: int
    region_median: float | None
    region_peers: int
    years: list[int]
    values: list[float | None]
    income_medians: list[float | None]
    region_medians: list[float | None]

    @staticmethod
    def _side(value: float, median: float | None) -> str:
        if median is None:
            return ""
        return "above" if value > median else "below" if value < median else "at"

    @property
    def against_income_group(self) -> str:
        return self._side(self.latest_value, self.income_median)

    @property
    def against_region(self) -> str:
        return self._side(self.latest_value, self.region_median)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def country_indicators(country: Country) -> list[PeerComparison]:
    """Each indicator the country has a value of, against its peers, in three queries: the country's values, the
    newest year of each of its indicators anywhere, and its peers' values (same income group or same region)."""
    own: dict[int, list[IndicatorValue]] = {}
    for stored in country.indicator_values.select_related("indicator").order_by("indicator__name", "year"):
        own.setdefault(stored.indicator_id, []).append(stored)
    if not own:
        return []
    newest = dict(Indicator.objects.filter(pk__in=own).annotate(newest=Max("values__year")).values_list("pk", "newest"))
    peers = Q(pk__in=[])
    if country.income_group:
        peers |= Q(country__income_group=country.income_group)
    if country.region:
        peers |= Q(country__region=country.region)
    latest: dict[tuple[int, str], tuple[int, float]] = {}
    by_year: dict[tuple[int, int], tuple[list[float], list[float]]] = {}
    rows = (
        IndicatorValue.objects.filter(peers, indicator_id__in=newest)
        .order_by()
        .values_list("indicator_id", "country_id", "country__income_group", "country__region", "year", "value")
    )
    groups: dict[str, tuple[bool, bool]] = {}
    for indicator_id, iso3, income_group, region, year, value in rows:
        in_income = bool(country.income_group) and income_group == country.income_group
        in_region = bool(country.region) and region == country.region
        groups[iso3] = (in_income, in_region)
        known = latest.get((indicator_id, iso3))
        if known is None or year > known[0]:
            latest[(indicator_id, iso3)] = (year, value)
        if year >= FIRST_CHART_YEAR:
            income, regional = by_year.setdefault((indicator_id, year), ([], []))
            if in_income:
                income.append(value)
            if in_region:
                regional.append(value)
    result = []
    for indicator_id, values in own.items():
        last = values[-1]
        income_latest = [v for (i, iso3), (_y, v) in latest.items() if i == indicator_id and groups[iso3][0]]
        region_latest = [v for (i, iso3), (_y, v) in latest.items() if i == indicator_id and groups[iso3][1]]
        charted = [value for value in values if value.year >= FIRST_CHART_YEAR] or [last]
        years = list(range(charted[0].year, max(newest[indicator_id], last.year) + 1))
        mine = {value.year: value.value for value in charted}
        result.append(
            PeerComparison(
                indicator=last.indicator,
                latest_year=last.year,
                latest_value=last.value,
                stale=newest[indicator_id] - last.year > STALE_AFTER_YEARS,
                income_median=_median(income_latest),
                income_peers=len(income_latest),
                region_median=_median(region_latest),
                region_peers=len(region_latest),
                years=years,
                values=[mine.get(year) for year in years],
                income_medians=[_median(by_year.get((indicator_id, year), ([], []))[0]) for year in years],
                region_medians=[_median(by_year.get((indicator_id, year), ([], []))[1]) for year in years],
            )
        )
    return result
