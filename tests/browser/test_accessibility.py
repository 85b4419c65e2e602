"""Accessibility as a browser sees it: axe-core (installed from npm, read from node_modules and run inside the
page, never fetched) finds no serious or critical violation on the pages staff and experts use most, in English
and in Japanese; and an expert files a report with the keyboard alone."""

import datetime
import json
from pathlib import Path

import pytest

from priorities.services import reference_data_load
from programs.models import MissionReport, ReportStatus
from tests.browser.test_expert_journey import PASSWORD, sign_in
from tests.factories import MissionReportFactory, UserFactory
from tests.priorities.test_api import computed_run, seed
from tests.priorities.test_publication_gate import fast_default_profile

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def violations(page) -> list[dict]:
    """axe's serious and critical findings on the page as it stands, each with the elements at fault."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci`")
    # Evaluated through the browser's debugging protocol, so the page's Content-Security-Policy lets it run.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [item for item in found if item["impact"] in BLOCKING]


def sign_in_as(page, username: str, language: str) -> None:
    """Sign in from the login page in the given language (by the inputs' ids, which no translation changes)."""
    origin = page.evaluate("location.origin")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": f"{origin}/"}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[novalidate] button[type=submit]").click()
    page.wait_for_url("**/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_main_pages_have_no_serious_accessibility_violations(page, screenshot, language):
    reference_data_load()
    seed(reports=60, needs=40, countries=12)
    fast_default_profile()
    run = computed_run(publish=True)
    ranked = run.results.filter(rank__isnull=False).order_by("rank").first()
    UserFactory(username="planner", role="jpo-staff")
    expert = UserFactory(username="aiko", role="expert")
    MissionReportFactory(author=expert, status=ReportStatus.SUBMITTED, submitted_at=datetime.datetime.now(datetime.UTC))

    found = {}
    page.goto("/accounts/login/")
    sign_in_as(page, "planner", language)
    for name, path in [
        ("dashboard", "/"),
        ("country", f"/countries/{ranked.country_id}/"),
        ("profile-editor", "/profiles/baseline/"),
        ("review-queue", "/reports/review/"),
    ]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        # At 1280 px every link of the staff navigation fits one line (one row, the bar no taller than one link).
        links = page.locator("#main-nav .nav-link")
        assert links.count() >= 10
        assert len({round(links.nth(k).bounding_box()["y"]) for k in range(links.count())}) == 1
        assert page.locator("nav.navbar").bounding_box()["height"] < 60
        found[name] = violations(page)
        screenshot(page, f"{language}-{name}")
    page.locator("#user-menu").click()  # the signed-in user's menu holds Sign out
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/**")
    sign_in_as(page, "aiko", language)
    page.goto("/reports/new/")
    found["report-form"] = violations(page)
    screenshot(page, f"{language}-report-form")
    assert {name: items for name, items in found.items() if items} == {}, json.dumps(found, indent=1)
    assert page.outside_requests == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_expert_files_a_report_with_the_keyboard_alone(page, screenshot):
    reference_data_load()
    expert = UserFactory(username="aiko", role="expert")
    sign_in(page, "aiko")
    page.goto("/reports/new/")
    keyboard = page.keyboard

    def tab_to(selector: str) -> None:
        """Press Tab until the element has the focus, as a keyboard user would; fail if it is never reached."""
        for _ in range(80):
            keyboard.press("Tab")
            if page.evaluate(f"document.activeElement === document.querySelector({json.dumps(selector)})"):
                return
        pytest.fail(f"Tab never reached {selector}")

    tab_to("#id_kind")
    keyboard.press("ArrowDown")  # the first kind after the blank choice
    tab_to("#id_country")
    keyboard.type("Cambodia")
    tab_to("#id_visit_start")
    keyboard.type("2026-09-14")
    tab_to("#id_visit_end")
    keyboard.type("2026-09-18")
    tab_to("#id_summary")
    keyboard.type("Met the Department of Industrial Property.")
    tab_to("#id_assessments-0-area")
    keyboard.type("Patent examination")
    for field, level in [("need_level", "5"), ("readiness", "3"), ("commitment", "4")]:
        tab_to(f"#id_assessments-0-{field}")
        keyboard.type(level)
    # The add-row button works from the keyboard, and the new row's first input takes the focus.
    tab_to("[data-formset='assessments'] [data-formset-add]")
    keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_assessments-1-area"
    keyboard.type("Enforcement")
    for field, level in [("need_level", "4"), ("readiness", "2"), ("commitment", "3")]:
        tab_to(f"#id_assessments-1-{field}")
        keyboard.type(level)
    screenshot(page, "keyboard-form")
    tab_to("button[name=submit]")
    keyboard.press("Enter")
    page.get_by_text("Report submitted for review.").wait_for()
    report = MissionReport.objects.get(author=expert)
    assert (report.status, report.country_id, report.visit_start) == ("submitted", "KHM", datetime.date(2026, 9, 14))
    assert sorted(report.assessments.values_list("area__code", "need_level")) == [
        ("enforcement", 4),
        ("patent_examination", 5),
    ]
