"""Writes to countries: loading the shipped reference data."""

import csv
from dataclasses import dataclass
from pathlib import Path

import country_converter
import pycountry
from django.db import transaction

from .models import Country, CountryGroup, OdaCategory

DATA_DIR = Path(__file__).resolve().parent / "data"
CLASSIFICATIONS_FILE = DATA_DIR / "country_classifications.csv"
GROUPS_FILE = DATA_DIR / "country_groups.csv"

# country_converter names one continent differently from UN M49.
COCO_CONTINENT_TO_M49_REGION = {"America": "Americas"}

CLASSIFICATION_FIELDS = [
    "iso2",
    "name",
    "un_m49",
    "region",
    "subregion",
    "income_group",
    "income_group_year",
    "oda_category",
    "oda_list_period",
    "is_un_ldc",
    "source_note",
]


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int


def _classification_rows() -> dict[str, dict[str, str]]:
    with CLASSIFICATIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["iso3"]: row for row in csv.DictReader(handle)}


def _regions_from_country_converter(iso3: str) -> tuple[str, str]:
    """Region and sub-region for a country the shipped file does not list yet (a newer pycountry)."""
    converter = country_converter.CountryConverter()
    region = str(converter.convert(iso3, src="ISO3", to="continent", not_found=""))
    subregion = str(converter.convert(iso3, src="ISO3", to="UNregion", not_found=""))
    return COCO_CONTINENT_TO_M49_REGION.get(region, region), subregion


@transaction.atomic
def countries_load_reference_data() -> LoadReport:
    """Create or update every ISO 3166-1 country with its classifications.

    pycountry decides which countries exist; the shipped file gives their verified classifications.
    Fields staff maintain (IP office, WIPO membership) are never overwritten.
    """
    rows = _classification_rows()
    existing = set(Country.objects.values_list("iso3", flat=True))
    countries = []
    for entry in pycountry.countries:
        row = rows.get(entry.alpha_3)
        if row is None:
            region, subregion = _regions_from_country_converter(entry.alpha_3)
            row = {"un_m49": entry.numeric, "un_region": region, "un_subregion": subregion}
        countries.append(
            Country(
                iso3=entry.alpha_3,
                iso2=entry.alpha_2,
                name=row.get("name") or entry.name,
                un_m49=row.get("un_m49", ""),
                region=row.get("un_region", ""),
                subregion=row.get("un_subregion", ""),
                income_group=row.get("wb_income_group", ""),
                income_group_year=row.get("wb_income_fy", ""),
                oda_category=row.get("dac_oda_category") or OdaCategory.NOT_ELIGIBLE,
                oda_list_period=row.get("dac_list_period", ""),
                is_un_ldc=row.get("un_ldc") == "1",
                source_note=row.get("source_note", ""),
            )
        )
    for country in countries:
        country.full_clean(validate_unique=False, validate_constraints=True)
    Country.objects.bulk_create(
        countries, update_conflicts=True, unique_fields=["iso3"], update_fields=CLASSIFICATION_FIELDS
    )
    created = sum(1 for country in countries if country.iso3 not in existing)
    return LoadReport(created=created, updated=len(countries) - created)


def _group_members(rule: str, members: str) -> list[str]:
    """Resolve a group's rule from country_groups.csv to ISO3 codes."""
    kind, _, values = rule.partition(":")
    choices = values.split("|") if values else []
    countries = Country.objects.all()
    if kind == "list":
        return [code for code in members.split(";") if code]
    if kind == "oda_eligible":
        return list(countries.oda_eligible().values_list("iso3", flat=True))
    if kind == "un_ldc":
        return list(countries.filter(is_un_ldc=True).values_list("iso3", flat=True))
    if kind == "oda_category":
        return list(countries.filter(oda_category__in=choices).values_list("iso3", flat=True))
    if kind == "region":
        return list(countries.filter(region__in=choices).values_list("iso3", flat=True))
    if kind == "subregion":
        return list(countries.filter(subregion__in=choices).values_list("iso3", flat=True))
    raise ValueError(f"Unknown country-group rule {rule!r} in {GROUPS_FILE.name}")


@transaction.atomic
def country_groups_load_reference_data() -> LoadReport:
    """Create or update the country groups policies refer to, and recompute their members."""
    created = updated = 0
    with GROUPS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            group, was_created = CountryGroup.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "definition": f"{row['definition']} Source: {row['citation']}"},
            )
            members = _group_members(row["rule"], row["members"])
            unknown = set(members) - set(Country.objects.filter(iso3__in=members).values_list("iso3", flat=True))
            if unknown:
                raise ValueError(f"Group {row['code']} names unknown countries: {sorted(unknown)}")
            group.countries.set(Country.objects.filter(iso3__in=members))
            created += was_created
            updated += not was_created
    return LoadReport(created=created, updated=updated)
