"""Writes to plans: the demo catalogue and imports into it, checking a plan's constraints, and computing a plan."""

import csv
import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hipoc.queue import enqueue_on_commit
from priorities.models import AreaResult, RunStatus
from priorities.services.runs import RunEvidenceChanged, ranking_run_samples
from programs.models import (
    ActivityKind,
    CooperationActivity,
    CooperationArea,
    CooperationProgram,
    ProgramStatus,
    ProgramType,
)
from programs.services import ImportOutcome, ProgramFields, program_create, rows_import

from . import optimize
from .models import ALMOST_ALWAYS, RARELY, ActionRule, ActionTemplate, Plan, PlannedAction, PlanStatus

DATA_DIR = Path(__file__).resolve().parent / "data"
# A worker stops a plan's computation after the soft limit (the plan is marked failed) and kills it a minute later.
PLAN_SOFT_TIME_LIMIT_SECONDS = 15 * 60
PLAN_TIME_LIMIT_SECONDS = PLAN_SOFT_TIME_LIMIT_SECONDS + 60
# A plan still queued or computing this long after the hard limit has no worker left to finish it.
ABANDONED_MARGIN_SECONDS = 300


@transaction.atomic
def action_templates_load() -> int:
    """Add the demo catalogue's templates that are missing (staff's own edits are kept); the number there are."""
    areas = {area.code: area for area in CooperationArea.objects.all()}
    existing = set(ActionTemplate.objects.values_list("code", flat=True))
    with (DATA_DIR / "action_templates.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["code"] not in existing and row["area"] in areas]
    taken = set(ActionTemplate.objects.values_list("area__code", "kind"))
    ActionTemplate.objects.bulk_create(
        ActionTemplate(
            code=row["code"],
            name=row["name"],
            name_ja=row["name_ja"],
            area=areas[row["area"]],
            kind=row["kind"],
            cost_jpy=int(row["cost_jpy"]),
            expert_days=int(row["expert_days"]),
            duration_days=int(row["duration_days"]),
            effect=Decimal(row["effect"]),
            required_stage=int(row["required_stage"]) if row["required_stage"] else None,
        )
        for row in rows
        if (row["area"], row["kind"]) not in taken
    )
    return ActionTemplate.objects.count()


def ladder_reached() -> dict[str, int]:
    """Per country, the highest rung an ongoing or completed program has reached (as the country page says)."""
    counted = CooperationProgram.objects.filter(status__in=[ProgramStatus.ONGOING, ProgramStatus.COMPLETED])
    return dict(counted.values("countries").annotate(reached=Max("stage")).values_list("countries", "reached"))


def plan_check(*, plan: Plan) -> None:
    """Refuse, by field, constraints no plan could be computed from; changes nothing."""
    errors: dict[str, list[str]] = {}
    if plan.run.status != RunStatus.SUCCEEDED or plan.run.published_at is None:
        errors.setdefault("run", []).append(_("Plan over a published ranking run."))
    pools = list(plan.pools.all())
    if not pools:
        errors.setdefault("pools", []).append(_("Give at least one funding pool."))
    for pool in pools:
        unknown = sorted(set(pool.kinds) - set(ActivityKind.values))
        if unknown or not pool.kinds:
            errors.setdefault("pools", []).append(
                _("%(pool)s: name the action kinds it funds, from %(kinds)s.")
                % {"pool": pool.code, "kinds": ", ".join(ActivityKind.values)}
            )
    pool_ids = {pool.pk for pool in pools}
    for commitment in plan.commitments.all():
        if commitment.pool_id not in pool_ids:
            errors.setdefault("commitments", []).append(_("A commitment names a pool of another plan."))
    if errors:
        raise ValidationError(errors)


def _value(result: AreaResult, discount: bool) -> float:
    """What working on a (country, area) pair is worth: its score, shrunk where little evidence stands behind it."""
    score = cast(float, result.score)  # candidates come from scored pairs only
    if not discount:
        return score
    amount = float((result.evidence or {}).get("amount", 0.0))
    return score * amount / (amount + 1.0)


def plan_candidates(plan: Plan) -> tuple[list[optimize.Candidate], list[tuple[str, int]]]:
    """Every action the plan may choose: each active template in each country the run scored in its area, where
    the country has reached the rung the template needs. With the (country, template id) of each."""
    reached = ladder_reached()
    templates: dict[int, list[ActionTemplate]] = {}
    for template in ActionTemplate.objects.filter(is_active=True).order_by("code"):
        templates.setdefault(template.area_id, []).append(template)
    results = (
        AreaResult.objects.filter(run=plan.run, score__isnull=False)
        .select_related("country")
        .only("score", "evidence", "area_id", "country__iso3", "country__region")
        .order_by("country_id", "area_id")
    )
    candidates, keys = [], []
    for result in results:
        value = _value(result, plan.discount_by_evidence)
        for template in templates.get(result.area_id, []):
            if template.required_stage and reached.get(result.country_id, 0) < template.required_stage:
                continue
            candidates.append(
                optimize.Candidate(
                    country=result.country_id,
                    region=result.country.region,
                    template=template.code,
                    kind=template.kind,
                    value=value * float(template.effect),
                    cost=template.cost_jpy,
                    expert_days=template.expert_days,
                )
            )
            keys.append((result.country_id, template.pk))
    return candidates, keys


def plan_constraints(plan: Plan, keys: list[tuple[str, int]]) -> optimize.Constraints:
    """The plan's constraints for the solver, with the continuing programs' costs and days set aside first."""
    committed: dict[int, int] = {}
    committed_days = 0
    for commitment in plan.commitments.all():
        committed[commitment.pool_id] = committed.get(commitment.pool_id, 0) + commitment.amount_jpy
        committed_days += commitment.expert_days
    position = {key: k for k, key in enumerate(keys)}
    rules: dict[str, set[int]] = {"include": set(), "exclude": set()}
    for rule in plan.rules.all():
        at = position.get((rule.country_id, rule.template_id))
        if at is not None:
            rules[rule.rule].add(at)
    return optimize.Constraints(
        pools=tuple(
            optimize.Pool(code=pool.code, limit=pool.limit_jpy - committed.get(pool.pk, 0), kinds=frozenset(pool.kinds))
            for pool in plan.pools.order_by("code")
        ),
        expert_days=plan.total_expert_days - committed_days,
        max_countries=plan.max_countries,
        region_limits=tuple(
            optimize.RegionLimit(region=limit.region, minimum=limit.minimum_jpy, maximum=limit.maximum_jpy)
            for limit in plan.region_limits.order_by("region")
        ),
        include=frozenset(rules["include"]),
        exclude=frozenset(rules["exclude"]),
    )


def _unmatched_includes(plan: Plan, keys: list[tuple[str, int]]) -> list[str]:
    """Actions the planner insists on that are not candidates (the country lacks the rung, or the run no score)."""
    known = set(keys)
    return [
        f"{rule.template.code} — {rule.country_id}"
        for rule in plan.rules.filter(rule=ActionRule.Rule.INCLUDE).select_related("template")
        if (rule.country_id, rule.template_id) not in known
    ]


def _inputs(plan: Plan, candidates: list[optimize.Candidate], constraints: optimize.Constraints) -> dict[str, Any]:
    """What the plan was computed from, so that it can be recomputed and checked."""
    catalogue = list(
        ActionTemplate.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", "area__code", "kind", "cost_jpy", "expert_days", "effect", "required_stage")
    )
    return {
        "run": plan.run_id,
        "run_inputs_digest": plan.run.inputs_digest,
        "templates_digest": hashlib.sha256(json.dumps(catalogue, default=str).encode()).hexdigest(),
        "candidates": len(candidates),
        "pools": [{"code": p.code, "left_jpy": p.limit, "kinds": sorted(p.kinds)} for p in constraints.pools],
        "expert_days_left": constraints.expert_days,
        "max_countries": constraints.max_countries,
        "region_limits": [
            {"region": r.region, "minimum_jpy": r.minimum, "maximum_jpy": r.maximum} for r in constraints.region_limits
        ],
        "include": len(constraints.include),
        "exclude": len(constraints.exclude),
        "discount_by_evidence": plan.discount_by_evidence,
        "solver": optimize.SOLVER,
        "relative_gap": optimize.RELATIVE_GAP,
        "time_limit_seconds": optimize.TIME_LIMIT_SECONDS,
        "core_size": optimize.CORE_SIZE,
        "sample_time_limit_seconds": optimize.SAMPLE_TIME_LIMIT_SECONDS,
        "seed": plan.seed,
        "samples": plan.samples,
        "sample_seed": plan.run.seed,
    }


def _named(conflict: str, candidates: list[optimize.Candidate]) -> str:
    """A conflict as stored: an insisted-on action by its template and country, not its position among candidates."""
    kind, _sep, position = conflict.partition(":")
    if kind != "include":
        return conflict
    candidate = candidates[int(position)]
    return f"include:{candidate.template} — {candidate.country}"


COMPUTE_TASK = "plans.compute_plan"


def _progress(plan: Plan, percent: int) -> None:
    Plan.objects.filter(pk=plan.pk).update(progress=percent)


def plan_compute_request(*, plan: Plan) -> Plan:
    """Queue the plan for the workers once its constraints pass the checks (refused by field otherwise)."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("run").get(pk=plan.pk)
        plan_check(plan=plan)
        plan.status, plan.progress, plan.error = PlanStatus.QUEUED, 0, ""
        plan.requested_at, plan.started_at = timezone.now(), None
        plan.save(update_fields=["status", "progress", "error", "requested_at", "started_at"])
        enqueue_on_commit(
            COMPUTE_TASK,
            plan.pk,
            on_failure=lambda error: plan_fail(plan_id=plan.pk, error=f"The task queue could not be reached: {error}"),
        )
    return plan


def plan_fail(*, plan_id: int, error: str) -> None:
    Plan.objects.filter(pk=plan_id).update(status=PlanStatus.FAILED, error=error[:2000], progress=100)


def plans_fail_abandoned() -> int:
    """Mark failed the plans no worker finished within the time a computation may take (a worker killed at the hard
    limit or lost, or a task the broker lost), so that staff can compute them again. Returns how many there were."""
    limit = timezone.now() - timedelta(seconds=PLAN_TIME_LIMIT_SECONDS + ABANDONED_MARGIN_SECONDS)
    waiting = Q(status=PlanStatus.QUEUED) & (Q(requested_at__lt=limit) | Q(requested_at__isnull=True))
    computing = Q(status=PlanStatus.RUNNING) & (Q(started_at__lt=limit) | Q(started_at__isnull=True))
    return (
        Plan.objects.filter(waiting | computing)
        .filter(created_at__lt=limit)
        .update(
            status=PlanStatus.FAILED,
            error="No worker finished computing this plan in time; it was given up. Compute it again.",
            progress=100,
        )
    )


def plan_compute(*, plan: Plan) -> Plan:
    """Solve the plan and store what it chose (or why nothing can be chosen); the constraints are checked first.
    The solver runs outside any transaction, so that the plan's progress can be read meanwhile."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("run").get(pk=plan.pk)
        plan_check(plan=plan)
        plan.status, plan.progress, plan.started_at = PlanStatus.RUNNING, 5, timezone.now()
        plan.save(update_fields=["status", "progress", "started_at"])
    candidates, keys = plan_candidates(plan)
    constraints = plan_constraints(plan, keys)
    plan.inputs = _inputs(plan, candidates, constraints)
    _progress(plan, 20)
    unmatched = _unmatched_includes(plan, keys)
    solution, outcome = None, {}
    if unmatched:
        plan.status = PlanStatus.INFEASIBLE
        outcome = {"conflicts": [f"not_offered:{action}" for action in unmatched], "each_alone": True}
    else:
        try:
            solution = optimize.solve(candidates, constraints)
            _progress(plan, 60)
            if not solution.feasible:
                conflicts, alone = optimize.explain(candidates, constraints)
                plan.status = PlanStatus.INFEASIBLE
                outcome = {"conflicts": [_named(name, candidates) for name in conflicts], "each_alone": alone}
        except (optimize.SolverTimeout, optimize.UnsplittableFunding) as stopped:
            solution, plan.status, plan.error = None, PlanStatus.FAILED, str(stopped)
    shares: dict[int, float] | None = None
    if solution is not None and solution.feasible:
        plan.status, plan.error = PlanStatus.SUCCEEDED, ""
        robust: dict[str, Any] = {}
        curve = _frontier(plan, candidates, constraints, solution)
        if plan.samples:
            try:
                shares, robust = _robust(plan, candidates, keys, constraints, solution)
            except RunEvidenceChanged as changed:
                robust = {"refused": changed.message}
            except (optimize.SolverTimeout, optimize.UnsplittableFunding) as stopped:
                # The plan stands; only its reading under the samples is missing.
                robust = {"refused": str(stopped)}
        outcome = {
            "value": solution.value,
            "pool_used_jpy": solution.pool_used,
            "expert_days_used": solution.expert_days_used,
            "countries": len({keys[position][0] for position in solution.chosen}),
            # How far below the best possible value the plan may be: 0 when proven optimal.
            "gap": solution.gap,
            "stopped_early": solution.stopped_early,
            "conflicts": [],
            "robust": robust,
            "frontier": curve,
        }
    with transaction.atomic():
        plan.actions.all().delete()
        if plan.status == PlanStatus.SUCCEEDED:
            assert solution is not None  # noqa: S101 - narrows the type for mypy
            _store_actions(plan, candidates, keys, solution, shares)
        plan.outcome = outcome
        plan.computed_at = timezone.now()
        plan.progress = 100
        plan.save()
    return plan


def _frontier(
    plan: Plan,
    candidates: list[optimize.Candidate],
    constraints: optimize.Constraints,
    solution: optimize.Solution,
) -> dict[str, Any]:
    """What less or more money would buy: the best value with every pool's limit scaled, as (money, spent, value)
    points with the plan's own, and the greedy value-per-yen plan's point beside it."""
    money = sum(pool.limit for pool in constraints.pools)
    points = [{"scale": 1.0, "money_jpy": money, "cost_jpy": sum(solution.pool_used.values()), "value": solution.value}]
    for scale, found in optimize.frontier(candidates, constraints):
        points.append(
            {
                "scale": scale,
                "money_jpy": int(money * scale),
                "cost_jpy": sum(found.pool_used.values()),
                "value": found.value,
            }
        )
    _progress(plan, 65)
    baseline = optimize.greedy(candidates, constraints)
    return {
        "points": sorted(points, key=lambda point: point["scale"]),
        "greedy": {"cost_jpy": sum(baseline.pool_used.values()), "value": baseline.value}
        if baseline.feasible
        else None,
    }


def _sample_values(plan: Plan, candidates: list[optimize.Candidate], keys: list[tuple[str, int]]) -> np.ndarray:
    """Each candidate's value under each of the run's Monte Carlo samples (samples × candidates): its pair's sampled
    score, discounted by evidence as its nominal value is."""
    drawn = ranking_run_samples(run=plan.run, samples=plan.samples)
    column = {pair: k for k, pair in enumerate(drawn.pairs)}
    area_of = dict(ActionTemplate.objects.values_list("pk", "area__code"))
    nominal_score = {
        (iso3, code): score
        for iso3, code, score in AreaResult.objects.filter(run=plan.run, score__isnull=False).values_list(
            "country_id", "area__code", "score"
        )
    }
    values = np.zeros((drawn.scores.shape[0], len(candidates)))
    for position, (iso3, template_id) in enumerate(keys):
        pair = (iso3, area_of[template_id])
        score = nominal_score[pair]
        # The evidence discount is a factor of the pair, the same in every sample.
        factor = candidates[position].value / score if score else 0.0
        values[:, position] = np.nan_to_num(drawn.scores[:, column[pair]]) * factor
    return values


def _robust(
    plan: Plan,
    candidates: list[optimize.Candidate],
    keys: list[tuple[str, int]],
    constraints: optimize.Constraints,
    solution: optimize.Solution,
) -> tuple[dict[int, float], dict[str, Any]]:
    """The plan solved again under each of the run's samples, from the plan itself (which meets every constraint
    whatever the values): each candidate's share of the samples choosing it, and the plan's regret — how much
    more each sample's own plan is worth under that sample's values, on average."""
    values = _sample_values(plan, candidates, keys)
    _progress(plan, 70)
    found = optimize.solve_samples(
        candidates,
        constraints,
        values,
        solution,
        progress=lambda done: _progress(plan, 70 + int(25 * done)),
    )
    chosen = np.zeros(len(candidates))
    for sample in found:
        chosen[list(sample.chosen)] += 1
    shares = {int(position): float(chosen[position] / len(found)) for position in np.flatnonzero(chosen)}
    plan_positions = list(solution.chosen)
    kept = values[:, plan_positions].sum(axis=1)
    regret = np.array([sample.value for sample in found]) - kept
    bounds = [sample.bound for sample in found]
    expected = float(kept.mean())
    share = np.array(list(shares.values()))
    return shares, {
        "samples": len(found),
        "expected_value": expected,
        "regret": float(regret.mean()),
        "regret_share": float(regret.mean() / expected) if expected else 0.0,
        "regret_p90": float(np.quantile(regret, 0.9)),
        # The most the best possible plan of each sample could gain over this one, on average, as the solver proved.
        "regret_at_most": float(np.mean(np.array(bounds, dtype=float) - kept)) if None not in bounds else None,
        "almost_always": int((share >= ALMOST_ALWAYS).sum()),
        "on_the_edge": int(((share > RARELY) & (share < ALMOST_ALWAYS)).sum()),
        "samples_stopped_early": sum(sample.stopped_early for sample in found),
        "sample_time_limit": optimize.SAMPLE_TIME_LIMIT_SECONDS,
    }


def _store_actions(
    plan: Plan,
    candidates: list[optimize.Candidate],
    keys: list[tuple[str, int]],
    solution: optimize.Solution,
    shares: dict[int, float] | None,
) -> None:
    """The chosen actions, and those only some samples' plans chose, with the share of samples choosing each (None
    when the plan was not solved under the samples)."""
    pools = {pool.code: pool for pool in plan.pools.all()}
    PlannedAction.objects.bulk_create(
        PlannedAction(
            plan=plan,
            country_id=keys[position][0],
            template_id=keys[position][1],
            value=candidates[position].value,
            cost_jpy=candidates[position].cost,
            expert_days=candidates[position].expert_days,
            pool=pools[solution.chosen[position]] if position in solution.chosen else None,
            chosen=position in solution.chosen,
            probability=None if shares is None else shares.get(position, 0.0),
        )
        for position in sorted(set(solution.chosen) | set(shares or {}))
    )


def action_templates_import(*, dataset, commit: bool) -> ImportOutcome:
    """Add or update catalogue templates from a tablib dataset (keyed by code): every row is checked first, and
    nothing is written unless all pass."""
    from .resources import ActionTemplateResource

    with transaction.atomic():
        return rows_import(ActionTemplateResource(), dataset, commit=commit)[0]


def fiscal_year_start(year: int) -> date:
    """The first day of a Japanese fiscal year (FY2027 runs from 1 April 2027 to 31 March 2028)."""
    return date(year, 4, 1)


def plan_programs_pending(plan: Plan) -> list[PlannedAction]:
    """The chosen actions of a solved plan not yet made into programs."""
    if plan.status != PlanStatus.SUCCEEDED:
        return []
    return list(
        plan.actions.filter(chosen=True, program__isnull=True)
        .select_related("country", "template__area__stakeholder_group", "pool")
        .order_by("country__name", "template__code")
    )


@transaction.atomic
def plan_programs_create(*, plan: Plan) -> list[CooperationProgram]:
    """Make each chosen action not yet made into one a planned program in its country and area, starting with the
    plan's fiscal year, with its cost as budget, the rung it works on as stage and the action as its activity.
    Refused unless the plan is solved; an action already made into a program is left alone."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.SUCCEEDED:
        raise ValidationError(_("Only a solved plan's actions can become programs."))
    start = fiscal_year_start(plan.fiscal_year)
    made = []
    for action in plan_programs_pending(plan):
        template = action.template
        end = start + timedelta(days=template.duration_days - 1)
        title = f"{template.local_name} — {action.country.local_name} (FY{plan.fiscal_year})"[:200]
        program = program_create(
            fields=ProgramFields(
                title=title,
                description=_("From the cooperation plan “%(plan)s”, paid from %(pool)s.")
                % {"plan": plan.name, "pool": action.pool.name if action.pool else "—"},
                program_type=ProgramType.TECHNICAL_COOPERATION,
                status=ProgramStatus.PLANNED,
                start_date=start,
                end_date=end,
                stage=template.area_rung,
                budget_jpy=action.cost_jpy,
                countries=[action.country],
                areas=[template.area],
                stakeholder_groups=[template.area.stakeholder_group],
            )
        )
        CooperationActivity.objects.create(
            program=program,
            kind=template.kind,
            title=template.local_name[:200],
            country=action.country,
            area=template.area,
            start_date=start,
            end_date=end,
        )
        action.program = program
        action.save(update_fields=["program"])
        made.append(program)
    return made
