"""Japanese pages name the data in Japanese: countries (pycountry's ISO 3166-1 translations with the shipped
corrections), regions, areas, stakeholder groups, the policy sources' official titles and the profiles; and dates
are typed and shown in the Japanese way."""

import datetime

import pytest
from django.urls import reverse

from countries.models import Country
from priorities.models import PolicySource
from priorities.services import default_profile
from programs.models import CooperationArea, MissionReport, StakeholderGroup
from tests.factories import MissionReportFactory, UserFactory
from tests.priorities.test_api import published  # noqa: F401 - a fixture
from tests.programs.test_report_views import form_data

pytestmark = pytest.mark.django_db
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def staff(client):
    client.force_login(UserFactory(role="jpo-staff"))
    return client


def test_the_reference_data_names_countries_areas_groups_and_sources_in_japanese():
    names = dict(Country.objects.values_list("iso3", "name_ja"))
    assert names["VNM"] == "ベトナム" and names["IDN"] == "インドネシア"
    # The shipped corrections win over the catalogue's spelling.
    assert names["TZA"] == "タンザニア連合共和国" and names["TWN"] == "台湾"
    assert sum(1 for name in names.values() if name) >= 240
    assert CooperationArea.objects.get(code="patent_examination").name_ja == "特許審査"
    assert not CooperationArea.objects.filter(name_ja="").exists()
    assert not StakeholderGroup.objects.filter(name_ja="").exists()
    charter = PolicySource.objects.get(code="charter")
    assert charter.name_ja == "開発協力大綱"
    assert charter.official_title_ja.startswith("開発協力大綱 〜自由で開かれた世界")
    assert charter.title_ja_source.startswith("https://")


def test_a_japanese_country_page_names_the_country_its_region_and_areas_in_japanese(client, published):  # noqa: F811
    page = staff(client).get("/countries/VNM/", **JA).content.decode()
    assert "ベトナム" in page.split("<title>")[1].split("</title>")[0]
    assert "アジア · 東南アジア" in page
    assert "特許審査" in page
    english = client.get("/countries/VNM/").content.decode()
    assert "Viet Nam" in english and "Asia · South-eastern Asia" in english and "ベトナム" not in english


def test_the_japanese_dashboard_names_countries_areas_and_the_profile_in_japanese(client, published):  # noqa: F811
    page = staff(client).get("/", **JA).content.decode()
    assert "ベースライン" in page
    ranked = published.results.filter(rank__isnull=False).select_related("country").order_by("rank").first()
    assert ranked.country.name_ja in page
    response = client.get("/", **JA)
    assert {"iso3": ranked.country_id, "country": ranked.country.name_ja}.items() <= response.context["chart"][
        0
    ].items()


def test_the_method_page_gives_the_policy_sources_official_japanese_titles(client, published):  # noqa: F811
    page = staff(client).get("/method/", **JA).content.decode()
    assert "開発協力大綱 〜自由で開かれた世界の持続可能な発展に向けた日本の貢献〜" in page
    assert "知的財産推進計画2025" in page
    english = client.get("/method/").content.decode()
    assert "Development Cooperation Charter (2023)" in english and "開発協力大綱" not in english


def test_the_api_gives_both_names(client, published):  # noqa: F811
    from tests.priorities.test_robustness_api import api_for

    api = api_for("partner-system")
    country = api.get("/api/v1/countries/VNM/").json()
    assert (country["name"], country["name_ja"]) == ("Viet Nam", "ベトナム")
    sources = {source["code"]: source for source in api.get("/api/v1/policy-sources/").json()}
    assert sources["ip_basic_act"]["official_title_ja"] == "知的財産基本法"


def test_japanese_pages_type_dates_the_japanese_way(client):
    expert = UserFactory(role="expert")
    client.force_login(expert)
    visit = {"visit_start": datetime.date(2026, 1, 5), "visit_end": datetime.date(2026, 1, 9)}
    report = MissionReportFactory(author=expert, **visit)
    edit = client.get(reverse("report-edit", args=[report.pk]), **JA).content.decode()
    assert 'value="2026/01/05"' in edit and 'placeholder="YYYY/MM/DD"' in edit and 'type="date"' not in edit
    assert 'value="2026-01-05"' in client.get(reverse("report-edit", args=[report.pk])).content.decode()
    data = form_data(visit_start="2026/10/05", visit_end="2026年10月9日")
    response = client.post(reverse("report-create"), data, **JA)
    assert response.status_code == 302
    created = MissionReport.objects.exclude(pk=report.pk).get()
    assert (created.visit_start, created.visit_end) == (datetime.date(2026, 10, 5), datetime.date(2026, 10, 9))
    # ISO dates are read in either language; an American date is not a Japanese one.
    assert client.post(reverse("report-create"), form_data(visit_start="10/05/2026"), **JA).status_code == 400


def test_a_profile_has_a_japanese_name_and_description_staff_can_edit(client, published):  # noqa: F811
    from tests.priorities.test_pages import profile_post

    profile = default_profile()
    assert (profile.name_ja, profile.local_name) == ("ベースライン", "Baseline")
    posted = profile_post(name=profile.name, slug=profile.slug, save="1", name_ja="基準", description_ja="説明")
    assert staff(client).post(f"/profiles/{profile.slug}/", posted).status_code == 302
    profile.refresh_from_db()
    assert (profile.name_ja, profile.description_ja) == ("基準", "説明")
    assert "基準" in client.get("/profiles/", **JA).content.decode()
