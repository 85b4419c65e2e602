"""Plans through the database: the shipped catalogue, candidates that respect the independence ladder, computed
plans within every constraint, infeasible ones explained, and bad constraints refused by field."""

import math
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import RestrictedError

from plans.models import (
    ALMOST_ALWAYS,
    RARELY,
    ROBUST_SAMPLES,
    ActionRule,
    ActionTemplate,
    Commitment,
    FundingPool,
    Plan,
    PlanStatus,
    RegionLimit,
)
from plans.services import ladder_reached, plan_candidates, plan_compute
from priorities.models import AreaResult
from programs.models import ActivityKind, AreaAssessment, CooperationProgram, ReportStatus
from tests.priorities.test_api import computed_run, seed

pytestmark = pytest.mark.django_db
ALL_KINDS = list(ActivityKind.values)


@pytest.fixture
def run():
    seed(reports=120, needs=60, countries=20)
    return computed_run(publish=True)


def new_plan(run, *, budget=300_000_000, days=400, samples=0, **fields) -> Plan:
    plan = Plan.objects.create(
        name="FY2027", fiscal_year=2027, run=run, total_expert_days=days, samples=samples, **fields
    )
    FundingPool.objects.create(plan=plan, code="jpo", name="JPO budget", limit_jpy=budget, kinds=ALL_KINDS)
    return plan


def test_another_plans_pool_cannot_pay_a_commitment(run):
    plan, other = new_plan(run), new_plan(run)
    program = CooperationProgram.objects.filter(status="ongoing").first()
    Commitment.objects.create(plan=plan, program=program, pool=other.pools.get(), amount_jpy=1)
    with pytest.raises(ValidationError) as refused:
        plan_compute(plan=plan)
    assert "commitments" in refused.value.message_dict


def test_the_reference_data_brings_the_demo_catalogue():
    templates = ActionTemplate.objects.select_related("area__stakeholder_group")
    assert templates.count() == 60
    for template in templates:
        # The catalogue's documented rule: a bigger action does more, less than in proportion to its cost.
        assert template.effect == Decimal(str(round(math.sqrt(template.cost_jpy / 3_000_000), 1)))
        if template.area.code == "south_south":
            assert template.required_stage == 2
        elif template.area.stakeholder_group.code == "ip_office":
            assert template.required_stage is None
        else:
            assert template.required_stage == 1


def test_a_plan_never_offers_an_action_before_the_country_reached_its_rung(run):
    plan = new_plan(run, budget=10_000_000_000, days=100_000)
    reached = ladder_reached()
    candidates, keys = plan_candidates(plan)
    required = dict(ActionTemplate.objects.values_list("pk", "required_stage"))
    assert candidates
    assert all((required[template] or 0) <= reached.get(iso3, 0) for iso3, template in keys)
    # Some country's South-South actions are held back, and some country's are offered.
    south_south = set(ActionTemplate.objects.filter(area__code="south_south").values_list("pk", flat=True))
    offered_south_south = {iso3 for iso3, template in keys if template in south_south}
    scored = {iso3 for iso3, _template in keys}
    assert offered_south_south and scored - offered_south_south
    plan = plan_compute(plan=plan)
    assert plan.status == PlanStatus.SUCCEEDED
    for action in plan.actions.select_related("template"):
        assert (action.template.required_stage or 0) <= reached.get(action.country_id, 0)


def test_an_actions_value_is_its_templates_effect_times_the_pairs_score(run):
    plan = new_plan(run, discount_by_evidence=False)
    seminar = ActionTemplate.objects.get(code="patent-examination-seminar")
    course = ActionTemplate.objects.get(code="patent-examination-training-course")
    ActionTemplate.objects.filter(pk=seminar.pk).update(effect=Decimal("1.00"))
    ActionTemplate.objects.filter(pk=course.pk).update(effect=Decimal("2.50"))
    candidates, keys = plan_candidates(plan)
    value = {key: candidate.value for key, candidate in zip(keys, candidates, strict=True)}
    scores = dict(
        AreaResult.objects.filter(run=run, area=seminar.area, score__isnull=False).values_list("country", "score")
    )
    assert scores
    for country, score in scores.items():
        assert value[(country, seminar.pk)] == pytest.approx(score)
        assert value[(country, course.pk)] == pytest.approx(2.5 * score)
    digest = plan_compute(plan=plan).inputs["templates_digest"]
    ActionTemplate.objects.filter(pk=course.pk).update(effect=Decimal("2.40"))
    assert plan_compute(plan=plan).inputs["templates_digest"] != digest


def test_a_computed_plan_keeps_every_constraint_and_records_its_inputs(run):
    plan = new_plan(run, budget=120_000_000, days=150, max_countries=4)
    FundingPool.objects.create(plan=plan, code="wipo", name="WIPO FIT Japan", limit_jpy=30_000_000, kinds=["seminar"])
    program = CooperationProgram.objects.filter(status="ongoing").first()
    Commitment.objects.create(
        plan=plan, program=program, pool=plan.pools.get(code="jpo"), amount_jpy=20_000_000, expert_days=30
    )
    plan = plan_compute(plan=plan)
    assert plan.status == PlanStatus.SUCCEEDED
    actions = list(plan.actions.select_related("pool"))
    assert actions and all(action.chosen for action in actions)
    jpo = sum(action.cost_jpy for action in actions if action.pool.code == "jpo")
    wipo = sum(action.cost_jpy for action in actions if action.pool.code == "wipo")
    assert jpo <= 100_000_000 and wipo <= 30_000_000  # the commitment came first
    assert all(action.template.kind == "seminar" for action in actions if action.pool.code == "wipo")
    assert sum(action.expert_days for action in actions) <= 120
    assert len({action.country_id for action in actions}) <= 4
    assert plan.outcome["pool_used_jpy"] == {"jpo": jpo, "wipo": wipo}
    assert plan.inputs["run"] == run.pk and plan.inputs["solver"].startswith("HiGHS")
    assert plan.inputs["pools"][0] == {"code": "jpo", "left_jpy": 100_000_000, "kinds": sorted(ALL_KINDS)}
    # The same inputs give the same plan.
    again = plan_compute(plan=plan)
    assert sorted(again.actions.values_list("country", "template")) == sorted(
        (a.country_id, a.template_id) for a in actions
    )
    # A pool that paid for chosen actions stays while the plan does; the plan goes with all it holds.
    with pytest.raises(RestrictedError):
        plan.pools.get(code="wipo").delete()
    plan.delete()
    assert not FundingPool.objects.filter(plan_id=again.pk).exists()


def test_must_include_and_must_exclude_rules_are_kept(run):
    plan = new_plan(run)
    computed = plan_compute(plan=plan)
    chosen_before = set(computed.actions.values_list("country", "template"))
    first = computed.actions.order_by("-value").first()
    ActionRule.objects.create(plan=plan, country=first.country, template=first.template, rule="exclude")
    _candidates, keys = plan_candidates(plan)
    unchosen = next(key for key in keys if key not in chosen_before)
    ActionRule.objects.create(plan=plan, country_id=unchosen[0], template_id=unchosen[1], rule="include")
    plan = plan_compute(plan=plan)
    chosen = set(plan.actions.values_list("country", "template"))
    assert (first.country_id, first.template_id) not in chosen
    assert unchosen in chosen


def test_an_infeasible_plan_says_which_constraints_conflict(run):
    plan = new_plan(run, budget=10_000_000)
    RegionLimit.objects.create(plan=plan, region="Asia", minimum_jpy=50_000_000)
    plan = plan_compute(plan=plan)
    assert plan.status == PlanStatus.INFEASIBLE
    assert sorted(plan.outcome["conflicts"]) == ["pool:jpo", "region_minimum:Asia"]
    assert not plan.actions.exists()


def test_insisting_on_an_action_the_ladder_does_not_offer_is_explained(run):
    plan = new_plan(run)
    reached = ladder_reached()
    template = ActionTemplate.objects.get(code="south-south-seminar")
    iso3 = next(iso3 for iso3 in run.results.values_list("country", flat=True) if reached.get(iso3, 0) < 2)
    ActionRule.objects.create(plan=plan, country_id=iso3, template=template, rule="include")
    plan = plan_compute(plan=plan)
    assert plan.status == PlanStatus.INFEASIBLE
    assert plan.outcome["conflicts"] == [f"not_offered:south-south-seminar — {iso3}"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda plan: FundingPool.objects.filter(plan=plan).update(kinds=["banquet"]), "pools"),
    ],
)
def test_bad_constraints_are_refused_by_field_and_change_nothing(run, change, field):
    plan = plan_compute(plan=new_plan(run))
    before = (plan.status, sorted(plan.actions.values_list("pk", flat=True)), plan.outcome)
    change(plan)
    with pytest.raises(ValidationError) as refused:
        plan_compute(plan=plan)
    assert field in refused.value.message_dict
    plan.refresh_from_db()
    assert (plan.status, sorted(plan.actions.values_list("pk", flat=True)), plan.outcome) == before


def test_a_plan_without_a_pool_is_refused(run):
    plan = Plan.objects.create(name="FY2027", fiscal_year=2027, run=run, total_expert_days=10)
    with pytest.raises(ValidationError) as refused:
        plan_compute(plan=plan)
    assert "pools" in refused.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.computed_at is None


def test_a_negative_budget_or_a_minimum_above_the_maximum_is_refused(run):
    plan = new_plan(run)
    with pytest.raises(ValidationError) as refused:
        FundingPool(plan=plan, code="fit", name="FIT", limit_jpy=-1, kinds=ALL_KINDS).full_clean()
    assert "limit_jpy" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        RegionLimit(plan=plan, region="Asia", minimum_jpy=9, maximum_jpy=3).full_clean()
    assert "The minimum is above the maximum." in refused.value.messages


def test_the_plan_command_prints_the_plan_id_last(run):
    plan = new_plan(run)
    out = StringIO()
    call_command("plan", "--run", str(run.pk), "--year", "2027", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == str(plan.pk)
    assert lines[0].startswith(f"Plan {plan.pk} (FY2027): ")


def test_a_robust_plan_records_how_often_each_action_is_chosen_across_the_runs_samples(run):
    plan = plan_compute(plan=new_plan(run, budget=60_000_000, days=120, samples=ROBUST_SAMPLES))
    assert plan.status == PlanStatus.SUCCEEDED
    robust = plan.outcome["robust"]
    assert robust["samples"] == ROBUST_SAMPLES
    actions = list(plan.actions.all())
    chosen = [action for action in actions if action.chosen]
    assert chosen and all(0.0 <= action.probability <= 1.0 for action in actions)
    # What the samples' plans chose besides the plan is kept, with its share; nothing no sample chose.
    assert all(action.probability > 0 for action in actions if not action.chosen)
    shares = [action.probability for action in actions]
    assert robust["almost_always"] == sum(share >= ALMOST_ALWAYS for share in shares)
    assert robust["on_the_edge"] == sum(RARELY < share < ALMOST_ALWAYS for share in shares)
    # Each sample's plan starts from this one, so it is worth at least as much there: the regret is not negative.
    assert robust["regret"] >= 0 and robust["regret_p90"] >= 0
    # What the best possible plans could gain bounds what the samples' plans found gain.
    assert robust["regret_at_most"] >= robust["regret"] - 1e-9
    assert robust["expected_value"] > 0
    # The same inputs draw the same samples and give the same shares.
    again = plan_compute(plan=plan)
    assert sorted(again.actions.values_list("country", "template", "probability")) == sorted(
        (action.country_id, action.template_id, action.probability) for action in actions
    )


def test_a_robust_plan_over_evidence_changed_since_the_run_is_refused_with_the_reason(run):
    assessment = AreaAssessment.objects.filter(report__status=ReportStatus.REVIEWED).first()
    assessment.need_level = 6 - assessment.need_level if assessment.need_level != 3 else 5
    assessment.save()
    plan = plan_compute(plan=new_plan(run, budget=60_000_000, days=120, samples=ROBUST_SAMPLES))
    assert plan.status == PlanStatus.SUCCEEDED
    assert "evidence has changed" in plan.outcome["robust"]["refused"]
    assert all(action.chosen and action.probability is None for action in plan.actions.all())
