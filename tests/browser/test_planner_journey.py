"""A planner's journey in headless Chromium: a plan made in the editor, computed from its page, read with its
value-for-money chart and its actions under the run's uncertainty, and its chosen actions made into programs after
a confirmation; the plan pages and the catalogue with no serious accessibility violation, in both languages."""

import json

import pytest

from plans.models import Plan, PlanStatus
from priorities.services import reference_data_load
from programs.models import CooperationProgram
from tests.browser.test_accessibility import sign_in_as, violations
from tests.factories import UserFactory
from tests.priorities.test_api import computed_run, seed
from tests.priorities.test_publication_gate import fast_default_profile


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_planner_makes_computes_reads_and_turns_a_plan_into_programs(page, screenshot, language):
    reference_data_load()
    seed(reports=80, needs=40, countries=12)
    fast_default_profile()
    run = computed_run(publish=True)
    UserFactory(username="planner", role="jpo-staff")
    page.goto("/accounts/login/")
    sign_in_as(page, "planner", language)
    found = {}

    page.goto("/plans/new/")
    page.locator("#id_name").fill("FY2027 portfolio")
    page.locator("#id_fiscal_year").fill("2027")
    page.locator("#id_run").select_option(str(run.pk))
    page.locator("#id_total_expert_days").fill("300")
    page.locator("#id_samples").fill("200")
    page.locator("#id_pools-0-code").fill("jpo")
    page.locator("#id_pools-0-name").fill("JPO budget")
    page.locator("#id_pools-0-limit_jpy").fill("60000000")
    for box in page.locator("input[name='pools-0-kinds']").all():
        box.check()
    found["plan-editor"] = violations(page)
    screenshot(page, f"{language}-plan-editor")
    page.locator("form[novalidate] button[type=submit]").last.click()
    page.wait_for_url("**/plans/*/edit/")
    plan = Plan.objects.get(name="FY2027 portfolio")

    page.goto(f"/plans/{plan.pk}/")
    page.locator(f"form[action='/plans/{plan.pk}/compute/'] button").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUCCEEDED  # computed in-process in the tests
    page.reload()
    assert page.locator("#chosen-actions tbody tr").count() == plan.actions.filter(chosen=True).count()
    assert page.locator("#robust").is_visible()
    # The chart is drawn by the Chart.js the app serves.
    assert page.evaluate("() => Chart.getChart(document.getElementById('plan-frontier')) !== undefined")
    assert page.locator("#frontier-table tbody tr").count() == len(plan.outcome["frontier"]["points"])
    found["plan"] = violations(page)
    screenshot(page, f"{language}-plan")

    page.goto(f"/plans/{plan.pk}/programs/")
    found["plan-programs"] = violations(page)
    screenshot(page, f"{language}-plan-programs")
    before = CooperationProgram.objects.count()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    assert CooperationProgram.objects.count() == before + plan.actions.filter(chosen=True).count()

    page.goto("/plans/actions/")
    found["catalogue"] = violations(page)
    screenshot(page, f"{language}-catalogue")
    page.goto(f"/plans/compare/?first={plan.pk}")
    found["compare"] = violations(page)
    assert {name: items for name, items in found.items() if items} == {}, json.dumps(found, indent=1)
    assert page.outside_requests == []
    assert page.console_errors == []
