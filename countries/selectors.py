"""Reads for the country pages."""

from .models import Country


def indicator_series(country: Country) -> list[dict]:
    """The country's context indicators, each with its values by year, in one query."""
    values = country.indicator_values.select_related("indicator").order_by("indicator__name", "year")
    series: dict[str, dict] = {}
    for value in values:
        entry = series.setdefault(value.indicator.code, {"indicator": value.indicator, "points": []})
        entry["points"].append(value)
    return list(series.values())
