"""Reads for the plan pages: a computed plan summed up by pool, region, country and rung of the ladder."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from countries.models import region_label
from programs.models import ActivityKind, Stage

from .models import ALMOST_ALWAYS, RARELY, ActionRule, ActionTemplate, FundingPool, Plan, PlannedAction, PlanStatus
from .services import ladder_reached


def action_templates_listed() -> QuerySet[ActionTemplate]:
    return ActionTemplate.objects.select_related("area").order_by("area__position", "kind", "code")


def plans_listed() -> QuerySet[Plan]:
    return Plan.objects.select_related("run", "run__profile").order_by("-fiscal_year", "-created_at")


def conflict_label(name: str, pools: dict[str, FundingPool]) -> str:
    """A conflicting constraint as the planner reads it (`pool:jpo` → "the limit of JPO budget")."""
    kind, _sep, subject = name.partition(":")
    if kind == "pool":
        pool = pools.get(subject)
        return _("the limit of %(pool)s") % {"pool": pool.name if pool else subject}
    if kind == "expert_days":
        return _("the expert-days available")
    if kind == "max_countries":
        return _("the largest number of countries")
    if kind == "region_minimum":
        return _("the minimum for %(region)s") % {"region": region_label(subject)}
    if kind == "region_maximum":
        return _("the maximum for %(region)s") % {"region": region_label(subject)}
    if kind == "include":
        return _("the action insisted on: %(action)s") % {"action": subject}
    if kind == "not_offered":
        return _(
            "the action insisted on, which the country's rung on the ladder or the run does not offer: %(action)s"
        ) % {"action": subject}
    return name


def _efficient(points: Iterable[dict[str, float]]) -> list[dict[str, float]]:
    """The points no other beats (spending as little for as much), in order of what each plan spends. A plan given
    more money may spend less than one given less (its pools split differently, or the experts' days bind) and still
    buy more; the plan it beats stays in the table but not on the frontier, which so only rises left to right."""
    frontier: list[dict[str, float]] = []
    for point in sorted(points, key=lambda point: (point["x"], -point["y"])):
        if not frontier or point["y"] > frontier[-1]["y"]:
            frontier.append(point)
    return frontier


def plan_summary(plan: Plan) -> dict[str, Any]:
    """What the plan page shows: each pool's limit, commitments and use; the chosen actions; where the money goes
    by region; and the rungs of the ladder the plan works on in each country."""
    pools = {pool.code: pool for pool in plan.pools.all()}
    committed: dict[int, int] = defaultdict(int)
    committed_days = 0
    for commitment in plan.commitments.all():
        committed[commitment.pool_id] += commitment.amount_jpy
        committed_days += commitment.expert_days
    used = (plan.outcome or {}).get("pool_used_jpy", {})
    pool_rows = [
        {
            "pool": pool,
            "kinds": [str(ActivityKind(kind).label) for kind in pool.kinds if kind in ActivityKind.values],
            "committed": committed[pool.pk],
            "chosen": used.get(code, 0),
            "left": pool.limit_jpy - committed[pool.pk] - used.get(code, 0),
        }
        for code, pool in sorted(pools.items())
    ]
    actions = list(
        PlannedAction.objects.filter(plan=plan, chosen=True)
        .select_related("country", "template__area__stakeholder_group", "pool")
        .order_by("country__name", "-value")
    )
    regions: dict[str, dict[str, Any]] = {}
    countries: dict[str, dict[str, Any]] = {}
    reached = ladder_reached()
    for action in actions:
        region = regions.setdefault(
            action.country.region, {"region": action.country.region_label, "cost": 0, "actions": 0}
        )
        region["cost"] += action.cost_jpy
        region["actions"] += 1
        row = countries.setdefault(
            action.country_id,
            {"country": action.country, "reached": reached.get(action.country_id), "rungs": set(), "cost": 0},
        )
        row["rungs"].add(action.template.area_rung)
        row["cost"] += action.cost_jpy
    for row in countries.values():
        row["rungs"] = [Stage(rung).label for rung in sorted(row["rungs"])]
        row["reached"] = Stage(row["reached"]).label if row["reached"] else None
    days_used = (plan.outcome or {}).get("expert_days_used", 0)
    on_the_edge = list(
        PlannedAction.objects.filter(plan=plan, probability__gt=RARELY, probability__lt=ALMOST_ALWAYS)
        .select_related("country", "template")
        .order_by("-probability", "country__name")
    )
    curve = (plan.outcome or {}).get("frontier") or {}
    chart = None
    if curve.get("points"):
        # Millions of yen on the axis: the amounts are too long to read as ticks.
        chart = {
            "frontier": _efficient(
                {"x": point["cost_jpy"] / 1e6, "y": point["value"], "money": point["money_jpy"] / 1e6}
                for point in curve["points"]
            ),
            "plan": [
                {"x": point["cost_jpy"] / 1e6, "y": point["value"]}
                for point in curve["points"]
                if point["scale"] == 1.0
            ],
            "greedy": [{"x": curve["greedy"]["cost_jpy"] / 1e6, "y": curve["greedy"]["value"]}]
            if curve.get("greedy")
            else [],
        }
    return {
        "gap_percent": 100 * float((plan.outcome or {}).get("gap") or 0.0),
        "regret_percent": 100 * float(((plan.outcome or {}).get("robust") or {}).get("regret_share") or 0.0),
        "frontier": curve.get("points", []),
        "frontier_chart": chart,
        "robust": (plan.outcome or {}).get("robust") or {},
        "on_the_edge": on_the_edge,
        "pools": pool_rows,
        "committed_days": committed_days,
        "days_used": days_used,
        "days_left": plan.total_expert_days - committed_days - days_used,
        "actions": actions,
        "regions": sorted(regions.values(), key=lambda region: -region["cost"]),
        "countries": sorted(countries.values(), key=lambda row: -row["cost"]),
        "rules": list(ActionRule.objects.filter(plan=plan).select_related("country", "template")),
        "conflicts": [conflict_label(name, pools) for name in (plan.outcome or {}).get("conflicts", [])],
    }


def plans_comparable() -> QuerySet[Plan]:
    """The plans that chose actions, which a comparison can set side by side."""
    return plans_listed().filter(status=PlanStatus.SUCCEEDED)


def plan_comparison(first: Plan, second: Plan) -> dict[str, Any]:
    """Two solved plans side by side: totals, where the money goes by region, and which actions only one chose."""
    chosen = {
        plan.pk: {
            (action.country_id, action.template_id): action
            for action in PlannedAction.objects.filter(plan=plan, chosen=True).select_related("country", "template")
        }
        for plan in (first, second)
    }
    mine, theirs = chosen[first.pk], chosen[second.pk]

    def totals(plan: Plan, actions: dict) -> dict[str, Any]:
        outcome = plan.outcome or {}
        return {
            "value": outcome.get("value", 0.0),
            "cost": sum(action.cost_jpy for action in actions.values()),
            "expert_days": outcome.get("expert_days_used", 0),
            "countries": len({country for country, _template in actions}),
            "actions": len(actions),
        }

    regions: dict[str, dict[str, Any]] = {}
    for side, actions in (("first", mine), ("second", theirs)):
        for action in actions.values():
            row = regions.setdefault(
                action.country.region, {"region": action.country.region_label, "first": 0, "second": 0}
            )
            row[side] += action.cost_jpy

    def listed(keys: set, actions: dict) -> list[PlannedAction]:
        return sorted((actions[key] for key in keys), key=lambda action: (action.country.name, action.template.code))

    first_totals, second_totals = totals(first, mine), totals(second, theirs)
    return {
        "totals": {"first": first_totals, "second": second_totals},
        "value_change": second_totals["value"] - first_totals["value"],
        "cost_change": second_totals["cost"] - first_totals["cost"],
        "regions": sorted(regions.values(), key=lambda row: -(row["first"] + row["second"])),
        "only_first": listed(set(mine) - set(theirs), mine),
        "only_second": listed(set(theirs) - set(mine), theirs),
        "both": len(set(mine) & set(theirs)),
    }
