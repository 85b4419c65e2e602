"""The review workflow's rules hold on every path: a submitted or reviewed report's needs are closed to edits
(web and API alike; imports never reach them, see test_needs), every path validates a need the same way, and no
one reviews a report they wrote."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from programs.models import MissionReport, StakeholderNeed
from programs.services import mission_report_approve, mission_report_return
from tests.factories import MissionReportFactory, StakeholderNeedFactory, UserFactory


def report_with_need(status: str, *, reviewer=None):
    author = UserFactory(role="expert")
    fields = {"status": status, "author": author}
    if status == "reviewed":
        fields.update(
            reviewer=reviewer or UserFactory(role="jpo-staff"), reviewed_at=datetime.datetime.now(datetime.UTC)
        )
    report = MissionReportFactory(**fields)
    need = StakeholderNeedFactory(
        report=report,
        created_by=author,
        source="mission_report",
        country=report.country,
        raised_on=report.visit_end,
        description="Examiners need training.",
    )
    return report, need


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["submitted", "reviewed"])
@pytest.mark.parametrize("role", ["author", "jpo-staff"])
def test_a_closed_reports_need_cannot_be_edited_through_the_api(status, role):
    report, need = report_with_need(status)
    user = report.author if role == "author" else UserFactory(role="jpo-staff")
    response = api_as(user).patch(f"/api/v1/needs/{need.pk}/", {"description": "Changed."}, format="json")
    assert response.status_code == 400
    assert "can change only once the report is returned" in response.json()["errors"]["non_field_errors"][0]
    need.refresh_from_db()
    assert need.description == "Examiners need training."


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["submitted", "reviewed"])
def test_a_closed_reports_need_cannot_be_edited_through_the_form(client, status):
    _report, need = report_with_need(status)
    client.force_login(UserFactory(role="jpo-staff"))
    response = client.post(
        reverse("need-edit", args=[need.pk]),
        {
            "country": need.country_id,
            "area": need.area_id,
            "stakeholder_group": need.stakeholder_group_id,
            "description": "Changed.",
            "urgency": 5,
            "raised_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "can change only once the report is returned" in response.content.decode()
    need.refresh_from_db()
    assert need.description == "Examiners need training."


@pytest.mark.django_db
def test_a_draft_reports_need_keeps_the_reports_country_and_date_and_is_validated():
    report, need = report_with_need("draft")
    client = api_as(report.author)
    moved = client.patch(f"/api/v1/needs/{need.pk}/", {"country": "JPN", "raised_on": "2099-01-01"}, format="json")
    # Where and when a report's need was raised is the report's: the change is not taken.
    assert moved.status_code == 200
    need.refresh_from_db()
    assert (need.country_id, need.raised_on, need.source) == (report.country_id, report.visit_end, "mission_report")
    refused = client.patch(f"/api/v1/needs/{need.pk}/", {"urgency": 9}, format="json")
    assert refused.status_code == 400
    assert client.patch(f"/api/v1/needs/{need.pk}/", {"urgency": 2}, format="json").status_code == 200
    assert StakeholderNeed.objects.get(pk=need.pk).urgency == 2


@pytest.mark.django_db
def test_a_standalone_need_is_validated_on_every_edit():
    expert = UserFactory(role="expert")
    need = StakeholderNeedFactory(created_by=expert)
    client = api_as(expert)
    for change, field in (({"country": "JPN"}, "country"), ({"raised_on": "2099-01-01"}, "raised_on")):
        response = client.patch(f"/api/v1/needs/{need.pk}/", change, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
    assert StakeholderNeed.objects.get(pk=need.pk).country_id == need.country_id


@pytest.fixture
def expert_and_staff(db):
    """Someone who writes reports and reviews them."""
    user = UserFactory(role="expert")
    user.groups.add(Group.objects.get_or_create(name="jpo-staff")[0])
    return user


@pytest.mark.django_db
def test_nobody_approves_or_returns_a_report_they_wrote(expert_and_staff):
    report = MissionReportFactory(author=expert_and_staff, status="submitted")
    with pytest.raises(ValidationError, match="another member of staff reviews it"):
        mission_report_approve(report=report, by=expert_and_staff)
    with pytest.raises(ValidationError, match="another member of staff reviews it"):
        mission_report_return(report=report, by=expert_and_staff, comment="Fine by me.")
    assert MissionReport.objects.get(pk=report.pk).status == "submitted"
    # Another member of staff can.
    mission_report_approve(report=report, by=UserFactory(role="jpo-staff"))
    assert MissionReport.objects.get(pk=report.pk).status == "reviewed"


@pytest.mark.django_db
def test_self_approval_is_refused_on_the_review_page_too(client, expert_and_staff):
    report = MissionReportFactory(author=expert_and_staff, status="submitted")
    client.force_login(expert_and_staff)
    response = client.post(reverse("report-review", args=[report.pk]), {"decision": "approve"}, follow=True)
    assert "another member of staff reviews it" in response.content.decode()
    assert MissionReport.objects.get(pk=report.pk).status == "submitted"


@pytest.mark.django_db
def test_staff_still_move_a_closed_reports_need_through_its_statuses():
    _report, need = report_with_need("reviewed")
    response = api_as(UserFactory(role="jpo-staff")).patch(
        f"/api/v1/needs/{need.pk}/", {"status": "met"}, format="json"
    )
    assert response.status_code == 200
    need.refresh_from_db()
    assert (need.status, need.description) == ("met", "Examiners need training.")
