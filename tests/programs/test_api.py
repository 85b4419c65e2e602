"""/api/v1/mission-reports/ and /api/v1/needs/ with a real HTTP client and bearer tokens."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from programs.models import MissionReport, StakeholderNeed
from tests.factories import AreaAssessmentFactory, MissionReportFactory, StakeholderNeedFactory, UserFactory

REPORT = {
    "kind": "jetro_daily",
    "country": "IDN",
    "visit_start": "2026-11-02",
    "visit_end": "2026-11-02",
    "summary": "Met SMEs at the JETRO Jakarta office.",
    "assessments": [{"area": "sme_ip_use", "need_level": 4, "readiness": 2, "commitment": 3}],
    "needs": [
        {"area": "sme_ip_use", "stakeholder_group": "industry_smes", "description": "Brand clinics.", "urgency": 4}
    ],
}


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user)}")
    return client


@pytest.fixture
def expert(db):
    return UserFactory(role="expert")


@pytest.mark.django_db
def test_expert_creates_a_draft_and_submits_it(expert):
    api = api_for(expert)
    created = api.post("/api/v1/mission-reports/", REPORT, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft"
    assert body["author"] == expert.username
    assert body["assessments"][0]["area"] == "sme_ip_use"
    assert body["needs"][0]["stakeholder_group"] == "industry_smes"
    submitted = api.post(f"/api/v1/mission-reports/{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"visit_end": "2026-11-01"}, "visit_end"),
        ({"country": "JPN"}, "country"),
        ({"country": "idn"}, "country"),
        ({"kind": "diary"}, "kind"),
        ({"summary": "x" * 10001}, "summary"),
        ({"assessments": [{"area": "sme_ip_use", "need_level": 6, "readiness": 2, "commitment": 3}]}, "assessments"),
        (
            {"assessments": [{"area": "sme_ip_use", "need_level": "high", "readiness": 2, "commitment": 3}]},
            "assessments",
        ),
        (
            {"assessments": [{"area": "sme_ip_use", "need_level": 3, "readiness": 2, "commitment": 3}] * 2},
            "assessments",
        ),
        ({"secret_field": 1}, "secret_field"),
        ({"visit_start": "not a date"}, "visit_start"),
    ],
)
def test_bad_reports_get_400_with_the_field_named(expert, changes, field):
    response = api_for(expert).post("/api/v1/mission-reports/", {**REPORT, **changes}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["errors"]
    assert not MissionReport.objects.exists()


@pytest.mark.django_db
def test_malformed_json_is_a_400(expert):
    response = api_for(expert).generic("POST", "/api/v1/mission-reports/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_update_needs_the_version_read_and_a_stale_one_is_a_conflict(expert):
    api = api_for(expert)
    report = api.post("/api/v1/mission-reports/", REPORT, format="json").json()
    missing = api.put(f"/api/v1/mission-reports/{report['id']}/", {**REPORT, "summary": "v2"}, format="json")
    assert missing.status_code == 400
    assert "version" in missing.json()["errors"]
    first = api.put(
        f"/api/v1/mission-reports/{report['id']}/",
        {**REPORT, "summary": "v2", "version": report["version"]},
        format="json",
    )
    assert first.status_code == 200
    stale = api.put(
        f"/api/v1/mission-reports/{report['id']}/",
        {**REPORT, "summary": "v3", "version": report["version"]},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert "changed by someone else" in stale.json()["detail"]
    assert MissionReport.objects.get().summary == "v2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "list_status", "detail_status", "create_status"),
    [
        ("owner", 200, 200, 201),
        ("other expert", 200, 403, 201),
        ("jpo-staff", 200, 200, 403),
        ("partner-system", 403, 403, 403),
    ],
)
def test_report_permission_matrix(expert, role, list_status, detail_status, create_status):
    report = MissionReportFactory(author=expert)
    user = expert if role == "owner" else UserFactory(role="expert" if role == "other expert" else role)
    api = api_for(user)
    listed = api.get("/api/v1/mission-reports/")
    assert listed.status_code == list_status
    detail = api.get(f"/api/v1/mission-reports/{report.pk}/")
    assert detail.status_code == detail_status
    if detail_status != 200:
        assert report.summary not in detail.content.decode()
    assert api.post("/api/v1/mission-reports/", REPORT, format="json").status_code == create_status
    if role == "other expert":
        assert listed.json()["count"] == 0


@pytest.mark.django_db
def test_a_submitted_report_answers_its_author_that_it_is_no_longer_a_draft_and_stays_as_it_was(expert):
    """The same 400 whether the change comes after the submission or races it; another expert is still refused."""
    api = api_for(expert)
    report = api.post("/api/v1/mission-reports/", REPORT, format="json").json()
    assert api.post(f"/api/v1/mission-reports/{report['id']}/submit/").status_code == 200
    submitted = api.get(f"/api/v1/mission-reports/{report['id']}/").json()
    answers = [
        api.put(
            f"/api/v1/mission-reports/{report['id']}/",
            {**REPORT, "summary": "changed", "version": submitted["version"]},
            format="json",
        ),
        api.post(f"/api/v1/mission-reports/{report['id']}/submit/"),
        api.delete(f"/api/v1/mission-reports/{report['id']}/"),
    ]
    for answer in answers:
        assert answer.status_code == 400, answer.content
        assert "Only a draft or a returned report can be changed." in answer.content.decode()
    assert api.get(f"/api/v1/mission-reports/{report['id']}/").json() == submitted
    other = api_for(UserFactory(role="expert"))
    assert other.delete(f"/api/v1/mission-reports/{report['id']}/").status_code == 403
    assert MissionReport.objects.filter(pk=report["id"], status="submitted").exists()


@pytest.mark.django_db
def test_partner_gets_403_on_needs(expert):
    StakeholderNeedFactory()
    api = api_for(UserFactory(role="partner-system"))
    assert api.get("/api/v1/needs/").status_code == 403
    assert api.post("/api/v1/needs/", {}, format="json").status_code == 403


@pytest.mark.django_db
def test_expert_records_and_closes_a_need(expert):
    api = api_for(expert)
    created = api.post(
        "/api/v1/needs/",
        {
            "country": "KEN",
            "area": "enforcement",
            "stakeholder_group": "judiciary",
            "description": "Judges asked for an IP case-law seminar.",
            "urgency": 3,
            "source": "survey",
            "raised_on": "2026-07-07",
        },
        format="json",
    )
    assert created.status_code == 201
    need = created.json()
    assert (need["status"], need["report"]) == ("open", None)
    changed = api.patch(f"/api/v1/needs/{need['id']}/", {"status": "being_addressed"}, format="json")
    assert changed.status_code == 200
    assert StakeholderNeed.objects.get().status == "being_addressed"
    refused = api.patch(f"/api/v1/needs/{need['id']}/", {"urgency": 11}, format="json")
    assert refused.status_code == 400
    assert "urgency" in refused.json()["errors"]


@pytest.mark.django_db
def test_expert_sees_only_own_needs(expert):
    mine = StakeholderNeedFactory(created_by=expert)
    StakeholderNeedFactory()
    results = api_for(expert).get("/api/v1/needs/").json()["results"]
    assert [row["id"] for row in results] == [mine.pk]


def report_list_queries(api, rows: int) -> int:
    for _ in range(rows):
        AreaAssessmentFactory()
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/mission-reports/").status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_report_list_queries_do_not_grow_with_rows():
    api = api_for(UserFactory(role="jpo-staff"))
    small = report_list_queries(api, 3)
    large = report_list_queries(api, 30)
    assert small == large


@pytest.mark.django_db
def test_issue_and_revoke_token_commands():
    from io import StringIO

    partner = UserFactory(username="jica-system", role="partner-system")
    out = StringIO()
    call_command("issue_api_token", "jica-system", "--expires-days", "7", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/schema/").status_code == 200
    assert partner.auth_token_set.get().expiry is not None
    call_command("revoke_api_tokens", "jica-system", stdout=StringIO())
    assert client.get("/api/v1/schema/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path", "status", "code"),
    [
        (None, "/api/v1/needs/", 401, "not_authenticated"),
        ("partner-system", "/api/v1/needs/", 403, "permission_denied"),
        ("jpo-staff", "/api/v1/mission-reports/999999/", 404, "not_found"),
    ],
)
def test_errors_share_one_shape(role, path, status, code):
    client = api_for(UserFactory(role=role)) if role else APIClient()
    body = client.get(path).json()
    assert body == {"status": status, "code": code, "detail": body["detail"], "errors": {}}
    assert body["detail"]


@pytest.mark.django_db
def test_reports_are_replaced_whole_not_patched(expert):
    api = api_for(expert)
    report = api.post("/api/v1/mission-reports/", REPORT, format="json").json()
    assert api.patch(f"/api/v1/mission-reports/{report['id']}/", {"summary": "x"}, format="json").status_code == 405


@pytest.mark.django_db
def test_an_update_with_a_stale_if_match_gets_412_and_changes_nothing(expert):
    api = api_for(expert)
    created = api.post("/api/v1/mission-reports/", REPORT, format="json").json()
    url = f"/api/v1/mission-reports/{created['id']}/"
    read = api.get(url)
    etag = read["ETag"]
    body = {**REPORT, "summary": "v2", "version": created["version"]}
    updated = api.put(url, body, format="json", HTTP_IF_MATCH=etag)
    assert updated.status_code == 200
    assert updated["ETag"] != etag
    stale = api.put(
        url, {**body, "summary": "v3", "version": updated.json()["version"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert MissionReport.objects.get().summary == "v2"


@pytest.mark.django_db
@pytest.mark.parametrize("raised_on", ["0001-01-01", "1899-12-31"])
def test_a_need_dated_before_1900_is_refused_by_field(expert, raised_on):
    """Regression: a need dated 0001-01-01 was accepted, and its recency weight underflowed on PostgreSQL."""
    refused = api_for(expert).post(
        "/api/v1/needs/",
        {
            "country": "KEN",
            "area": "enforcement",
            "stakeholder_group": "judiciary",
            "description": "Judges asked for an IP case-law seminar.",
            "urgency": 3,
            "source": "survey",
            "raised_on": raised_on,
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "raised_on" in refused.json()["errors"]
    assert not StakeholderNeed.objects.exists()
