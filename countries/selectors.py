"""Reads for the country and indicator pages."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Min, QuerySet

from .models import Country, Indicator, IndicatorValue

# A latest value older than this, counted back from the newest year any country has, is shown as stale.
STALE_AFTER_YEARS = 5
HISTOGRAM_BINS = 12


def indicator_series(country: Country) -> list[dict]:
    """The country's context indicators, each with its values by year, in one query."""
    values = country.indicator_values.select_related("indicator").order_by("indicator__name", "year")
    series: dict[str, dict] = {}
    for value in values:
        entry = series.setdefault(value.indicator.code, {"indicator": value.indicator, "points": []})
        entry["points"].append(value)
    return list(series.values())


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
        .only("year", "value", "country__iso3", "country__name", "country__region", "country__income_group")
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
