"""Aggregation of normalised values into scores, for one weight vector or a batch of them at once.

`values` is (alternatives × criteria), benefit-oriented, NaN where a value is missing. `weights` is
(samples × criteria). A missing value drops out and the alternative's remaining weights are rescaled to
sum to 1 ("available-case" aggregation). Every function returns (samples × alternatives) scores and
runs as matrix products: no Python loop over alternatives or samples.
"""

import numpy as np

WAM = "wam"
WGM = "wgm"
TOPSIS = "topsis"
AGGREGATIONS = (WAM, WGM, TOPSIS)
# The geometric mean needs positive values: each column is rescaled to [GEOMETRIC_FLOOR, 1] first.
GEOMETRIC_FLOOR = 0.01


def _available(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = ~np.isnan(values)
    return np.where(present, values, 0.0), present.astype(float)


def _weight_totals(present: np.ndarray, weights: np.ndarray) -> np.ndarray:
    totals = present @ weights.T
    return np.where(totals > 0, totals, np.nan)


def weighted_arithmetic_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    filled, present = _available(values)
    return ((filled @ weights.T) / _weight_totals(present, weights)).T


def geometric_scale(values: np.ndarray) -> np.ndarray:
    """Rescale each column into [0.01, 1] so that logarithms exist (COINr rescales to [1, 100] likewise)."""
    with np.errstate(all="ignore"):
        low = np.nanmin(np.where(np.isnan(values), np.inf, values), axis=0)
        high = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0)
        span = high - low
        scaled = (values - low) / np.where(span > 0, span, 1.0)
    scaled = np.where(span > 0, scaled, 1.0)
    return np.where(np.isnan(values), np.nan, GEOMETRIC_FLOOR + (1 - GEOMETRIC_FLOOR) * scaled)


def weighted_geometric_mean(values: np.ndarray, weights: np.ndarray, *, scaled: bool = False) -> np.ndarray:
    positive = values if scaled else geometric_scale(values)
    logs, present = _available(np.log(positive))
    return np.exp((logs @ weights.T) / _weight_totals(present, weights)).T


def topsis(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Closeness to the ideal: D- / (D+ + D-), ideal and anti-ideal taken per column over the alternatives.

    With non-negative weights the weighted ideal is weight × column maximum, so the squared distances
    are matrix products of squared gaps with squared weights. Rescaling an alternative's weights
    scales both distances alike and leaves its closeness unchanged.
    """
    filled, present = _available(values)
    with np.errstate(all="ignore"):
        best = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0)
        worst = np.nanmin(np.where(np.isnan(values), np.inf, values), axis=0)
    to_best = np.sqrt((present * (filled - best) ** 2) @ (weights**2).T)
    to_worst = np.sqrt((present * (filled - worst) ** 2) @ (weights**2).T)
    total = to_best + to_worst
    closeness = np.where(total > 0, to_worst / np.where(total > 0, total, 1.0), 0.5)
    return np.where(np.isnan(_weight_totals(present, weights)), np.nan, closeness).T


def aggregate(values: np.ndarray, weights: np.ndarray, method: str = WAM) -> np.ndarray:
    """Scores for each weight vector (row of `weights`) and each alternative (row of `values`)."""
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    if method == WAM:
        return weighted_arithmetic_mean(values, weights)
    if method == WGM:
        return weighted_geometric_mean(values, weights)
    if method == TOPSIS:
        return topsis(values, weights)
    raise ValueError(f"Unknown aggregation {method!r}; choose one of {', '.join(AGGREGATIONS)}.")


def contributions(values: np.ndarray, weights: np.ndarray, method: str = WAM) -> np.ndarray:
    """Each criterion's part in each alternative's score under the nominal weights.

    For the arithmetic mean the parts add up to the score. For the geometric mean they are the
    weighted logarithms, which add up to the logarithm of the score. For TOPSIS, whose closeness is
    not a sum, they are the weighted normalised values.
    """
    weights = np.asarray(weights, dtype=float)
    present = ~np.isnan(values)
    totals = present.astype(float) @ weights
    share = np.where(present, weights[None, :], 0.0) / np.where(totals > 0, totals, np.nan)[:, None]
    if method == WGM:
        return np.where(present, share * np.log(np.where(present, geometric_scale(values), 1.0)), 0.0)
    return np.where(present, share * np.where(present, values, 0.0), 0.0)
