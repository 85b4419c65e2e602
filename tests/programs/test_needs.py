"""Stakeholder needs through the real stack: recording, statuses, permissions, import and export."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from priorities.models import RankingRun
from programs.models import CooperationArea, StakeholderGroup, StakeholderNeed
from tests.factories import MissionReportFactory, StakeholderNeedFactory, UserFactory

HEADER = "country,area,stakeholder_group,description,urgency,source,raised_on\n"


def need_form(**changes):
    data = {
        "country": "KEN",
        "area": str(CooperationArea.objects.get(code="awareness_education").pk),
        "stakeholder_group": str(StakeholderGroup.objects.get(code="universities_research").pk),
        "description": "Universities asked for IP courses.",
        "urgency": "3",
        "source": "partner_request",
        "raised_on": "2026-06-01",
    }
    data.update(changes)
    return data


@pytest.fixture
def staff(db):
    return UserFactory(role="jpo-staff")


@pytest.fixture
def expert(db):
    return UserFactory(role="expert")


@pytest.mark.django_db
def test_expert_records_a_need_and_the_ranking_is_queued(client, expert):
    client.force_login(expert)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("need-create"), need_form())
    need = StakeholderNeed.objects.get()
    assert response.status_code == 302
    assert (need.country_id, need.status, need.created_by) == ("KEN", "open", expert)
    assert RankingRun.objects.filter(trigger="data_change").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"urgency": "7"}, "less than or equal to 5"),
        ({"urgency": "NaN"}, "Enter a whole number"),
        ({"raised_on": "2099-01-01"}, "cannot be raised in the future"),
        ({"country": "JPN"}, "Select a valid choice"),
        ({"country": "ken"}, "Select a valid choice"),
        ({"source": "mission_report"}, "Select a valid choice"),
        ({"description": "x" * 5001}, "at most 5000 characters"),
        ({"description": ""}, "This field is required"),
    ],
)
def test_bad_need_is_refused_next_to_the_field(client, expert, changes, message):
    client.force_login(expert)
    response = client.post(reverse("need-create"), need_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StakeholderNeed.objects.exists()


@pytest.mark.django_db
def test_status_moves_open_to_being_addressed_to_met(client, staff):
    need = StakeholderNeedFactory()
    client.force_login(staff)
    for status in ("being_addressed", "met"):
        client.post(reverse("need-status", args=[need.pk]), {"status": status})
        need.refresh_from_db()
        assert need.status == status
    history = need.history.order_by("history_date").values_list("status", flat=True)
    assert list(history) == ["open", "being_addressed", "met"]


@pytest.mark.django_db
def test_a_met_need_cannot_jump_to_being_addressed(client, staff):
    need = StakeholderNeedFactory(status="met")
    client.force_login(staff)
    response = client.post(reverse("need-status", args=[need.pk]), {"status": "being_addressed"}, follow=True)
    need.refresh_from_db()
    assert need.status == "met"
    assert "cannot become Being addressed" in response.content.decode()


@pytest.mark.django_db
def test_a_need_heard_in_a_report_links_back_to_it(client, expert):
    report = MissionReportFactory(author=expert)
    need = StakeholderNeedFactory(report=report, source="mission_report", created_by=expert)
    client.force_login(expert)
    page = client.get(need.get_absolute_url()).content.decode()
    assert report.get_absolute_url() in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "own", "other", "import_status"),
    [("expert", 200, 403, 403), ("jpo-staff", 200, 200, 200), ("partner-system", 403, 403, 403)],
)
def test_need_permissions(client, role, own, other, import_status):
    user = UserFactory(role=role)
    mine = StakeholderNeedFactory(created_by=user)
    theirs = StakeholderNeedFactory()
    client.force_login(user)
    assert client.get(reverse("need-detail", args=[mine.pk])).status_code == own
    assert client.get(reverse("need-detail", args=[theirs.pk])).status_code == other
    assert client.get(reverse("needs-import")).status_code == import_status
    list_status = 403 if role == "partner-system" else 200
    assert client.get(reverse("need-list")).status_code == list_status


@pytest.mark.django_db
def test_need_list_filters(client, staff):
    viet_nam = StakeholderNeedFactory(country_id="VNM", urgency=5)
    kenya = StakeholderNeedFactory(country_id="KEN", urgency=2, status="met")
    client.force_login(staff)
    page = client.get(reverse("need-list"), {"country": "VNM"}).content.decode()
    assert viet_nam.get_absolute_url() in page
    assert kenya.get_absolute_url() not in page
    page = client.get(reverse("need-list"), {"status": "met", "urgency_min": "1"}).content.decode()
    assert kenya.get_absolute_url() in page
    assert viet_nam.get_absolute_url() not in page
    page = client.get(reverse("need-list"), {"urgency_min": "4"}).content.decode()
    assert viet_nam.get_absolute_url() in page
    assert kenya.get_absolute_url() not in page


def list_query_count(client, django_assert_max_num_queries, rows):
    StakeholderNeedFactory.create_batch(rows)
    with django_assert_max_num_queries(15) as captured:
        assert client.get(reverse("need-list")).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_need_list_runs_the_same_queries_for_5_and_50_needs(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    small = list_query_count(client, django_assert_max_num_queries, 5)
    large = list_query_count(client, django_assert_max_num_queries, 45)
    assert small == large


def upload(content: str, name="needs.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
def test_import_previews_then_commits_all_rows(client, staff):
    client.force_login(staff)
    body = HEADER + "VNM,enforcement,customs_enforcement,Border training,4,survey,2026-05-01\n"
    body += "KEN,sme_ip_use,industry_smes,Brand clinics,3,partner_request,2026-04-02\n"
    preview = client.post(reverse("needs-import"), {"file": upload(body), "preview": "1"})
    assert preview.status_code == 200
    assert "2 needs are ready to import" in preview.content.decode()
    assert not StakeholderNeed.objects.exists()
    done = client.post(reverse("needs-import"), {"confirm": "1"})
    assert done.status_code == 302
    assert StakeholderNeed.objects.count() == 2
    assert set(StakeholderNeed.objects.values_list("created_by", flat=True)) == {staff.pk}


@pytest.mark.django_db
def test_import_with_a_bad_row_shows_every_error_and_imports_nothing(client, staff):
    client.force_login(staff)
    body = HEADER + "VNM,enforcement,customs_enforcement,Fine row,4,survey,2026-05-01\n"
    body += "vnm,enforcement,customs_enforcement,Bad row,9,survey,2099-05-01\n"
    response = client.post(reverse("needs-import"), {"file": upload(body), "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unknown code &#x27;vnm&#x27;" in page
    assert "less than or equal to 5" in page
    assert not StakeholderNeed.objects.exists()
    assert client.post(reverse("needs-import"), {"confirm": "1"}).status_code == 302
    assert not StakeholderNeed.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("needs.txt", "hello", "Upload a .csv or .xlsx file."),
        ("needs.xlsx", "this is not a spreadsheet", "could not be read as XLSX"),
        ("needs.csv", "country\n\x00\x00", "NUL characters"),
    ],
)
def test_malformed_files_are_refused_clearly(client, staff, name, content, message):
    client.force_login(staff)
    response = client.post(reverse("needs-import"), {"file": upload(content, name), "preview": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StakeholderNeed.objects.exists()


@pytest.mark.django_db
def test_xlsx_import(client, staff):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    # A real spreadsheet date cell, not text.
    sheet.append(
        ["IDN", "patent_examination", "ip_office", "Examiner training", 5, "survey", datetime.date(2026, 3, 3)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(staff)
    file = SimpleUploadedFile("needs.xlsx", buffer.getvalue())
    assert client.post(reverse("needs-import"), {"file": file, "preview": "1"}).status_code == 200
    client.post(reverse("needs-import"), {"confirm": "1"})
    need = StakeholderNeed.objects.get()
    assert (need.country_id, need.raised_on) == ("IDN", datetime.date(2026, 3, 3))


@pytest.mark.django_db
def test_export_escapes_spreadsheet_formulas(client, staff):
    StakeholderNeedFactory(description='=HYPERLINK("http://evil.example","x")')
    StakeholderNeedFactory(description="+1 from the IP office")
    client.force_login(staff)
    response = client.get(reverse("needs-export"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert {row["description"] for row in rows} == {
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1 from the IP office",
    }


@pytest.mark.django_db
def test_xlsx_export_opens_in_a_spreadsheet(client, staff):
    StakeholderNeedFactory(description="-2 examiners")
    client.force_login(staff)
    response = client.get(reverse("needs-export"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "'-2 examiners" in values


@pytest.mark.django_db
def test_export_refuses_an_unknown_format(client, staff):
    client.force_login(staff)
    assert client.get(reverse("needs-export"), {"format": "pdf"}).status_code == 400


@pytest.mark.django_db
def test_need_history_shows_the_status_change(client, staff):
    need = StakeholderNeedFactory()
    client.force_login(staff)
    client.post(reverse("need-status", args=[need.pk]), {"status": "withdrawn"})
    page = client.get(reverse("need-history", args=[need.pk])).content.decode()
    assert staff.username in page
    assert "withdrawn" in page
    assert datetime.date.today().isoformat()[:4] in page


@pytest.mark.django_db
def test_an_import_never_reaches_an_existing_need_by_its_id(client, staff):
    from tests.factories import MissionReportFactory

    report = MissionReportFactory(status="reviewed", reviewer=staff)
    linked = StakeholderNeedFactory(report=report, source="mission_report", status="met", description="From a report")
    client.force_login(staff)
    body = "id," + HEADER
    body += f"{linked.pk},VNM,enforcement,customs_enforcement,Changed by import,4,survey,2026-05-01\n"
    response = client.post(reverse("needs-import"), {"file": upload(body), "preview": "1"})
    assert response.status_code == 400
    assert "cannot change existing ones" in response.content.decode()
    client.post(reverse("needs-import"), {"confirm": "1"})
    linked.refresh_from_db()
    assert (linked.description, linked.status, linked.source) == ("From a report", "met", "mission_report")
    assert StakeholderNeed.objects.count() == 1


@pytest.mark.django_db
def test_an_imported_need_starts_open_whatever_its_row_says(client, staff):
    client.force_login(staff)
    body = "status," + HEADER + "met,VNM,enforcement,customs_enforcement,Border training,4,survey,2026-05-01\n"
    assert client.post(reverse("needs-import"), {"file": upload(body), "preview": "1"}).status_code == 200
    client.post(reverse("needs-import"), {"confirm": "1"})
    assert StakeholderNeed.objects.get().status == "open"
