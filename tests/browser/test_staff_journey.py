"""JPO staff in a real browser: the dashboard, a region filter, a country, a what-if saved as a profile, and a
comparison of two runs — with every request staying on the server."""

import pytest

from priorities.models import WeightProfile
from priorities.services import reference_data_load
from tests.browser.test_expert_journey import sign_in
from tests.factories import UserFactory
from tests.priorities.test_api import computed_run, seed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_explore_the_ranking_ask_what_if_and_compare_runs(page, screenshot):
    reference_data_load()
    seed(reports=120, needs=60, countries=25)
    earlier = computed_run(publish=False, seed_value=7)
    published = computed_run(publish=True, seed_value=1)
    UserFactory(username="planner", role="jpo-staff")

    sign_in(page, "planner")
    page.get_by_role("heading", name="Ranked countries").wait_for()
    # Keyboard first: the first Tab reaches "Skip to content", which leads past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_url("**/#main")
    chart_labels = page.evaluate(
        "() => { const chart = Chart.getChart(document.getElementById('ranking-chart'));"
        " return [...chart.data.datasets.map((set) => set.label), chart.options.scales.x.title.text,"
        " chart.data.labels.length, chart.height]; }"
    )
    ranked = published.results.filter(rank__isnull=False).count()
    # The forest plot: a row per ranked country, each at least 16 px high.
    assert chart_labels[:3] == ["Rank, 5th–95th percentile", "Median rank", "Rank"]
    assert chart_labels[3] == ranked and chart_labels[4] >= 16 * ranked
    # At a laptop's width (1280 px) every column of the ranking is in view, with no sideways scrolling.
    assert page.evaluate(
        "() => { const box = document.querySelector('.ranking-table').parentElement;"
        " return box.scrollWidth <= box.clientWidth; }"
    )
    screenshot(page, "1-dashboard")

    page.get_by_label("Region").select_option("Asia")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**region=Asia**")
    regions = page.locator(".ranking-table tbody td:nth-child(10)").all_inner_texts()
    assert regions and set(regions) == {"Asia"}
    screenshot(page, "2-asia")

    first = page.locator(".ranking-table tbody tr").first.locator("td:nth-child(2) a")
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", name=name).first.wait_for()
    # The chart is drawn by a deferred script after the heading shows: wait for it (times out, and fails, if never).
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('contribution-chart'))")
    page.get_by_role("heading", name="Independence ladder", exact=True).wait_for()
    screenshot(page, "3-country")

    page.get_by_role("link", name="Weight profiles").click()
    page.get_by_role("link", name="Baseline").click()
    page.get_by_label("Need assessed on mission", exact=True).fill("0.8")
    page.get_by_role("button", name="What if? Re-rank without saving").click()
    page.locator(".what-if-table tbody tr").first.wait_for()
    assert page.locator(".what-if-table tbody tr").count() == published.results.filter(rank__isnull=False).count()
    screenshot(page, "4-what-if")
    page.locator("#id_name").fill("Field need first")
    page.locator("#id_slug").fill("field-need-first")
    page.get_by_role("button", name="Save as a new profile").click()
    page.get_by_text("Weight profile Field need first saved").wait_for()
    saved = WeightProfile.objects.get(slug="field-need-first")
    assert saved.config.criterion_weights["field.need"] == pytest.approx(0.8)
    screenshot(page, "5-saved")

    # Every setting is in the page: the SDGs weigh double, readiness counts as a cost, one context indicator
    # goes and a country is left out with the reason, all added and removed without a page load.
    page.get_by_label("UN Sustainable Development Goals").fill("2")
    page.get_by_label("Absorptive capacity and commitment counts as").select_option("cost")
    page.locator("tr", has=page.locator("#id_context-0-indicator")).get_by_role("button", name="Remove").click()
    page.get_by_role("button", name="Exclude a country").click()
    assert page.evaluate("document.activeElement.id") == "id_excluded-1-country"
    page.locator("#id_excluded-1-country").select_option("VNM")
    page.locator("#id_excluded-1-reason").fill("Covered by the JICA project until 2027")
    screenshot(page, "5b-editor")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Weight profile Field need first saved (version 2)").wait_for()
    saved.refresh_from_db()
    config = saved.config
    assert config.source_weights == {"sdg": 2.0}
    assert config.criterion_directions["field.readiness"] == "cost"
    assert config.excluded_countries == {"VNM": "Covered by the JICA project until 2027"}
    assert len(config.context_indicators) == 3
    assert page.locator("#id_excluded-0-reason").input_value() == "Covered by the JICA project until 2027"

    page.get_by_role("link", name="Runs").click()
    page.locator("#id_first").select_option(str(published.pk))
    page.locator("#id_second").select_option(str(earlier.pk))
    page.get_by_role("button", name="Compare").click()
    page.locator("#spearman").wait_for()
    assert "Spearman" in page.locator("#spearman").inner_text()
    screenshot(page, "6-compare")

    page.goto("/api/v1/docs/")
    page.get_by_text("HIPOC API").first.wait_for()
    screenshot(page, "7-api-docs")

    assert page.outside_requests == []
    # Nothing the Content-Security-Policy refused, nor any other script error, on any page visited.
    assert page.console_errors == []
