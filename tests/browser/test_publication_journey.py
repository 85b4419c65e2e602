"""The publication gate in a real browser: a nightly run waits, staff see what it changes and why, and publish it;
partners saw the old ranking until then."""

import pytest

from priorities.models import RankingRun
from priorities.services import reference_data_load
from tests.browser.test_expert_journey import sign_in
from tests.factories import UserFactory
from tests.priorities.test_api import api_for, computed_run, seed
from tests.priorities.test_publication_gate import automatic_run, fast_default_profile, strengthen_evidence


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_review_a_waiting_run_and_publish_it(page, screenshot):
    reference_data_load()
    seed(reports=60, needs=40, countries=12)
    fast_default_profile()
    published = computed_run(publish=True)
    lifted = published.results.filter(rank__isnull=False).order_by("-rank").first()
    report = strengthen_evidence(lifted.country_id)
    waiting = automatic_run()
    assert waiting.ready_to_publish
    assert api_for("partner-system").get("/api/v1/rankings/latest/").json()["id"] == published.pk
    UserFactory(username="planner", role="jpo-staff")

    sign_in(page, "planner")
    banner = page.locator("#ready-to-publish")
    assert f"Run {waiting.pk}" in banner.inner_text()
    screenshot(page, "1-dashboard-with-a-waiting-run")
    banner.get_by_role("link", name="See what changes, then publish or discard").click()
    page.wait_for_url(f"**/rankings/{waiting.pk}/")
    page.locator("#comparison-summary").wait_for()
    mover = page.locator("#movers tbody tr", has_text=lifted.country.name)
    # The country that rose is listed with the reviewed report that lifted it, which opens.
    assert mover.locator(f'a[href="{report.get_absolute_url()}"]').count() == 1
    screenshot(page, "2-what-changes")

    page.get_by_role("button", name="Publish this run").click()
    page.get_by_text(f"Run {waiting.pk} is now the published ranking").wait_for()
    assert page.locator("h1 .badge").inner_text() == "published"
    screenshot(page, "3-published")
    assert RankingRun.objects.get(is_published=True).pk == waiting.pk
    assert api_for("partner-system").get("/api/v1/rankings/latest/").json()["id"] == waiting.pk

    page.get_by_role("link", name="Ranking", exact=True).click()
    assert page.locator("#ready-to-publish").count() == 0
    assert page.outside_requests == []
    assert page.console_errors == []
