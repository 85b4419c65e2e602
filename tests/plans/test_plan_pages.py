"""The plan pages through the real stack: the list, a solved plan by pool, region, country and action, an
infeasible one in words; staff only."""

import datetime

import pytest
import tablib
from django.utils.html import escape

from plans.models import ROBUST_SAMPLES, Plan, RegionLimit
from plans.services import plan_compute
from programs.models import CooperationProgram, ProgramStatus
from tests.factories import UserFactory
from tests.plans.test_plans import new_plan, run  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def staff(client):
    client.force_login(UserFactory(role="jpo-staff"))
    return client


def test_staff_read_a_solved_plan_by_pool_region_country_and_action(client, run, django_assert_max_num_queries):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=60_000_000, days=200))
    staff(client)
    listing = client.get("/plans/").content.decode()
    assert f'href="/plans/{plan.pk}/"' in listing and "FY2027" in listing
    with django_assert_max_num_queries(16):
        response = client.get(f"/plans/{plan.pk}/")
    page = response.content.decode()
    actions = list(plan.actions.select_related("country", "template"))
    assert actions
    spent = sum(action.cost_jpy for action in actions)
    assert f"{60_000_000 - spent:,}" in page  # what is left in the pool
    assert f"{len(actions)} chosen action" in page
    for action in actions:
        assert escape(action.template.name) in page and escape(action.country.name) in page
    regions = {row["region"]: row["cost"] for row in response.context["regions"]}
    assert sum(regions.values()) == spent
    assert {row["country"].iso3 for row in response.context["countries"]} == {action.country_id for action in actions}


def test_the_value_for_money_chart_shows_what_less_or_more_money_would_buy(client, run):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=40_000_000, days=400))
    points = plan.outcome["frontier"]["points"]
    assert [point["scale"] for point in points] == sorted(point["scale"] for point in points)
    assert 1.0 in [point["scale"] for point in points] and len(points) > 3
    # The best plan never buys less with more money, nor spends more than it has.
    values = [point["value"] for point in points]
    assert values == sorted(values)
    assert all(point["cost_jpy"] <= point["money_jpy"] for point in points)
    ours = next(point for point in points if point["scale"] == 1.0)
    assert ours["value"] == pytest.approx(plan.outcome["value"])
    greedy = plan.outcome["frontier"]["greedy"]
    assert greedy["value"] <= ours["value"] + 1e-9
    response = staff(client).get(f"/plans/{plan.pk}/")
    page = response.content.decode()
    assert 'id="plan-frontier"' in page and "chart.umd.min.js" in page
    assert response.context["frontier_chart"]["plan"] == [{"x": ours["cost_jpy"] / 1e6, "y": ours["value"]}]
    line = response.context["frontier_chart"]["frontier"]
    assert [point["x"] for point in line] == sorted(point["x"] for point in line)
    assert [point["y"] for point in line] == sorted(point["y"] for point in line)
    assert {point["x"] for point in line} <= {point["cost_jpy"] / 1e6 for point in points}
    assert 'id="gap"' not in page  # proven the best


def test_a_plan_that_spends_more_for_less_stays_in_the_table_but_off_the_frontier(client, run):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=40_000_000, days=400))
    points = plan.outcome["frontier"]["points"]
    # The plan with a quarter more money held back by the experts' days: it spends less than the plan itself and
    # buys more, so the plan itself, spending more for less, is beaten.
    ours = next(point for point in points if point["scale"] == 1.0)
    held = next(point for point in points if point["scale"] == 1.25)
    held.update(cost_jpy=ours["cost_jpy"] - 1_000_000, value=ours["value"] + 1.0)
    Plan.objects.filter(pk=plan.pk).update(outcome=plan.outcome)
    response = staff(client).get(f"/plans/{plan.pk}/")
    line = response.context["frontier_chart"]["frontier"]
    assert {"x": ours["cost_jpy"] / 1e6, "y": ours["value"], "money": ours["money_jpy"] / 1e6} not in line
    assert {"x": held["cost_jpy"] / 1e6, "y": held["value"], "money": held["money_jpy"] / 1e6} in line
    assert [point["y"] for point in line] == sorted(point["y"] for point in line)
    assert len(line) < len(points)
    # The table still lists every plan, the one beaten too.
    rows = response.content.decode().split('id="frontier-table"')[1].split("</table>")[0]
    assert rows.count("<tr") == len(points) + 1
    assert f"{ours['cost_jpy']:,}" in rows


def test_a_plan_stopped_at_the_time_limit_states_its_proven_gap_in_percent(client, run):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=40_000_000, days=400))
    Plan.objects.filter(pk=plan.pk).update(outcome={**plan.outcome, "stopped_early": True, "gap": 0.0054})
    page = staff(client).get(f"/plans/{plan.pk}/").content.decode()
    assert "proven to be within 0.54% of the best possible value" in page
    japanese = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "0.54%" in japanese


def test_a_robust_plan_shows_its_regret_and_the_actions_on_the_edge(client, run):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=60_000_000, days=200, samples=ROBUST_SAMPLES))
    response = staff(client).get(f"/plans/{plan.pk}/")
    page = response.content.decode()
    robust = plan.outcome["robust"]
    assert f"each of the run's {ROBUST_SAMPLES} Monte Carlo samples" in page
    assert f"{robust['almost_always']} actions are chosen almost always" in page
    assert f"Expected regret: {robust['regret']:.2f}, {100 * robust['regret_share']:.1f}% of what this plan" in page
    assert f"could gain no more than {robust['regret_at_most']:.2f} over this one" in page
    edge = response.context["on_the_edge"]
    assert len(edge) == robust["on_the_edge"]
    for action in edge:
        assert f"{round(action.probability * 100)}%" in page
    japanese = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "期待リグレット" in japanese and "上回るのは平均で" in japanese


def test_an_infeasible_plan_says_in_words_what_conflicts(client, run):  # noqa: F811
    plan = new_plan(run, budget=10_000_000)
    RegionLimit.objects.create(plan=plan, region="Asia", minimum_jpy=50_000_000)
    plan_compute(plan=plan)
    page = staff(client).get(f"/plans/{plan.pk}/").content.decode()
    assert "No plan meets every constraint." in page
    assert "the limit of JPO budget" in page and "the minimum for Asia" in page
    japanese = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "アジアの下限" in japanese


@pytest.mark.parametrize("role", ["expert", "partner-system"])
def test_only_staff_see_plans(client, run, role):  # noqa: F811
    plan = new_plan(run)
    client.force_login(UserFactory(role=role))
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/").status_code == 403


def test_staff_make_planned_programs_of_the_chosen_actions_once_after_a_confirmation(client, run):  # noqa: F811
    plan = plan_compute(plan=new_plan(run, budget=40_000_000, days=200))
    chosen = list(plan.actions.filter(chosen=True).select_related("template__area", "country"))
    assert chosen
    before = CooperationProgram.objects.count()
    confirm = staff(client).get(f"/plans/{plan.pk}/programs/")
    assert confirm.status_code == 200
    assert f"Make {len(chosen)} planned program" in confirm.content.decode()
    assert CooperationProgram.objects.count() == before  # looking changes nothing
    assert client.post(f"/plans/{plan.pk}/programs/").status_code == 302
    assert CooperationProgram.objects.count() == before + len(chosen)
    for action in chosen:
        action.refresh_from_db()
        program = action.program
        assert program.status == ProgramStatus.PLANNED and program.budget_jpy == action.cost_jpy
        assert list(program.countries.all()) == [action.country]
        assert list(program.areas.all()) == [action.template.area]
        assert program.stage == action.template.area_rung
        assert program.start_date == datetime.date(2027, 4, 1)
        activity = program.activities.get()
        assert (activity.kind, activity.country_id) == (action.template.kind, action.country_id)
    # A second confirmation makes nothing twice.
    assert client.post(f"/plans/{plan.pk}/programs/").status_code == 302
    assert CooperationProgram.objects.count() == before + len(chosen)
    client.force_login(UserFactory(role="expert"))
    assert client.post(f"/plans/{plan.pk}/programs/").status_code == 403


def test_an_unsolved_plan_makes_no_programs(client, run):  # noqa: F811
    plan = new_plan(run)
    before = CooperationProgram.objects.count()
    response = staff(client).post(f"/plans/{plan.pk}/programs/", follow=True)
    assert "Only a solved plan" in response.content.decode()
    assert CooperationProgram.objects.count() == before


def test_two_plans_compared_say_what_one_adds_to_the_other_and_the_workbook_holds_the_plan(client, run):  # noqa: F811
    small = plan_compute(plan=new_plan(run, budget=20_000_000, days=200))
    large = plan_compute(plan=new_plan(run, budget=60_000_000, days=200))
    response = staff(client).get(f"/plans/compare/?first={small.pk}&second={large.pk}")
    assert response.status_code == 200
    comparison = response.context["comparison"]
    small_actions = set(small.actions.filter(chosen=True).values_list("country", "template"))
    large_actions = set(large.actions.filter(chosen=True).values_list("country", "template"))
    assert comparison["both"] == len(small_actions & large_actions)
    assert {(a.country_id, a.template_id) for a in comparison["only_second"]} == large_actions - small_actions
    assert comparison["value_change"] == pytest.approx(large.outcome["value"] - small.outcome["value"])
    assert comparison["value_change"] >= 0  # more money never buys less
    page = response.content.decode()
    assert f"{comparison['both']} actions are in both" in page
    # A plan compared with itself is refused beside the field.
    same = client.get(f"/plans/compare/?first={small.pk}&second={small.pk}")
    assert same.status_code == 400 and "second" in same.context["form"].errors

    workbook = client.get(f"/plans/{large.pk}/export/")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    book = tablib.Databook().load(workbook.content, format="xlsx")
    sheets = {sheet.title: sheet for sheet in book.sheets()}
    assert set(sheets) == {"Actions", "Pools", "Regions"}
    assert sheets["Actions"].height == len(large_actions)
    assert sum(sheets["Actions"]["Cost (JPY)"]) == sum(
        large.actions.filter(chosen=True).values_list("cost_jpy", flat=True)
    )
    assert sheets["Pools"][0][0] == "JPO budget"
