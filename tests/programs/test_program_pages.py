"""Cooperation programs: the filtered list, a program with its activities, and staff's edits."""

import pytest
from django.test import TestCase

from countries.models import Country
from programs.models import CooperationArea, CooperationProgram, ImplementingPartner
from programs.signals import evidence_changed
from tests.factories import CooperationActivityFactory, CooperationProgramFactory, UserFactory


def signed_in(client, role: str):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


def listed(response) -> set[str]:
    return {row.record.title for row in response.context["table"].rows}


@pytest.fixture
def programs(db):
    vietnam, kenya = Country.objects.get(iso3="VNM"), Country.objects.get(iso3="KEN")
    jica = ImplementingPartner.objects.get(code="jica")
    first = CooperationProgramFactory(title="Examination support", countries=[vietnam], status="ongoing")
    first.areas.set([CooperationArea.objects.get(code="patent_examination")])
    first.partners.set([jica])
    second = CooperationProgramFactory(
        title="Customs training", countries=[kenya], status="completed", program_type="government_loan"
    )
    second.areas.set([CooperationArea.objects.get(code="enforcement")])
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Examination support", "Customs training"}),
        ({"country": "VNM"}, {"Examination support"}),
        ({"type": "government_loan"}, {"Customs training"}),
        ({"status": "ongoing"}, {"Examination support"}),
        ({"area": "enforcement"}, {"Customs training"}),
        ({"partner": "jica"}, {"Examination support"}),
    ],
)
def test_programs_filter_like_the_api(client, programs, filters, expected):
    signed_in(client, "partner-system")
    assert listed(client.get("/programs/", filters)) == expected
    api = client.get("/api/v1/programs/", filters).json()
    assert {row["title"] for row in api["results"]} == expected


@pytest.mark.django_db
def test_the_list_names_countries_areas_and_partners(client, programs):
    signed_in(client, "jpo-staff")
    response = client.get("/programs/", {"partner": "jica"})
    row = response.context["table"].rows[0]
    assert row.get_cell("countries") == "Viet Nam"
    assert row.get_cell("areas") == "Patent examination"
    assert row.get_cell("partners") == "Japan International Cooperation Agency (JICA)"
    assert "Japan International Cooperation Agency (JICA)" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_filter_value_is_a_form_error_not_a_crash(client, programs):
    signed_in(client, "jpo-staff")
    response = client.get("/programs/", {"country": "XXX"})
    assert response.status_code == 200
    assert response.context["filter"].errors["country"]


@pytest.mark.django_db
def test_a_program_shows_its_activities(client, programs):
    signed_in(client, "expert")
    CooperationActivityFactory(program=programs[0], title="Search training", participants=17)
    response = client.get(f"/programs/{programs[0].pk}/")
    page = response.content.decode()
    assert "Search training" in page
    assert "17" in page
    assert "/countries/VNM/" in page


def program_post(**changes) -> dict:
    data = {
        "title": "IP office automation",
        "description": "",
        "program_type": "technical_cooperation",
        "status": "planned",
        "stage": "1",
        "start_date": "2026-04-01",
        "end_date": "2028-03-31",
        "budget_jpy": "120000000",
        "countries": ["IDN", "PHL"],
        "areas": [str(CooperationArea.objects.get(code="office_automation").pk)],
        "partners": [str(ImplementingPartner.objects.get(code="jpo").pk)],
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_staff_record_a_program_and_the_ranking_hears_of_it(client):
    signed_in(client, "jpo-staff")
    heard = []

    def receiver(sender, countries, **kwargs):
        heard.append(sorted(countries))

    evidence_changed.connect(receiver, dispatch_uid="test-program-evidence")
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post("/programs/new/", program_post())
    finally:
        evidence_changed.disconnect(dispatch_uid="test-program-evidence")
    assert response.status_code == 302
    program = CooperationProgram.objects.get(title="IP office automation")
    assert set(program.countries.values_list("iso3", flat=True)) == {"IDN", "PHL"}
    assert heard == [["IDN", "PHL"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"countries": []}, "countries"),
        ({"budget_jpy": "-5"}, "budget_jpy"),
        ({"stage": "4"}, "stage"),
        ({"title": ""}, "title"),
        ({"start_date": "not a date"}, "start_date"),
    ],
)
def test_bad_programs_are_refused_by_field(client, changes, field):
    signed_in(client, "jpo-staff")
    response = client.post("/programs/new/", program_post(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors
    if field:
        assert field in errors
    assert not CooperationProgram.objects.filter(title="IP office automation").exists()


@pytest.mark.django_db
def test_staff_edit_a_program(client, programs):
    signed_in(client, "jpo-staff")
    response = client.post(f"/programs/{programs[0].pk}/edit/", program_post(title="Examination support II"))
    assert response.status_code == 302
    programs[0].refresh_from_db()
    assert programs[0].title == "Examination support II"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["expert", "partner-system"])
def test_only_staff_record_or_edit_programs(client, programs, role):
    signed_in(client, role)
    assert client.get("/programs/").status_code == 200
    assert client.get("/programs/new/").status_code == 403
    assert client.post("/programs/new/", program_post()).status_code == 403
    assert client.post(f"/programs/{programs[0].pk}/edit/", program_post()).status_code == 403
    assert not CooperationProgram.objects.filter(title="IP office automation").exists()
