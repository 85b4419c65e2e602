"""Mission-report pages through the real stack: permissions per role, forms, review and list budgets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import CooperationArea, MissionReport, StakeholderGroup
from programs.services import mission_report_approve, mission_report_submit
from tests.factories import AreaAssessmentFactory, MissionReportFactory, UserFactory


def form_data(**changes):
    data = {
        "kind": "jpo_mission",
        "country": "VNM",
        "visit_start": "2026-10-05",
        "visit_end": "2026-10-09",
        "summary": "Met the IP office.",
        "recommendations": "",
        "version": "",
        "assessments-TOTAL_FORMS": "2",
        "assessments-INITIAL_FORMS": "0",
        "assessments-MIN_NUM_FORMS": "0",
        "assessments-MAX_NUM_FORMS": "30",
        "assessments-0-area": str(CooperationArea.objects.get(code="patent_examination").pk),
        "assessments-0-need_level": "4",
        "assessments-0-readiness": "3",
        "assessments-0-commitment": "4",
        "assessments-0-comment": "",
        "assessments-1-area": str(CooperationArea.objects.get(code="enforcement").pk),
        "assessments-1-need_level": "5",
        "assessments-1-readiness": "2",
        "assessments-1-commitment": "3",
        "assessments-1-comment": "",
        "needs-TOTAL_FORMS": "1",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "30",
        "needs-0-area": str(CooperationArea.objects.get(code="enforcement").pk),
        "needs-0-stakeholder_group": str(StakeholderGroup.objects.get(code="customs_enforcement").pk),
        "needs-0-description": "Border training.",
        "needs-0-urgency": "5",
    }
    data.update(changes)
    return data


@pytest.fixture
def owner(db):
    return UserFactory(role="expert")


@pytest.fixture
def report(owner):
    report = MissionReportFactory(author=owner)
    AreaAssessmentFactory(report=report)
    return report


def client_for(client, role, owner):
    users = {
        "anonymous": None,
        "owner": owner,
        "other expert": UserFactory(role="expert"),
        "staff": UserFactory(role="jpo-staff"),
        "partner": UserFactory(role="partner-system"),
    }
    if users[role] is not None:
        client.force_login(users[role])
    return client


PERMISSIONS = [
    # (page, method, {role: expected status})
    ("report-list", "get", {"owner": 200, "other expert": 200, "staff": 200, "partner": 403}),
    ("report-create", "get", {"owner": 200, "other expert": 200, "staff": 403, "partner": 403}),
    ("report-detail", "get", {"owner": 200, "other expert": 403, "staff": 200, "partner": 403}),
    ("report-history", "get", {"owner": 200, "other expert": 403, "staff": 200, "partner": 403}),
    ("report-edit", "get", {"owner": 200, "other expert": 403, "staff": 403, "partner": 403}),
    ("report-submit", "post", {"owner": 302, "other expert": 403, "staff": 403, "partner": 403}),
    ("report-delete", "post", {"owner": 302, "other expert": 403, "staff": 403, "partner": 403}),
    ("report-review", "post", {"owner": 403, "other expert": 403, "staff": 403, "partner": 403}),
]
CASES = [
    (page, method, role, status)
    for page, method, expectations in PERMISSIONS
    for role, status in {"anonymous": 302, **expectations}.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "method", "role", "status"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_permission_matrix_for_a_draft(client, owner, report, page, method, role, status):
    client = client_for(client, role, owner)
    args = [] if page in ("report-list", "report-create") else [report.pk]
    response = getattr(client, method)(reverse(page, args=args))
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "review", "reopen", "edit"),
    [("owner", 403, 403, 403), ("staff", 302, 403, 403), ("partner", 403, 403, 403)],
)
def test_permission_matrix_once_submitted(client, owner, report, role, review, reopen, edit):
    mission_report_submit(report=report, by=owner)
    client = client_for(client, role, owner)
    assert client.post(reverse("report-review", args=[report.pk]), {"decision": "approve"}).status_code == review
    assert client.get(reverse("report-edit", args=[report.pk])).status_code == edit


@pytest.mark.django_db
def test_nobody_edits_a_reviewed_report_but_staff_reopen_it(client, owner, report):
    staff = UserFactory(role="jpo-staff")
    mission_report_submit(report=report, by=owner)
    mission_report_approve(report=report, by=staff)
    client.force_login(owner)
    assert client.get(reverse("report-edit", args=[report.pk])).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("report-edit", args=[report.pk])).status_code == 403
    response = client.post(reverse("report-reopen", args=[report.pk]), {"comment": "Wrong dates."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"


@pytest.mark.django_db
def test_partner_never_sees_report_text(client, owner, report):
    client.force_login(UserFactory(role="partner-system"))
    for page in ("report-detail", "report-history"):
        response = client.get(reverse(page, args=[report.pk]))
        assert response.status_code == 403
        assert report.summary.encode() not in response.content


@pytest.mark.django_db
def test_expert_files_a_report_with_rows(client, owner):
    client.force_login(owner)
    response = client.post(reverse("report-create"), form_data())
    report = MissionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert report.status == "draft"
    assert report.assessments.count() == 2
    assert report.needs.get().description == "Border training."


@pytest.mark.django_db
def test_submit_button_saves_and_submits(client, owner):
    client.force_login(owner)
    client.post(reverse("report-create"), {**form_data(), "submit": "1"})
    assert MissionReport.objects.get().status == "submitted"


@pytest.mark.django_db
def test_single_row_without_javascript_works(client, owner):
    client.force_login(owner)
    data = form_data(**{"assessments-TOTAL_FORMS": "1"})
    del data["assessments-1-area"]
    assert client.post(reverse("report-create"), data).status_code == 302
    assert MissionReport.objects.get().assessments.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visit_start": "2026-10-09", "visit_end": "2026-10-05"}, "The visit cannot end before it starts."),
        ({"visit_start": "2099-01-01", "visit_end": "2099-01-02"}, "more than 30 days from today"),
        ({"country": "JPN"}, "Select a valid choice"),
        ({"country": "XXX"}, "Select a valid choice"),
        ({"summary": "x" * 10001}, "at most 10000 characters"),
        ({"assessments-1-area": None}, "Each area can be assessed only once"),
        ({"assessments-0-need_level": "6"}, "less than or equal to 5"),
        ({"assessments-0-readiness": "0"}, "greater than or equal to 1"),
        ({"needs-0-urgency": "abc"}, "Enter a whole number"),
        ({"needs-0-description": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(client, owner, changes, message):
    client.force_login(owner)
    if changes.get("assessments-1-area", "") is None:
        changes["assessments-1-area"] = str(CooperationArea.objects.get(code="patent_examination").pk)
    response = client.post(reverse("report-create"), form_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MissionReport.objects.exists()


@pytest.mark.django_db
def test_an_empty_report_cannot_be_submitted_from_the_form(client, owner):
    client.force_login(owner)
    data = form_data(**{"assessments-TOTAL_FORMS": "0", "needs-TOTAL_FORMS": "0"})
    response = client.post(reverse("report-create"), {**data, "submit": "1"})
    assert response.status_code == 400
    assert "Add at least one area assessment or one stakeholder need" in response.content.decode()
    assert not MissionReport.objects.exists()


@pytest.mark.django_db
def test_second_editor_from_a_stale_copy_is_told_to_reload(client, owner, report):
    client.force_login(owner)
    stale_version = report.version
    first = client.post(reverse("report-edit", args=[report.pk]), form_data(version=str(stale_version)))
    assert first.status_code == 302
    second = client.post(
        reverse("report-edit", args=[report.pk]), form_data(version=str(stale_version), summary="Overwrite?")
    )
    assert second.status_code == 409
    assert "changed by someone else" in second.content.decode()
    assert reverse("report-edit", args=[report.pk]) in second.content.decode()
    report.refresh_from_db()
    assert report.summary == "Met the IP office."


@pytest.mark.django_db
def test_staff_return_with_comment_and_author_sees_it(client, owner, report):
    mission_report_submit(report=report, by=owner)
    client.force_login(UserFactory(role="jpo-staff"))
    response = client.post(reverse("report-review", args=[report.pk]), {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert "Say what the author should change." in response.content.decode()
    client.post(reverse("report-review", args=[report.pk]), {"decision": "return", "comment": "Add dates."})
    client.force_login(owner)
    page = client.get(reverse("report-edit", args=[report.pk])).content.decode()
    assert "Add dates." in page


@pytest.mark.django_db
def test_history_shows_who_changed_what(client, owner, report):
    client.force_login(owner)
    client.post(reverse("report-edit", args=[report.pk]), form_data(version=str(report.version), summary="Second."))
    page = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert owner.username in page
    assert "Second." in page


@pytest.mark.django_db
def test_text_is_escaped_where_shown(client, owner):
    report = MissionReportFactory(author=owner, summary="<script>alert(1)</script>")
    client.force_login(owner)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def list_queries(client, django_assert_max_num_queries, count, budget):
    experts = UserFactory.create_batch(3, role="expert")
    for index in range(count):
        MissionReportFactory(
            author=experts[index % 3],
            visit_start=datetime.date(2026, 1, 1) + datetime.timedelta(days=index % 200),
            visit_end=datetime.date(2026, 8, 1),
        )
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(reverse("report-list"), {"status": "draft"})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_report_list_runs_the_same_queries_for_10_and_60_reports(client, django_assert_max_num_queries):
    client.force_login(UserFactory(role="jpo-staff"))
    small = list_queries(client, django_assert_max_num_queries, 10, 15)
    MissionReport.objects.all().delete()
    large = list_queries(client, django_assert_max_num_queries, 60, 15)
    assert small == large


@pytest.mark.django_db
def test_expert_list_shows_only_their_reports(client, owner, report):
    other = MissionReportFactory()
    client.force_login(owner)
    page = client.get(reverse("report-list")).content.decode()
    assert "My reports" in page
    assert reverse("report-detail", args=[report.pk]) in page
    assert reverse("report-detail", args=[other.pk]) not in page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["report", "need"])
def test_a_record_without_history_rows_shows_its_history_page(client, kind):
    """Records loaded in bulk, as the demo data is, have no history rows; their History page still opens."""
    from tests.factories import MissionReportFactory, StakeholderNeedFactory, UserFactory

    record = MissionReportFactory() if kind == "report" else StakeholderNeedFactory()
    record.history.all().delete()
    client.force_login(UserFactory(role="jpo-staff"))
    response = client.get(f"/{kind}s/{record.pk}/history/")
    assert response.status_code == 200
    assert "No changes recorded" in response.content.decode()


@pytest.mark.django_db
def test_the_report_form_gives_each_scale_its_rubric_and_the_need_room_to_write(client, owner):
    client.force_login(owner)
    page = client.get(reverse("report-create")).content.decode()
    for name in ("need_level", "readiness", "commitment", "urgency"):
        assert f'id="rubric-{name}"' in page
        assert f'aria-describedby="rubric-{name}"' in page
    assert "1 no gap seen · 3 a gap the office works around · 5 a gap that stops its work" in page
    assert '<textarea name="needs-0-description"' in page


@pytest.mark.django_db
def test_a_row_marked_for_removal_is_left_out_without_javascript(client, owner):
    client.force_login(owner)
    response = client.post(reverse("report-create"), form_data(**{"assessments-1-DELETE": "on"}))
    assert response.status_code == 302
    report = MissionReport.objects.get(author=owner)
    assert list(report.assessments.values_list("area__code", flat=True)) == ["patent_examination"]


@pytest.mark.django_db
def test_staff_see_the_reports_awaiting_review_longest_waiting_first_and_counted_in_the_navigation(client, owner):
    first, second, draft = (MissionReportFactory(author=owner) for _ in range(3))
    for report in (first, second, draft):
        AreaAssessmentFactory(report=report)
    for report in (first, second):
        mission_report_submit(report=report, by=owner)
    MissionReport.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    staff = UserFactory(role="jpo-staff")
    client.force_login(staff)
    page = client.get(reverse("report-review-queue")).content.decode()
    queue = page[page.index('id="review-queue"') :]
    first.refresh_from_db()
    links = [f'<a href="/reports/{report.pk}/">{report.title}</a>' for report in (first, second)]
    assert all(link in queue for link in links) and queue.index(links[0]) < queue.index(links[1])
    assert f"/reports/{draft.pk}/" not in queue
    assert "3\xa0days" in queue
    nav = page[page.index('id="nav-review-queue"') : page.index("</a>", page.index('id="nav-review-queue"'))]
    assert 'badge text-bg-warning">2</span>' in nav and "reports awaiting review" in nav

    mission_report_approve(report=first, by=staff)
    mission_report_approve(report=MissionReport.objects.get(pk=second.pk), by=staff)
    page = client.get(reverse("report-list")).content.decode()
    assert 'badge text-bg-secondary">0</span>' in page
    assert "No report is waiting for review." in client.get(reverse("report-review-queue")).content.decode()
    # The list names each report by its title, linked.
    assert f'<a href="/reports/{first.pk}/">{first.title}</a>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["expert", "partner-system"])
def test_only_staff_have_the_review_queue(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("report-review-queue")).status_code == 403
    assert 'id="nav-review-queue"' not in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_country_choices_are_listed_by_their_names_in_the_readers_language(client, owner, language):
    """The report form, the needs filter and the program form: a Japanese reader finds 日本語 names in their order."""
    import re

    from countries.models import Country
    from priorities.services import reference_data_load

    reference_data_load()
    staff = UserFactory(role="jpo-staff")
    pages = [
        (owner, "/reports/new/", "id_country"),
        (staff, "/needs/", "id_country"),
        (staff, "/programs/new/", "id_countries"),
    ]
    for user, path, select in pages:
        client.force_login(user)
        page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        options = re.search(rf'<select[^>]*id="{select}"[^>]*>(.*?)</select>', page, re.S)
        assert options, path
        listed = re.findall(r'<option value="([A-Z]{3})"', options.group(1))
        names = dict(
            Country.objects.filter(iso3__in=listed).values_list("iso3", "name_ja" if language == "ja" else "name")
        )
        assert len(listed) > 100, path
        assert [names[iso3] for iso3 in listed] == sorted(names[iso3] for iso3 in listed), path
