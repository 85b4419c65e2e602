"""The shipped reference data is complete, consistent with its libraries, and loads idempotently."""

import csv

import country_converter
import pycountry
import pytest

from countries.models import Country, CountryGroup
from countries.services import CLASSIFICATIONS_FILE, COCO_CONTINENT_TO_M49_REGION
from priorities.models import PolicyPriority, PolicySource
from priorities.services import reference_data_load
from programs.models import CooperationArea, StakeholderGroup

DESIGN_AREAS = {
    "patent_examination",
    "trademark_design_examination",
    "office_automation",
    "ip_information",
    "legal_framework",
    "enforcement",
    "hrd_training",
    "awareness_education",
    "tech_transfer",
    "sme_ip_use",
    "gi_traditional_knowledge",
    "south_south",
}
DESIGN_STAKEHOLDER_GROUPS = {
    "ip_office",
    "judiciary",
    "customs_enforcement",
    "universities_research",
    "industry_smes",
    "ip_professionals",
    "government_policy",
}
DESIGN_POLICY_SOURCES = {
    "sdg",
    "charter",
    "priority_policy",
    "ip_basic_act",
    "ip_strategic_program",
    "jpo_ip_priority",
    "jpo_intl_plan",
}
IP_RELEVANT_SDG_TARGETS = {"2.5", "3.b", "4.4", "8.2", "8.3", "9.5", "9.b", "17.6", "17.8", "17.9"}


@pytest.mark.django_db
def test_every_iso_country_is_present():
    assert set(Country.objects.values_list("iso3", flat=True)) == {entry.alpha_3 for entry in pycountry.countries}


@pytest.mark.django_db
def test_every_country_but_antarctica_has_a_region_and_subregion():
    without_region = Country.objects.filter(region="").values_list("iso3", flat=True)
    assert list(without_region) == ["ATA"]
    assert not Country.objects.exclude(iso3="ATA").filter(subregion="").exists()


@pytest.mark.django_db
def test_classifications_name_their_year():
    assert set(Country.objects.values_list("income_group_year", flat=True)) == {"FY2027"}
    assert set(Country.objects.values_list("oda_list_period", flat=True)) == {"2024-2025 flows"}


@pytest.mark.django_db
def test_oda_categories_match_the_dac_list_counts():
    counts = {category: Country.objects.filter(oda_category=category).count() for category in Country.OdaCategory}
    assert counts == {"LDC": 45, "OTHER_LIC": 2, "LMIC": 35, "UMIC": 58, "NOT_ELIGIBLE": 109}


@pytest.mark.django_db
def test_sample_countries_are_classified_as_published():
    viet_nam = Country.objects.get(iso3="VNM")
    assert (viet_nam.income_group, viet_nam.oda_category, viet_nam.region) == ("UM", "LMIC", "Asia")
    japan = Country.objects.get(iso3="JPN")
    assert (japan.income_group, japan.is_oda_eligible) == ("H", False)


def test_shipped_regions_agree_with_country_converter_outside_its_documented_differences():
    """M49 wins where country_converter made its own choice (see countries/data/README.md)."""
    documented = {"ATA", "BVT", "HMD", "SGS", "CCK", "CXR"}
    converter = country_converter.CountryConverter()
    with CLASSIFICATIONS_FILE.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["iso3"] not in documented]
    continents = converter.convert([row["iso3"] for row in rows], src="ISO3", to="continent", not_found=None)
    disagreements = [
        row["iso3"]
        for row, continent in zip(rows, continents, strict=True)
        if COCO_CONTINENT_TO_M49_REGION.get(continent, continent) != row["un_region"]
    ]
    assert disagreements == []


@pytest.mark.django_db
def test_seventeen_sdgs_and_the_ip_relevant_targets():
    goals = PolicyPriority.objects.filter(source__code="sdg", parent=None)
    assert goals.count() == 17
    targets = set(
        PolicyPriority.objects.filter(source__code="sdg", parent__isnull=False).values_list("code", flat=True)
    )
    assert {f"SDG-{target}" for target in IP_RELEVANT_SDG_TARGETS} <= targets
    assert PolicyPriority.objects.get(code="SDG-9.5").parent.code == "SDG-9"


@pytest.mark.django_db
def test_seven_policy_sources_each_with_priorities():
    assert set(PolicySource.objects.values_list("code", flat=True)) == DESIGN_POLICY_SOURCES
    for source in PolicySource.objects.all():
        assert source.priorities.exists(), source.code


@pytest.mark.django_db
def test_priorities_say_which_areas_they_favour_and_where():
    examiners = PolicyPriority.objects.get(code="JPOP-EXAMINERS")
    assert set(examiners.areas.values_list("code", flat=True)) == {"patent_examination", "hrd_training"}
    assert list(examiners.countries.values_list("iso3", flat=True)) == ["IND"]
    assert list(examiners.country_groups.values_list("code", flat=True)) == ["asean"]
    middle_east = PolicyPriority.objects.get(code="JPOI-MIDEAST")
    assert "gcc" in set(middle_east.country_groups.values_list("code", flat=True))


@pytest.mark.django_db
def test_country_groups_resolve_to_members():
    assert CountryGroup.objects.get(code="asean").countries.count() == 11
    assert CountryGroup.objects.get(code="ldcs").countries.count() == 44
    africa = CountryGroup.objects.get(code="africa").countries
    assert africa.filter(iso3="KEN").exists()
    assert not africa.filter(iso3="VNM").exists()


@pytest.mark.django_db
def test_areas_and_stakeholder_groups_of_the_design():
    assert set(CooperationArea.objects.values_list("code", flat=True)) == DESIGN_AREAS
    assert set(StakeholderGroup.objects.values_list("code", flat=True)) == DESIGN_STAKEHOLDER_GROUPS
    assert CooperationArea.objects.get(code="enforcement").stakeholder_group.code == "customs_enforcement"


@pytest.mark.django_db
def test_loading_twice_leaves_the_same_counts():
    first = reference_data_load()
    second = reference_data_load()
    assert first == second
    assert first["countries"] == len(pycountry.countries)


@pytest.mark.django_db
def test_reloading_keeps_what_staff_maintain():
    # The office file has no row for Guyana: the office staff recorded stays.
    Country.objects.filter(iso3="GUY").update(ip_office="Office recorded by staff")
    link = PolicyPriority.objects.get(code="SDG-9.5").area_links.get(area__code="tech_transfer")
    link.relevance = 0.6
    link.save()
    reference_data_load()
    assert Country.objects.get(iso3="GUY").ip_office == "Office recorded by staff"
    link.refresh_from_db()
    assert link.relevance == 0.6
