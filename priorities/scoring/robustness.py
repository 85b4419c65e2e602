"""How a ranking stands up to one change at a time, and what its criteria are like.

- Leave one out: the ranking recomputed without each weight group (COINr's `remove_elements`).
- Weight stability: how far each group's share of the weight can move, the others rescaled in proportion, before
  the top-10 set changes.
- Rank reversal: the ranking recomputed without each of the top countries in turn; do the others keep their order?
- Diagnostics: the criteria's correlations, Cronbach's α of each group, and each criterion's effective weight —
  the share of the score's variance it explains (its correlation ratio, Paruolo, Saisana & Saltelli 2013) —
  beside its nominal one.

Every recomputation takes a country's expected score over the very evidence draws the run's own scores were
taken over (common random numbers): the baseline is the published ranking, and what moves is the one thing
changed.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import aggregation
from .engine import (
    DecisionProblem,
    Method,
    Reading,
    country_scores_under,
    evidence_noise,
    prepared_draws,
    read,
    validate,
)
from .ranking import competition_ranks
from .sensitivity import first_order, quantile_bins

# A group's share of the weight moves in steps of this size, outward from its own, until the top set changes.
STABILITY_STEP = 0.01
# Steps tried at once on each side.
STABILITY_BATCH = 5
# How many of the top countries the rank-reversal check removes in turn.
REVERSAL_COUNTRIES = 20


@dataclass(frozen=True)
class Robustness:
    groups: list[str]
    baseline_rank: np.ndarray
    # Per weight group: mean absolute rank shift of the countries ranked both ways, and each country's shift.
    leave_one_out_shift: np.ndarray
    leave_one_out_ranks: np.ndarray
    # Per weight group: its share of the weight, and the lowest and highest shares that keep the top-`top` set.
    nominal_share: np.ndarray
    stable_low: np.ndarray
    stable_high: np.ndarray
    # Per removed country: Kendall's τ of the others' order, how many pairs swap, and the largest swap (the two
    # countries and how many places apart they were).
    reversal: list[dict]
    correlations: np.ndarray
    cronbach: dict[str, float]
    effective_weight: np.ndarray


def weight_groups(problem: DecisionProblem) -> tuple[list[str], np.ndarray]:
    """The groups weighed as one (all policy sources together) and each criterion's group index."""
    groups: list[str] = []
    for criterion in problem.criteria:
        if criterion.weight_group not in groups:
            groups.append(criterion.weight_group)
    return groups, np.array([groups.index(criterion.weight_group) for criterion in problem.criteria])


def _with_group_share(weights: np.ndarray, member: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Weight rows giving the group (criteria where `member`) each share of the total, its criteria keeping their
    proportions and the other criteria theirs."""
    inside, outside = weights * member, weights * ~member
    inside_total, outside_total = inside.sum(), outside.sum()
    rows = np.outer(shares, inside / inside_total if inside_total > 0 else inside)
    if outside_total > 0:
        rows += np.outer(1 - shares, outside / outside_total)
    return rows


def leave_one_out(
    reading: Reading, draws: np.ndarray | None, baseline: np.ndarray, group_of: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks without each group (groups × countries) and the mean absolute shift they cause."""
    rows = np.array([np.where(group_of == g, 0.0, reading.weights) for g in range(groups)])
    alone = rows.sum(axis=1) <= 0  # the only group with weight: nothing is left to rank by
    ranks = competition_ranks(country_scores_under(reading, np.where(alone[:, None], reading.weights, rows), draws))
    ranks[alone] = np.nan
    with np.errstate(invalid="ignore"):
        moved = np.abs(ranks - baseline)
        shift = np.where(alone, np.nan, np.nanmean(np.where(np.isnan(moved), 0.0, moved), axis=1))
    return ranks, shift


def _edge(
    reading: Reading,
    draws: np.ndarray | None,
    member: np.ndarray,
    start: float,
    direction: int,
    keeps: Callable[[np.ndarray], np.ndarray],
) -> float:
    """The furthest share from `start`, in steps toward 0 (direction −1) or 1 (+1), up to which the top set holds."""
    kept = start
    while True:
        shares = kept + direction * STABILITY_STEP * np.arange(1, STABILITY_BATCH + 1)
        shares = shares[(shares >= -1e-12) & (shares <= 1 + 1e-12)]
        if not shares.size:
            return float(np.clip(kept, 0.0, 1.0))
        holds = keeps(country_scores_under(reading, _with_group_share(reading.weights, member, shares), draws))
        if not holds.all():
            first_break = int(np.argmin(holds))
            return float(np.clip(shares[first_break - 1] if first_break else kept, 0.0, 1.0))
        kept = float(shares[-1])


def stability(
    reading: Reading, draws: np.ndarray | None, baseline: np.ndarray, group_of: np.ndarray, groups: int, *, top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's share of the weight and the interval of shares around it that keep the top-`top` set."""
    top_set = np.nan_to_num(baseline, nan=np.inf) <= top

    def keeps(scores: np.ndarray) -> np.ndarray:
        return np.all((np.nan_to_num(competition_ranks(scores), nan=np.inf) <= top) == top_set, axis=1)

    nominal = np.array([reading.weights[group_of == g].sum() for g in range(groups)])
    low, high = np.empty(groups), np.empty(groups)
    for g in range(groups):
        member = group_of == g
        low[g] = _edge(reading, draws, member, nominal[g], -1, keeps)
        high[g] = _edge(reading, draws, member, nominal[g], +1, keeps)
    return nominal, low, high


def kendall_tau(first: np.ndarray, second: np.ndarray) -> float:
    """Kendall's τ-b of two rankings of the same alternatives (ties allowed)."""
    x, y = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if x.size < 2:
        return float("nan")
    dx = np.sign(x[:, None] - x[None, :])
    dy = np.sign(y[:, None] - y[None, :])
    upper = np.triu_indices(x.size, 1)
    concordant = (dx * dy)[upper].sum()
    pairs_x, pairs_y = (dx[upper] != 0).sum(), (dy[upper] != 0).sum()
    if pairs_x == 0 or pairs_y == 0:
        return float("nan")
    return float(concordant / np.sqrt(pairs_x * pairs_y))


def without_country(problem: DecisionProblem, country: int) -> tuple[DecisionProblem, np.ndarray]:
    """The problem without one country's pairs, and the old index of each remaining country."""
    keep_pairs = problem.country_of_pair != country
    kept = np.array([c for c in range(problem.country_count) if c != country], dtype=int)
    renumber = np.full(problem.country_count, -1)
    renumber[kept] = np.arange(kept.size)

    def rows(matrix):
        return None if matrix is None else matrix[keep_pairs]

    reduced = dataclasses.replace(
        problem,
        raw=problem.raw[keep_pairs],
        country_of_pair=renumber[problem.country_of_pair[keep_pairs]],
        area_of_pair=problem.area_of_pair[keep_pairs],
        country_count=kept.size,
        impute_group_of_pair=rows(problem.impute_group_of_pair),
        evidence=rows(problem.evidence),
        prior_group_of_pair=rows(problem.prior_group_of_pair),
        variants=(),
    )
    return reduced, kept


def rank_reversal(
    problem: DecisionProblem, method: Method, noise: np.ndarray | None, baseline: np.ndarray, *, count: int
) -> list[dict]:
    """Remove each of the top `count` countries in turn: how well the others keep their order, and the largest
    reversal among them."""
    order = np.argsort(np.nan_to_num(baseline, nan=np.inf), kind="stable")
    checks = []
    for removed in order[: min(count, int(np.isfinite(baseline).sum()))]:
        reduced, kept = without_country(problem, int(removed))
        remaining = problem.country_of_pair != removed
        reading = read(reduced, method)
        draws = prepared_draws(reading, None if noise is None else noise[:, remaining])
        after = competition_ranks(country_scores_under(reading, None, draws))[0]
        before = baseline[kept]
        ranked = np.isfinite(before) & np.isfinite(after)
        b, a = before[ranked], after[ranked]
        # A reversal: i ahead of j before, behind after; its size, the places between them before.
        ahead_before = b[:, None] < b[None, :]
        behind_after = a[:, None] > a[None, :]
        gap = np.where(ahead_before & behind_after, b[None, :] - b[:, None], 0)
        largest = None
        if gap.size and gap.max() > 0:
            i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
            ids = kept[ranked]
            largest = {"first": int(ids[i]), "second": int(ids[j]), "places": int(gap[i, j])}
        checks.append(
            {
                "removed": int(removed),
                "kendall_tau": kendall_tau(b, a),
                "reversals": int((ahead_before & behind_after).sum()),
                "largest": largest,
            }
        )
    return checks


def cronbach_alpha(values: np.ndarray) -> float:
    """Cronbach's α of the columns of `values` (rows with a missing value left out); NaN below two columns."""
    complete = values[~np.isnan(values).any(axis=1)]
    items = complete.shape[1]
    if items < 2 or complete.shape[0] < 2:
        return float("nan")
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance <= 0:
        return float("nan")
    return float(items / (items - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_variance))


def diagnostics(reading: Reading, group_of_family: dict[str, list[int]]) -> tuple[np.ndarray, dict, np.ndarray]:
    """The criteria's correlation matrix and Cronbach's α per family over the ranked pairs, and each criterion's
    effective weight: its first-order index on the pair score, the indices scaled to sum to 1."""
    values = reading.normalized[reading.sufficient]
    columns = values.shape[1]
    correlations = np.full((columns, columns), np.nan)
    if values.shape[0] > 2:
        present = ~np.isnan(values)
        means = np.where(present, values, 0.0).sum(axis=0) / np.maximum(present.sum(axis=0), 1)
        filled = np.where(present, values, means)
        with np.errstate(invalid="ignore", divide="ignore"):
            correlations = np.corrcoef(filled, rowvar=False)
    cronbach = {family: cronbach_alpha(values[:, members]) for family, members in group_of_family.items()}
    method = reading.method
    pair_scores = aggregation.combine(
        reading.shared(method.normalization, method.aggregation),
        reading.weights[None],
        method.aggregation,
        reading.scales[method.normalization].lower,
        reading.scales[method.normalization].upper,
    )[0]
    scores = pair_scores[reading.sufficient]
    indices = np.array(
        [
            first_order(scores[:, None], quantile_bins(np.nan_to_num(values[:, [j]], nan=-np.inf)))[0]
            if values.shape[0] > 1
            else np.nan
            for j in range(columns)
        ]
    )
    total = np.nansum(indices)
    effective = np.where(np.isfinite(indices), indices / total if total > 0 else np.nan, np.nan)
    return correlations, cronbach, effective


def families(problem: DecisionProblem) -> dict[str, list[int]]:
    """Criteria by family — the part of the code before the dot (policy, field, needs, history, context)."""
    grouped: dict[str, list[int]] = {}
    for index, criterion in enumerate(problem.criteria):
        grouped.setdefault(criterion.code.split(".")[0], []).append(index)
    return grouped


def robustness(problem: DecisionProblem, method: Method, *, top: int = 10) -> Robustness:
    """Every check above for one problem and method."""
    validate(problem, method)
    reading = read(problem, method)
    noise = evidence_noise(reading)
    draws = prepared_draws(reading, noise)
    groups, group_of = weight_groups(problem)
    baseline = competition_ranks(country_scores_under(reading, None, draws))[0]
    loo_ranks, loo_shift = leave_one_out(reading, draws, baseline, group_of, len(groups))
    nominal, low, high = stability(reading, draws, baseline, group_of, len(groups), top=top)
    reversal = rank_reversal(problem, method, noise, baseline, count=REVERSAL_COUNTRIES)
    correlations, cronbach, effective = diagnostics(reading, families(problem))
    return Robustness(
        groups=groups,
        baseline_rank=baseline,
        leave_one_out_shift=loo_shift,
        leave_one_out_ranks=loo_ranks,
        nominal_share=nominal,
        stable_low=low,
        stable_high=high,
        reversal=reversal,
        correlations=correlations,
        cronbach=cronbach,
        effective_weight=effective,
    )
