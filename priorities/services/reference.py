"""Loading the reference data that ships with HIPOC: countries, areas, policy sources, SDGs and priority items."""

import csv
from pathlib import Path

from django.db import transaction

from countries.models import Country, CountryGroup
from countries.services import (
    countries_load_reference_data,
    country_groups_load_reference_data,
    indicators_load_reference_data,
    ip_facts_load_reference_data,
)
from programs.models import CooperationArea
from programs.services import programs_load_reference_data

from ..models import PolicyPriority, PolicyPriorityArea, PolicySource, WeightProfile
from ..signals import reference_data_loaded
from .profiles import weight_profile_ensure_default

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SDG_SOURCE = "sdg"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sdg_goal_code(number: int | str) -> str:
    return f"SDG-{number}"


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _load_sources() -> dict[str, PolicySource]:
    sources = {}
    for position, row in enumerate(_rows("policy_sources.csv")):
        sources[row["code"]], _ = PolicySource.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_ja": row["name_ja"],
                "official_title": row["official_title"],
                "official_title_ja": row["official_title_ja"],
                "title_ja_source": row["title_ja_source"],
                "issuer": row["issuer"],
                "issued": row["issued"],
                "citation": row["citation"],
                "position": position,
            },
        )
    return sources


def _load_sdg_goals(source: PolicySource) -> dict[str, PolicyPriority]:
    goals = {}
    for row in _rows("sdg_goals.csv"):
        code = _sdg_goal_code(row["number"])
        goals[row["number"]], _ = PolicyPriority.objects.update_or_create(
            code=code,
            defaults={
                "source": source,
                "parent": None,
                "title": f"Goal {row['number']} - {row['title']}",
                "citation": "UN GA res. A/RES/70/1 (25 Sep 2015)",
                "verified": True,
                "position": int(row["number"]) * 100,
            },
        )
    return goals


@transaction.atomic
def policy_load_reference_data() -> dict[str, int]:
    """Create or update the policy sources, the 17 SDGs and every priority item with its areas and places.

    Relevance values staff refined are kept: only missing area links are added, at relevance 1.0.
    """
    sources = _load_sources()
    goals = _load_sdg_goals(sources[SDG_SOURCE])
    areas = {area.code: area for area in CooperationArea.objects.all()}
    groups = {group.name: group for group in CountryGroup.objects.all()}
    known_countries = set(Country.objects.values_list("iso3", flat=True))

    for position, row in enumerate(_rows("policy_priorities.csv")):
        parent = None
        if row["source_code"] == SDG_SOURCE:
            goal_number = row["priority_code"].removeprefix("SDG-").split(".")[0]
            parent = goals[goal_number]
            position = parent.position + position
        priority, _ = PolicyPriority.objects.update_or_create(
            code=row["priority_code"],
            defaults={
                "source": sources[row["source_code"]],
                "parent": parent,
                "title": row["title"],
                "summary": row["summary"],
                "citation": row["citation"],
                "verified": row["verified"] == "yes",
                "position": position,
            },
        )
        for area_code in _split(row["favoured_areas"]):
            PolicyPriorityArea.objects.get_or_create(priority=priority, area=areas[area_code])

        named = _split(row["favoured_countries_or_regions"])
        # Group names come first: "GCC" is a group although it looks like an ISO code.
        group_names = [name for name in named if name in groups]
        iso_codes = [name for name in named if name not in groups]
        unknown = set(iso_codes) - known_countries
        if unknown:
            raise ValueError(f"{row['priority_code']} names unknown countries or groups: {sorted(unknown)}")
        priority.country_groups.set([groups[name] for name in group_names])
        priority.countries.set(Country.objects.filter(iso3__in=iso_codes))

    return {
        "policy_sources": PolicySource.objects.count(),
        "policy_priorities": PolicyPriority.objects.count(),
        "area_relevances": PolicyPriorityArea.objects.count(),
    }


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Load all reference data that ships with HIPOC, in dependency order, all or nothing."""
    countries = countries_load_reference_data()
    groups = country_groups_load_reference_data()
    counts = {"countries": countries.created + countries.updated, "country_groups": groups.created + groups.updated}
    memberships = ip_facts_load_reference_data()
    counts["treaty_memberships"] = memberships.created + memberships.updated
    indicators = indicators_load_reference_data()
    counts["indicator_values_added"] = indicators.created
    counts["indicator_values_changed"] = indicators.updated
    counts.update(programs_load_reference_data())
    counts.update(policy_load_reference_data())
    weight_profile_ensure_default()
    counts["weight_profiles"] = WeightProfile.objects.count()
    reference_data_loaded.send(sender=reference_data_load, counts=counts)
    return counts
