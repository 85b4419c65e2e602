"""Evidence strength: each pair's estimate of an evidence criterion, shrunk toward a prior by how much evidence
stands behind it.

A pair's value of an evidence criterion (the need experts assessed, say) is a recency-weighted mean of what
reports said, backed by an *effective amount of evidence* n: the sum of the reports' recency weights, so that a
report four half-lives old counts for a sixteenth of a fresh one in absolute terms, not only against other
reports. The estimate is the normal–normal posterior mean

    estimate = (n × observed + s × prior) / (n + s)

where s is the profile's prior strength (in fresh-report equivalents) and the prior is the area's evidence-weighted
mean over the countries of the pair's group (region or income group), itself shrunk toward the area's mean over
all countries with the same strength. With s = 0 nothing is shrunk.

The spread σ² is how far one look's value lies from its area's mean, over every pair with evidence. Read as the
marginal variance of one fresh report under the model (true value ~ N(prior, σ²/(1 + s)), a report ~ N(true value,
σ² s/(1 + s))), the posterior standard error is σ √(s / ((1 + s)(n + s))): σ/√(1 + s) with no evidence, and
shrinking as evidence comes in. Drawing every pair's value from its posterior then gives, on average over the
data, the same spread whether a pair was assessed or not: a country is not rewarded for having been assessed more
often (nor for having been assessed less).
"""

from dataclasses import dataclass

import numpy as np

# σ never falls below this share of the criterion's scale, so that a criterion on which every report agreed still
# admits that the next report could differ.
SPREAD_FLOOR = 0.05


@dataclass(frozen=True)
class Estimates:
    """Per pair and criterion (pairs × criteria); criteria without an evidence model keep their values."""

    mean: np.ndarray  # the shrunk estimate (posterior mean)
    standard_error: np.ndarray  # posterior standard deviation; 0 for criteria without an evidence model
    prior: np.ndarray  # the prior mean; NaN for criteria without an evidence model
    amount: np.ndarray  # effective amount of evidence n; NaN for criteria without an evidence model
    observed: np.ndarray  # True where the value rests on data: enough evidence, or a value given
    spread: np.ndarray  # σ per criterion; NaN for criteria without an evidence model


def _sums(labels: np.ndarray, count: int, amount: np.ndarray, weighted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    totals = np.zeros((count, amount.shape[1]))
    weighted_totals = np.zeros((count, amount.shape[1]))
    np.add.at(totals, labels, amount)
    np.add.at(weighted_totals, labels, weighted)
    return totals, weighted_totals


def estimate(
    values: np.ndarray,
    amount: np.ndarray | None,
    is_evidence: np.ndarray,
    *,
    area_of_pair: np.ndarray,
    area_count: int,
    group_of_pair: np.ndarray | None,
    strength: float,
    minimum: float,
    low: np.ndarray,
    high: np.ndarray,
) -> Estimates:
    """Shrunk estimates of the evidence criteria (columns where `is_evidence`) from their observed values and
    effective amounts; `low` and `high` are the criteria's goalposts (NaN: none), used when no pair has evidence
    and to size the spread's floor."""
    values = np.asarray(values, dtype=float)
    pairs, criteria = values.shape
    mean = values.copy()
    standard_error = np.zeros((pairs, criteria))
    prior_full = np.full((pairs, criteria), np.nan)
    amount_full = np.full((pairs, criteria), np.nan)
    spread_full = np.full(criteria, np.nan)
    observed = ~np.isnan(values)
    columns = np.flatnonzero(is_evidence)
    if columns.size == 0 or amount is None:
        return Estimates(mean, standard_error, prior_full, amount_full, observed, spread_full)

    x = values[:, columns]
    n = np.nan_to_num(np.asarray(amount, dtype=float)[:, columns], nan=0.0)
    has = (n > 0) & np.isfinite(x)
    n = np.where(has, n, 0.0)
    nx = np.where(has, n * np.where(has, x, 0.0), 0.0)
    goal_low, goal_high = low[columns], high[columns]
    with np.errstate(invalid="ignore"):
        observed_low = np.min(np.where(has, x, np.inf), axis=0)
        observed_high = np.max(np.where(has, x, -np.inf), axis=0)
    midpoint = np.where(np.isfinite(goal_low + goal_high), (goal_low + goal_high) / 2, 0.0)

    # The area's mean over all countries; an area nobody assessed takes the criterion's mean over all areas, and a
    # criterion nobody assessed its goalposts' midpoint.
    column_total, column_weighted = n.sum(axis=0), nx.sum(axis=0)
    column_mean = np.where(column_total > 0, column_weighted / np.where(column_total > 0, column_total, 1.0), midpoint)
    area_total, area_weighted = _sums(area_of_pair, area_count, n, nx)
    area_mean = np.where(area_total > 0, area_weighted / np.where(area_total > 0, area_total, 1.0), column_mean)
    prior = area_mean[area_of_pair]
    if group_of_pair is not None:
        keys = np.asarray(group_of_pair, dtype=int) * area_count + area_of_pair
        key_count = int(keys.max()) + 1 if keys.size else 0
        group_total, group_weighted = _sums(keys, key_count, n, nx)
        denominator = group_total[keys] + strength
        with np.errstate(invalid="ignore", divide="ignore"):
            group_mean = (group_weighted[keys] + strength * prior) / denominator
        prior = np.where(denominator > 0, group_mean, prior)

    deviations = np.where(has, x - area_mean[area_of_pair], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt((n * deviations**2).sum(axis=0) / column_total)
    scale_span = np.where(np.isfinite(goal_high - goal_low), goal_high - goal_low, observed_high - observed_low)
    scale_span = np.where(np.isfinite(scale_span) & (scale_span > 0), scale_span, 1.0)
    spread = np.where(column_total > 0, np.maximum(np.nan_to_num(spread), SPREAD_FLOOR * scale_span), scale_span / 4)

    total = n + strength
    with np.errstate(invalid="ignore", divide="ignore"):
        # x + s/(n + s) × (prior − x), the posterior mean written so that s = 0 gives x exactly.
        posterior = np.where(has, np.where(has, x, 0.0) + strength / np.where(has, total, 1.0) * (prior - x), prior)
        # Marginal variance of one report σ² = prior variance σ²/(1 + s) + report variance σ² s/(1 + s).
        error = spread * np.sqrt(np.where(total > 0, strength / ((1 + strength) * total), 1 / (1 + strength)))
    mean[:, columns] = posterior
    standard_error[:, columns] = error
    prior_full[:, columns] = prior
    amount_full[:, columns] = n
    spread_full[columns] = spread
    observed[:, columns] = has & (n >= minimum)
    return Estimates(mean, standard_error, prior_full, amount_full, observed, spread_full)
