"""An expert files a report, staff return it, the expert resubmits, staff approve — in a real browser."""

import pytest

from priorities.services import reference_data_load
from programs.models import MissionReport
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def sign_out(page) -> None:
    page.locator("#user-menu").click()  # the signed-in user's menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_report_from_draft_to_approval(page, screenshot):
    reference_data_load()
    expert = UserFactory(username="aiko", role="expert")
    UserFactory(username="reviewer", role="jpo-staff")

    sign_in(page, "aiko")
    page.get_by_role("link", name="My reports").click()
    page.get_by_role("link", name="New report").click()
    page.get_by_label("Kind").select_option("jica_expert")
    page.get_by_label("Country").select_option("KHM")
    page.get_by_label("Visit start").fill("2026-09-14")
    page.get_by_label("Visit end").fill("2026-09-18")
    page.get_by_label("Summary").fill("Visited the Department of Industrial Property in Phnom Penh.")
    page.locator("#id_assessments-0-area").select_option(label="Patent examination")
    page.locator("#id_assessments-0-need_level").fill("5")
    page.locator("#id_assessments-0-readiness").fill("3")
    page.locator("#id_assessments-0-commitment").fill("4")
    page.get_by_role("button", name="Add an area").click()
    page.locator("#id_assessments-1-area").select_option(label="Enforcement")
    page.locator("#id_assessments-1-need_level").fill("4")
    page.locator("#id_assessments-1-readiness").fill("2")
    page.locator("#id_assessments-1-commitment").fill("3")
    # A row added by mistake goes with its Remove button, without a page load.
    page.get_by_role("button", name="Add an area").click()
    page.locator("#id_assessments-2-area").select_option(label="Trademark and design examination")
    page.locator("#id_assessments-2-need_level").fill("2")
    mistaken = page.locator("tr", has=page.locator("#id_assessments-2-area"))
    mistaken.get_by_role("button", name="Remove").click()
    assert mistaken.is_hidden()
    # Each 1–5 scale says what its levels mean, beside the inputs it describes.
    assert page.locator("#rubric-urgency").inner_text() == "1 can wait years · 3 within a year or two · 5 needed now"
    assert page.locator("#id_needs-0-urgency").get_attribute("aria-describedby") == "rubric-urgency"
    page.locator("#id_needs-0-area").select_option(label="Enforcement")
    page.locator("#id_needs-0-stakeholder_group").select_option(label="Customs and enforcement")
    page.locator("#id_needs-0-description").fill("Customs officers asked for counterfeit-detection training.")
    page.locator("#id_needs-0-urgency").fill("5")
    screenshot(page, "1-form")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    report = MissionReport.objects.get(author=expert)
    assert report.status == "draft"
    assert report.assessments.count() == 2
    assert report.needs.count() == 1
    screenshot(page, "2-draft")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Report submitted for review.").wait_for()
    sign_out(page)

    sign_in(page, "reviewer")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_label("Comment to the author").fill("Please add the counterpart's commitments in detail.")
    page.get_by_role("button", name="Return to author").click()
    page.get_by_text("Report returned to its author.").wait_for()
    screenshot(page, "3-returned")
    sign_out(page)

    sign_in(page, "aiko")
    page.goto(f"/reports/{report.pk}/")
    assert page.get_by_text("Please add the counterpart's commitments in detail.").is_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Recommendations").fill("The counterpart committed two examiners full time.")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Report submitted for review.").wait_for()
    sign_out(page)

    sign_in(page, "reviewer")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Report approved").wait_for()
    screenshot(page, "4-approved")
    page.goto(f"/reports/{report.pk}/history/")
    screenshot(page, "5-history")

    report.refresh_from_db()
    assert report.status == "reviewed"
    assert report.recommendations == "The counterpart committed two examiners full time."
    assert page.outside_requests == []
