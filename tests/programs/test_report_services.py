"""The experts' workflow at the service layer: validation, states, atomic saves, stale edits, evidence changes."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from countries.models import Country
from priorities.models import RankingRun
from programs.models import AreaAssessment, CooperationArea, MissionReport, StakeholderGroup, StakeholderNeed
from programs.services import (
    AssessmentFields,
    NeedFields,
    ReportFields,
    StaleReportError,
    mission_report_approve,
    mission_report_create,
    mission_report_delete,
    mission_report_reopen,
    mission_report_return,
    mission_report_submit,
    mission_report_update,
)
from programs.services.reports import (
    MESSAGE_AREA_TWICE,
    MESSAGE_EMPTY_REPORT,
    MESSAGE_END_BEFORE_START,
)
from tests.factories import UserFactory


def area(code):
    return CooperationArea.objects.get(code=code)


def fields(**changes) -> ReportFields:
    values = {
        "kind": "jpo_mission",
        "country": Country.objects.get(iso3="VNM"),
        "visit_start": datetime.date(2026, 10, 5),
        "visit_end": datetime.date(2026, 10, 9),
        "summary": "Met the IP office and the customs department.",
        "recommendations": "Continue examiner training.",
    }
    return ReportFields(**{**values, **changes})


def assessment(code="patent_examination", **changes) -> AssessmentFields:
    return AssessmentFields(**{"area": area(code), "need_level": 4, "readiness": 3, "commitment": 4, **changes})


def need(**changes) -> NeedFields:
    values = {
        "area": area("enforcement"),
        "stakeholder_group": StakeholderGroup.objects.get(code="customs_enforcement"),
        "description": "Training on detecting counterfeit goods at the border.",
        "urgency": 5,
    }
    return NeedFields(**{**values, **changes})


@pytest.fixture
def expert(db):
    return UserFactory(role="expert")


@pytest.fixture
def staff(db):
    return UserFactory(role="jpo-staff")


@pytest.fixture
def draft(expert):
    return mission_report_create(
        author=expert, fields=fields(), assessments=[assessment(), assessment("office_automation")], needs=[need()]
    )


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}


@pytest.mark.django_db
def test_a_draft_is_saved_with_its_assessments_and_needs(draft, expert):
    assert draft.status == "draft"
    assert draft.author == expert
    assert draft.assessments.count() == 2
    raised = draft.needs.get()
    assert (raised.country_id, raised.source, raised.raised_on) == ("VNM", "mission_report", draft.visit_end)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report_fields", "rows", "field", "message"),
    [
        (
            {"visit_start": datetime.date(2026, 10, 9), "visit_end": datetime.date(2026, 10, 5)},
            [],
            "visit_end",
            str(MESSAGE_END_BEFORE_START),
        ),
        ({"visit_start": datetime.date(2099, 1, 1), "visit_end": datetime.date(2099, 1, 2)}, [], "visit_start", "days"),
        ({"country": "JPN"}, [], "country", "not an ODA recipient"),
        ({"summary": "x" * 10001}, [], "summary", "at most 10000"),
        ({}, ["twice"], "assessments", str(MESSAGE_AREA_TWICE)),
        ({}, ["rating"], "assessments-1-need_level", "less than or equal to 5"),
        ({}, ["zero"], "assessments-1-readiness", "greater than or equal to 1"),
    ],
)
def test_invalid_report_is_refused_with_a_field_error_and_nothing_is_written(
    expert, report_fields, rows, field, message
):
    if report_fields.get("country") == "JPN":
        report_fields["country"] = Country.objects.get(iso3="JPN")
    assessments = [assessment()]
    if "twice" in rows:
        assessments = [assessment(), assessment()]
    if "rating" in rows:
        assessments = [assessment(need_level=6)]
    if "zero" in rows:
        assessments = [assessment(readiness=0)]
    with pytest.raises(ValidationError) as refused:
        mission_report_create(author=expert, fields=fields(**report_fields), assessments=assessments, needs=[need()])
    assert any(message in text for text in messages_of(refused.value)[field])
    assert not MissionReport.objects.exists()
    assert not AreaAssessment.objects.exists()
    assert not StakeholderNeed.objects.filter(source="mission_report").exists()


@pytest.mark.django_db
def test_a_bad_need_row_rolls_back_the_whole_report(expert):
    with pytest.raises(ValidationError) as refused:
        mission_report_create(author=expert, fields=fields(), assessments=[assessment()], needs=[need(urgency=9)])
    assert "needs-1-urgency" in refused.value.message_dict
    assert not MissionReport.objects.exists()
    assert not AreaAssessment.objects.exists()


@pytest.mark.django_db
def test_an_empty_report_cannot_be_submitted(expert):
    report = mission_report_create(author=expert, fields=fields())
    with pytest.raises(ValidationError) as refused:
        mission_report_submit(report=report, by=expert)
    assert str(MESSAGE_EMPTY_REPORT) in refused.value.messages
    report.refresh_from_db()
    assert report.status == "draft"


@pytest.mark.django_db
def test_submit_return_resubmit_approve(draft, expert, staff):
    submitted = mission_report_submit(report=draft, by=expert)
    assert submitted.status == "submitted"
    assert submitted.submitted_at is not None
    returned = mission_report_return(report=submitted, by=staff, comment="Add the counterpart's commitments.")
    assert returned.status == "returned"
    assert returned.review_comment == "Add the counterpart's commitments."
    updated = mission_report_update(
        report=returned, by=expert, version=returned.version, fields=fields(), assessments=[assessment()], needs=[]
    )
    resubmitted = mission_report_submit(report=updated, by=expert)
    approved = mission_report_approve(report=resubmitted, by=staff)
    assert approved.status == "reviewed"
    assert approved.reviewer == staff
    assert approved.history.count() >= 5


@pytest.mark.django_db
def test_returning_needs_a_comment(draft, expert, staff):
    mission_report_submit(report=draft, by=expert)
    with pytest.raises(ValidationError) as refused:
        mission_report_return(report=draft, by=staff, comment="   ")
    assert "review_comment" in refused.value.message_dict


@pytest.mark.django_db
def test_a_reviewed_report_cannot_be_edited_but_staff_can_reopen_it(draft, expert, staff):
    mission_report_submit(report=draft, by=expert)
    reviewed = mission_report_approve(report=draft, by=staff)
    with pytest.raises(ValidationError):
        mission_report_update(report=reviewed, by=expert, version=reviewed.version, fields=fields())
    with pytest.raises(ValidationError):
        mission_report_delete(report=reviewed, by=expert)
    reopened = mission_report_reopen(report=reviewed, by=staff, comment="The dates look wrong.")
    assert reopened.status == "returned"
    latest = reopened.history.first()
    assert (latest.status, latest.history_user, latest.review_comment) == ("returned", staff, "The dates look wrong.")


@pytest.mark.django_db
def test_saving_from_a_stale_copy_is_refused(draft, expert):
    opened_version = draft.version
    mission_report_update(report=draft, by=expert, version=opened_version, fields=fields(summary="First save."))
    with pytest.raises(StaleReportError):
        mission_report_update(report=draft, by=expert, version=opened_version, fields=fields(summary="Second save."))
    draft.refresh_from_db()
    assert draft.summary == "First save."


@pytest.mark.django_db
def test_deleting_a_draft_removes_its_rows(draft, expert):
    mission_report_delete(report=draft, by=expert)
    assert not MissionReport.objects.exists()
    assert not StakeholderNeed.objects.filter(source="mission_report").exists()


@pytest.mark.django_db
def test_approving_a_report_queues_a_recompute_of_the_ranking(draft, expert, staff):
    mission_report_submit(report=draft, by=expert)
    with TestCase.captureOnCommitCallbacks(execute=True):
        mission_report_approve(report=draft, by=staff)
    run = RankingRun.objects.get()
    assert run.trigger == "data_change"
    assert run.status == "succeeded"
    assert run.created_at <= timezone.now()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_saving_at_once_one_wins_and_one_is_told(postgres_only):
    """On PostgreSQL two connections race for the same draft; the row lock lets exactly one through."""
    from priorities.services import reference_data_load

    reference_data_load()
    author = UserFactory()
    report = mission_report_create(author=author, fields=fields(), assessments=[assessment()])
    version = report.version
    barrier = threading.Barrier(2)
    outcomes = []

    def save(summary):
        try:
            barrier.wait()
            mission_report_update(report=report, by=author, version=version, fields=fields(summary=summary))
            outcomes.append("saved")
        except StaleReportError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("From editor A.", "From editor B.")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    report.refresh_from_db()
    assert report.version == version + 1
