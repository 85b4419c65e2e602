"""Treaty memberships and national IP offices from the shipped WIPO data: loaded, shown on the country page and
in the API, and usable as candidate-pool rules and as criteria."""

import csv
import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from countries.models import Country, Treaty, TreatyMembership
from countries.services import IP_OFFICES_FILE, TREATIES_FILE, ip_facts_load_reference_data
from priorities.criteria import candidate_pool, exclusion_reason, extract
from priorities.profile_settings import TREATY_YEARS_GOALPOST, ProfileSettings
from priorities.profiles import profile_criteria
from priorities.selectors import policy_source_codes
from tests.priorities.test_api import api_for

pytestmark = pytest.mark.django_db


def test_the_shipped_files_hold_every_row_the_sources_give():
    with TREATIES_FILE.open(encoding="utf-8") as handle:
        treaties = list(csv.DictReader(handle))
    with IP_OFFICES_FILE.open(encoding="utf-8") as handle:
        offices = list(csv.DictReader(handle))
    assert len(treaties) == 1017 and len(offices) == 171
    assert all(row["source"] and row["source_url"].startswith("https://") for row in treaties + offices)


def test_loading_records_every_membership_and_wipo_membership_follows_the_wipo_convention():
    assert TreatyMembership.objects.count() == 1017
    assert TreatyMembership.objects.filter(treaty=Treaty.PCT).count() == 158
    assert Country.objects.filter(wipo_member=True).count() == 194
    # Not parties to the WIPO Convention: South Sudan, Palau; and an area that is not a state.
    assert set(Country.objects.filter(iso3__in=["SSD", "PLW", "ABW"]).values_list("wipo_member", flat=True)) == {False}
    viet_nam = {m.treaty: m.in_force_date for m in TreatyMembership.objects.filter(country="VNM")}
    assert viet_nam[Treaty.PCT] == datetime.date(1993, 3, 10)
    assert viet_nam[Treaty.MADRID_PROTOCOL] == datetime.date(2006, 7, 11)
    assert Treaty.TLT not in viet_nam


def test_offices_come_with_their_site_regional_office_and_source():
    kenya = Country.objects.get(iso3="KEN")
    assert (kenya.ip_office, kenya.ip_office_url, kenya.regional_ip_office) == (
        "Kenya Industrial Property Institute",
        "http://www.kipi.go.ke",
        "ARIPO",
    )
    assert "eGuide" in kenya.ip_office_source
    assert Country.objects.exclude(ip_office="").count() == 152


def test_loading_again_keeps_a_membership_staff_recorded_and_corrects_a_changed_date():
    TreatyMembership.objects.create(
        country_id="KEN", treaty=Treaty.HAGUE, in_force_date=datetime.date(2026, 6, 1), source="staff", source_url=""
    )
    TreatyMembership.objects.filter(country="VNM", treaty=Treaty.PCT).update(in_force_date=datetime.date(2000, 1, 1))
    report = ip_facts_load_reference_data()
    assert (report.created, report.updated) == (0, 1017)
    assert TreatyMembership.objects.filter(country="KEN", treaty=Treaty.HAGUE).exists()
    assert TreatyMembership.objects.get(country="VNM", treaty=Treaty.PCT).in_force_date == datetime.date(1993, 3, 10)


def test_a_pool_rule_ranks_only_parties_to_the_treaties_required():
    settings = ProfileSettings().replace(oda_eligible_only=True, required_treaties=["pct", "madrid_protocol"])
    pool = candidate_pool(settings)
    ranked = {country["iso3"] for country in pool.countries}
    excluded = {entry["iso3"]: entry for entry in pool.excluded}
    assert {"VNM", "IDN", "KEN"} <= ranked
    # Pakistan is not a party to the PCT; Myanmar to neither.
    assert excluded["PAK"]["rule"] == "treaty" and excluded["PAK"]["treaties"] == ["pct"]
    assert excluded["MMR"]["treaties"] == ["madrid_protocol", "pct"]
    assert excluded["PAK"]["reason"] == "Not a party to a required treaty: Patent Cooperation Treaty (PCT)"
    assert exclusion_reason(excluded["PAK"]) == "Not a party to a required treaty: Patent Cooperation Treaty (PCT)"
    assert excluded["JPN"]["rule"] == "oda"
    for iso3 in ranked:
        assert TreatyMembership.objects.filter(country=iso3, treaty__in=["pct", "madrid_protocol"]).count() == 2


def test_an_unknown_treaty_is_refused_by_field():
    with pytest.raises(ValidationError) as refused:
        ProfileSettings().replace(required_treaties=["pct", "berne"])
    assert "berne" in str(refused.value.message_dict["required_treaties"])


def test_years_party_to_a_treaty_is_a_criterion_capped_at_its_goalpost():
    as_of = datetime.date(2026, 11, 1)
    settings = ProfileSettings().replace(
        treaty_criteria=["pct"], criterion_weights={"policy": 0.5, "field.need": 0.3, "treaty.pct": 0.2}
    )
    criteria = profile_criteria(settings, policy_source_codes())
    pct = next(criterion for criterion in criteria if criterion.code == "treaty.pct")
    assert (pct.low, pct.high, pct.weight) == (0.0, TREATY_YEARS_GOALPOST, pytest.approx(0.2))
    inputs = extract(settings, criteria, as_of=as_of)
    column = [criterion.code for criterion in criteria].index("treaty.pct")
    areas = len(inputs.areas)
    years = {country["iso3"]: inputs.problem.raw[row * areas, column] for row, country in enumerate(inputs.countries)}
    # Cambodia: PCT in force 2016-12-08, so 9.9 years on 2026-11-01; Viet Nam since 1993: the goalpost.
    assert years["KHM"] == pytest.approx((as_of - datetime.date(2016, 12, 8)).days / 365.25)
    assert years["VNM"] == TREATY_YEARS_GOALPOST
    assert years["PAK"] == 0.0
    assert not np.isnan(inputs.problem.raw[:, column]).any()


def test_the_country_page_lists_its_treaties_and_links_its_office(client, staff_user):
    client.force_login(staff_user)
    page = client.get("/countries/KEN/").content.decode()
    assert '<a href="http://www.kipi.go.ke" rel="noopener">Kenya Industrial Property Institute</a>' in page
    assert "Regional IP office" in page and "ARIPO" in page
    treaties = page[page.index('id="treaties"') : page.index("</table>", page.index('id="treaties"'))]
    assert treaties.count("<tr>") == 1 + TreatyMembership.objects.filter(country="KEN").count()
    assert "Patent Cooperation Treaty (PCT)" in treaties
    # An OAPI state: the eGuide names no national office, only the regional one.
    page = client.get("/countries/SEN/").content.decode()
    assert "none named: applicants are referred to OAPI" in page


def test_the_countries_api_gives_treaties_and_filters_by_one():
    api = api_for("partner")
    kenya = api.get("/api/v1/countries/KEN/").json()
    assert kenya["regional_ip_office"] == "ARIPO"
    pct = next(item for item in kenya["treaties"] if item["treaty"] == "pct")
    assert (pct["name"], pct["in_force_date"]) == ("Patent Cooperation Treaty (PCT)", "1994-06-08")
    assert pct["source_url"].startswith("https://www.wipo.int/wipolex/")
    dates = [item["in_force_date"] for item in kenya["treaties"]]
    assert dates == sorted(dates)
    parties = api.get("/api/v1/countries/", {"treaty": "plt", "page_size": 100}).json()
    assert parties["count"] == 43
    assert api.get("/api/v1/countries/", {"treaty": "berne"}).status_code == 400


def test_staff_set_treaty_rules_and_criteria_on_the_profile_page(client, staff_user):
    from priorities.models import WeightProfile
    from priorities.services import default_profile
    from tests.priorities.test_pages import profile_post

    client.force_login(staff_user)
    profile = default_profile()
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert 'name="required_treaties" value="pct"' in page and 'name="treaty_criteria" value="plt"' in page
    version = profile.version
    posted = profile_post(name=profile.name, slug=profile.slug, save="1")
    posted.update(required_treaties=["pct"], treaty_criteria=["madrid_protocol"], weight__treaty__madrid_protocol="0.1")
    assert client.post(f"/profiles/{profile.slug}/", posted).status_code == 302
    profile = WeightProfile.objects.get(pk=profile.pk)
    config = profile.config
    assert (config.required_treaties, config.treaty_criteria) == (["pct"], ["madrid_protocol"])
    assert config.criterion_weights["treaty.madrid_protocol"] == 0.1
    assert profile.version == version + 1
    page = client.get(f"/profiles/{profile.slug}/").content.decode()
    assert 'name="weight__treaty__madrid_protocol"' in page and "Years party to the Madrid Protocol" in page

    refused = profile_post(name=profile.name, slug=profile.slug, save="1", required_treaties=["berne"])
    response = client.post(f"/profiles/{profile.slug}/", refused)
    assert response.status_code == 400 and "berne" in response.content.decode()
    assert WeightProfile.objects.get(pk=profile.pk).version == version + 1
