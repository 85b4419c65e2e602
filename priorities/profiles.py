"""From a weight profile to the criteria the engine scores: codes, weights and directions.

A profile weighs criterion *groups*: `policy` (split over the policy sources by the source weights),
`field.need`, `field.readiness`, `needs.stakeholder`, `history.continuity`, `history.stage`,
`context.<indicator>` for each context indicator the profile chose and `treaty.<code>` for each treaty whose
years of membership it scores. A profile may also weigh one source directly with `policy.<source>`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.models import Treaty

from .models import WeightProfile
from .profile_settings import (
    BUILT_IN_CRITERIA,
    DEFAULT_CRITERION_WEIGHTS,
    ESTIMATED_CRITERIA,
    FIELD_NEED,
    FIELD_READINESS,
    HISTORY_CONTINUITY,
    HISTORY_NEXT_STEP,
    HISTORY_STAGE,
    NEEDS_STAKEHOLDER,
    POLICY,
    TREATY_PREFIX,
    TREATY_YEARS_GOALPOST,
    ProfileSettings,
    WeightMethod,
)
from .scoring import BENEFIT, Criterion, ScoringError
from .scoring.engine import IDENTITY, LOG1P
from .scoring.weights import ahp_weights_checked, direct_weights, equal_weights

CRITERION_LABELS = {
    FIELD_NEED: gettext_lazy("Need assessed on mission"),
    FIELD_READINESS: gettext_lazy("Absorptive capacity and commitment"),
    NEEDS_STAKEHOLDER: gettext_lazy("Open stakeholder needs"),
    HISTORY_CONTINUITY: gettext_lazy("Cooperation to build on"),
    HISTORY_STAGE: gettext_lazy("Stage on the independence ladder"),
    HISTORY_NEXT_STEP: gettext_lazy("Next step on the ladder"),
}


# What a run's "contributions" are, by aggregation: only the arithmetic mean's add up to the score itself.
CONTRIBUTION_MEANING = {
    "wam": gettext_lazy("Each criterion's part of the score: they add up to the score."),
    "wgm": gettext_lazy(
        "Each criterion's part of the logarithm of the score (a geometric mean multiplies): they add up to ln(score)."
    ),
    "topsis": gettext_lazy(
        "How much lower the score would be with each criterion at its mean over the ranked pairs (TOPSIS is not a "
        "sum, so these do not add up; for a country, the mean over its top areas)."
    ),
}
CONTRIBUTION_AXIS = {
    "wam": gettext_lazy("Contribution"),
    "wgm": gettext_lazy("Contribution to ln(score)"),
    "topsis": gettext_lazy("Score change with the criterion at its mean"),
}


DRIVER_LABELS = {
    "normalization": gettext_lazy("the normalisation"),
    "aggregation": gettext_lazy("the aggregation"),
    "top_k_areas": gettext_lazy("the number of areas counted"),
    "recency_half_life_days": gettext_lazy("the half-life"),
    "evidence": gettext_lazy("its own evidence"),
    # The Sobol analysis draws every country's evidence as one input.
    "evidence_draw": gettext_lazy("the draw of the evidence"),
}


def driver_label(name: str, source_names: Mapping[str, str]) -> str:
    """An input of the uncertainty analysis as people read it, e.g. "the weight of Need assessed on mission"."""
    if name in DRIVER_LABELS:
        return str(DRIVER_LABELS[name])
    group = name.removeprefix("weight:")
    what = _("policy alignment") if group == POLICY else criterion_label(group, source_names)
    return _("the weight of %(criterion)s") % {"criterion": what}


def criterion_label(code: str, source_names: Mapping[str, str]) -> str:
    """A criterion's name for people: the evidence it stands for, or the policy source or indicator it reads."""
    if code in CRITERION_LABELS:
        return str(CRITERION_LABELS[code])
    if code == POLICY:
        return _("Policy alignment (all sources)")
    kind, _separator, name = code.partition(".")
    if kind == POLICY:
        return _("Policy: %(source)s") % {"source": source_names.get(name, name)}
    if code.startswith(TREATY_PREFIX) and name in Treaty.values:
        return _("Years party to the %(treaty)s") % {"treaty": Treaty(name).label}
    return _("Context: %(indicator)s") % {"indicator": source_names.get(code, name)}


# What would give a country a value on a criterion it lacks.
FILLED_BY = {
    FIELD_NEED: gettext_lazy("a reviewed mission report that assesses its areas"),
    FIELD_READINESS: gettext_lazy("a reviewed mission report that assesses its areas"),
    NEEDS_STAKEHOLDER: gettext_lazy("a stakeholder need recorded for it (or heard in a reviewed report)"),
    HISTORY_CONTINUITY: gettext_lazy("a cooperation program with it, ongoing or completed"),
    HISTORY_STAGE: gettext_lazy("a cooperation program with it, ongoing or completed"),
    HISTORY_NEXT_STEP: gettext_lazy("a cooperation program with it, ongoing or completed"),
}


def filled_by(codes: Sequence[str], source_names: Mapping[str, str]) -> list[str]:
    """What evidence would give a country the criteria it lacks, each kind said once, in the criteria's order."""
    needed: list[str] = []
    for code in codes:
        kind, _separator, name = code.partition(".")
        if code in FILLED_BY:
            evidence = str(FILLED_BY[code])
        elif kind == POLICY:
            evidence = _("a priority of %(source)s that favours its areas") % {"source": source_names.get(name, name)}
        else:
            evidence = _("a current value of %(indicator)s") % {"indicator": source_names.get(code, name)}
        if evidence not in needed:
            needed.append(evidence)
    return needed


def profile_snapshot(profile: WeightProfile) -> dict[str, Any]:
    """Everything about a profile a run depends on, as plain JSON, copied into the run."""
    return {"slug": profile.slug, "name": profile.name, "version": profile.version, **profile.config.to_json()}


def group_codes(settings: ProfileSettings) -> list[str]:
    """The criterion groups a profile weighs: policy, the built-in criteria, its context indicators and treaties."""
    return [
        POLICY,
        *BUILT_IN_CRITERIA,
        *(f"context.{code}" for code in settings.context_indicators),
        *(f"{TREATY_PREFIX}{code}" for code in settings.treaty_criteria),
    ]


def _group_weights(settings: ProfileSettings, sources: Sequence[str]) -> dict[str, float]:
    """Weights of the criterion groups (and of any source weighed directly), before splitting `policy`."""
    groups = group_codes(settings)
    method = settings.weight_method
    if method == WeightMethod.EQUAL:
        return dict(zip(groups, equal_weights(len(groups)).tolist(), strict=True))
    if method == WeightMethod.AHP:
        matrix = settings.ahp_matrix
        codes = list(matrix.get("criteria") or groups)
        unknown = sorted(set(codes) - set(groups))
        if unknown:
            raise ScoringError(f"Unknown criterion in the pairwise matrix: {', '.join(unknown)}.", field="ahp_matrix")
        result = ahp_weights_checked(codes, matrix.get("judgements") or {})
        return dict(zip(codes, result.weights.tolist(), strict=True))
    if method != WeightMethod.DIRECT:
        raise ScoringError(f"Unknown weight method {method!r}.", field="weight_method")
    weights = settings.criterion_weights or DEFAULT_CRITERION_WEIGHTS
    allowed = set(groups) | {f"{POLICY}.{source}" for source in sources}
    unknown = sorted(set(weights) - allowed)
    if unknown:
        raise ScoringError(f"Unknown criterion: {', '.join(unknown)}.", field="criterion_weights", details=unknown)
    values = {code: float(value) for code, value in weights.items()}
    direct_weights(list(values.values()))
    return values


def profile_criteria(settings: ProfileSettings, sources: Sequence[str]) -> tuple[Criterion, ...]:
    """The criteria a profile scores, with weights summing to 1, in a stable order.

    The settings' values are checked already (ProfileSettings); what is checked here needs the criteria:
    all-zero weights, unknown criteria or sources and inconsistent AHP judgements raise ScoringError naming
    the setting.
    """
    groups = _group_weights(settings, sources)
    source_weights_given = settings.source_weights
    unknown_sources = sorted(set(source_weights_given) - set(sources))
    if unknown_sources:
        raise ScoringError(f"Unknown policy source: {', '.join(unknown_sources)}.", field="source_weights")
    source_weights = {source: float(source_weights_given.get(source, 1.0)) for source in sources}
    source_total = sum(source_weights.values())
    policy_weight = groups.pop(POLICY, 0.0)
    if policy_weight > 0 and source_total <= 0:
        raise ScoringError("Policy carries weight, so at least one policy source must too.", field="source_weights")

    weights: dict[str, float] = {}
    for source in sources:
        share = policy_weight * source_weights[source] / source_total if source_total > 0 else 0.0
        weights[f"{POLICY}.{source}"] = share + groups.pop(f"{POLICY}.{source}", 0.0)
    weights.update(groups)
    normalised = direct_weights(list(weights.values()))

    directions = settings.criterion_directions
    unknown_directions = sorted(set(directions) - set(weights) - {POLICY})
    if unknown_directions:
        raise ScoringError(f"Unknown criterion: {', '.join(unknown_directions)}.", field="criterion_directions")
    if HISTORY_STAGE in directions:
        raise ScoringError(
            "The direction of history.stage is the ladder setting (ladder_direction), not a criterion direction.",
            field="criterion_directions",
        )

    def direction_of(code: str) -> str:
        if code == HISTORY_STAGE:
            return settings.ladder_direction
        return directions.get(code) or (directions.get(POLICY) if code.startswith(f"{POLICY}.") else None) or BENEFIT

    return tuple(
        Criterion(
            code=code,
            weight=float(weight),
            direction=direction_of(code),
            group=POLICY if code.startswith(f"{POLICY}.") else None,
            **criterion_scale(code, settings),
        )
        for code, weight in zip(weights, normalised, strict=True)
    )


# Stages on the independence ladder run from 1 to 3; a country with no program yet is at 0.
LADDER_TOP = 3


def criterion_scale(code: str, settings: ProfileSettings) -> dict[str, Any]:
    """A criterion's goalposts, transform and whether it is estimated from evidence (see `scoring.Criterion`).

    Bounded scales keep their natural ends, so that one country's evidence never rescales another's values:
    alignment with a policy source runs from 0 to 1, assessed levels from 1 to 5, the ladder from 0 to 3.
    Unbounded sums (open needs, cooperation to build on) are read on a logarithmic scale up to the profile's
    goalpost. Context indicators keep the observed range.
    """
    if code.startswith(f"{POLICY}."):
        scale: dict[str, Any] = {"low": 0.0, "high": 1.0, "transform": IDENTITY}
    elif code in (FIELD_NEED, FIELD_READINESS):
        scale = {"low": 1.0, "high": 5.0, "transform": IDENTITY}
    elif code == NEEDS_STAKEHOLDER:
        scale = {"low": 0.0, "high": settings.needs_goalpost, "transform": LOG1P}
    elif code == HISTORY_CONTINUITY:
        scale = {"low": 0.0, "high": settings.continuity_goalpost, "transform": LOG1P}
    elif code == HISTORY_NEXT_STEP:
        scale = {"low": 0.0, "high": 1.0, "transform": IDENTITY}
    elif code == HISTORY_STAGE:
        scale = {"low": 0.0, "high": float(LADDER_TOP), "transform": IDENTITY}
    elif code.startswith(TREATY_PREFIX):
        scale = {"low": 0.0, "high": TREATY_YEARS_GOALPOST, "transform": IDENTITY}
    else:
        scale = {"low": None, "high": None, "transform": IDENTITY}
    return {**scale, "evidence": code in ESTIMATED_CRITERIA}


def criteria_to_json(criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    """The criteria as a run stores them, in order: code, weight, direction, goalposts, transform and whether each
    is estimated from evidence."""
    return [
        {
            "code": c.code,
            "weight": c.weight,
            "direction": c.direction,
            "low": c.low,
            "high": c.high,
            "transform": c.transform,
            "evidence": c.evidence,
            "group": c.group,
        }
        for c in criteria
    ]


def criteria_from_json(stored: Sequence[Mapping[str, Any]]) -> tuple[Criterion, ...]:
    """The criteria a run stored; a run made before scales were stored reads its criteria on observed ranges."""
    return tuple(
        Criterion(
            code=c["code"],
            weight=float(c["weight"]),
            direction=c["direction"],
            low=c.get("low"),
            high=c.get("high"),
            transform=c.get("transform", IDENTITY),
            evidence=bool(c.get("evidence", False)),
            group=c.get("group"),
        )
        for c in stored
    )
