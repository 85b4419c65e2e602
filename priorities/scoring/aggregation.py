"""Aggregation of normalised values into scores, for one weight vector or a batch of them at once.

`values` is (alternatives × criteria) or (samples × alternatives × criteria), benefit-oriented, NaN where a value
is missing. `weights` is (samples × criteria). A missing value drops out and the alternative's remaining weights
are rescaled to sum to 1 ("available-case" aggregation). Every function returns (samples × alternatives) scores
and runs as matrix products: no Python loop over alternatives or samples.

`lower` and `upper` are the ends of the normalised scale of each criterion (`normalization.Scale`); without them
the observed range of each column is taken.
"""

import numpy as np

WAM = "wam"
WGM = "wgm"
TOPSIS = "topsis"
AGGREGATIONS = (WAM, WGM, TOPSIS)
# The geometric mean needs positive values: each criterion's scale is mapped onto [GEOMETRIC_FLOOR, 1] first.
GEOMETRIC_FLOOR = 0.01


def _available(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = ~np.isnan(values)
    return np.where(present, values, 0.0), present.astype(float)


def _weighted(shared: np.ndarray, drawn: np.ndarray | None, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ_j weight_sj × value_j, (samples × alternatives): the columns not in `columns` from `shared` (alternatives ×
    criteria, the same for every sample, all finite), those in `columns` from `drawn` (samples × alternatives ×
    len(columns)). The shared terms of the drawn columns are set aside by a zero weight."""
    shared_weights = weights.copy()
    shared_weights[:, columns] = 0.0
    total = (shared @ shared_weights.T).T
    if drawn is not None:
        if weights.shape[0] == 1:
            # One weight vector for every draw.
            return total + drawn @ weights[0, columns]
        total = total + np.einsum("spe,se->sp", drawn, weights[:, columns])
    return total


def _ends(values: np.ndarray, lower: np.ndarray | None, upper: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if lower is not None and upper is not None:
        return np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    flat = values.reshape(-1, values.shape[-1])
    with np.errstate(all="ignore"):
        observed_low = np.min(np.where(np.isnan(flat), np.inf, flat), axis=0)
        observed_high = np.max(np.where(np.isnan(flat), -np.inf, flat), axis=0)
    return observed_low, observed_high


def geometric_values(
    values: np.ndarray, lower: np.ndarray | None = None, upper: np.ndarray | None = None
) -> np.ndarray:
    """Each criterion's scale mapped linearly onto [0.01, 1] so that logarithms exist (COINr rescales to [1, 100]
    likewise): GEOMETRIC_FLOOR + (1 − GEOMETRIC_FLOOR) × (value − lower) / (upper − lower)."""
    low, high = _ends(values, lower, upper)
    span = high - low
    with np.errstate(all="ignore"):
        scaled = np.clip((values - low) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    scaled = np.where(span > 0, scaled, 1.0)
    return np.where(np.isnan(values), np.nan, GEOMETRIC_FLOOR + (1 - GEOMETRIC_FLOOR) * scaled)


def aggregated_values(
    values: np.ndarray, method: str, lower: np.ndarray | None = None, upper: np.ndarray | None = None
) -> np.ndarray:
    """The values a method actually combines: the normalised values, rescaled to positive ones for the geometric
    mean."""
    return geometric_values(values, lower, upper) if method == WGM else values


def combine_drawn(
    shared: np.ndarray,
    drawn: np.ndarray | None,
    columns: np.ndarray,
    weights: np.ndarray,
    method: str,
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray:
    """Scores (samples × alternatives) from prepared values (`aggregated_values`), one weight vector per sample (or
    one for all), when the criteria in `columns` are drawn afresh for each sample (`drawn`) and the others are
    shared.

    Every method is a sum over criteria of a term of the value times a power of the weight, so the shared criteria
    cost one matrix product whatever the number of samples:

    - WAM: Σ w x / Σ w;
    - WGM: exp(Σ w log x / Σ w);
    - TOPSIS: D- / (D+ + D-) with D± = √(Σ w² (x − ideal±)²), the ideal points the ends of the normalised scale, so
      that they do not move when one alternative's value does (on an observed min-max scale they are the column's
      best and worst). Rescaling an alternative's weights scales both distances alike.

    A missing value drops out and the alternative's remaining weights are rescaled to sum to 1.
    """
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    columns = np.asarray(columns, dtype=int)
    shared_filled, shared_present = _available(shared)
    drawn_filled, drawn_present = _available(drawn) if drawn is not None else (None, None)

    def total(shared_terms, drawn_terms, power: int = 1) -> np.ndarray:
        return _weighted(shared_terms, drawn_terms, columns, weights**power)

    weight_total = total(shared_present, drawn_present)
    weight_total = np.where(weight_total > 0, weight_total, np.nan)
    if method == WAM:
        return total(shared_filled, drawn_filled) / weight_total
    if method == WGM:
        shared_logs = np.where(shared_present > 0, np.log(np.where(shared_present > 0, shared_filled, 1.0)), 0.0)
        drawn_logs = None
        if drawn_filled is not None and drawn_present is not None:
            drawn_logs = np.where(drawn_present > 0, np.log(np.where(drawn_present > 0, drawn_filled, 1.0)), 0.0)
        return np.exp(total(shared_logs, drawn_logs) / weight_total)
    if method == TOPSIS:
        distances = []
        for point in (upper, lower):
            shared_gaps = shared_present * (shared_filled - point) ** 2
            drawn_gaps = None
            if drawn_filled is not None and drawn_present is not None:
                drawn_gaps = drawn_present * (drawn_filled - point[columns]) ** 2
            distances.append(np.sqrt(total(shared_gaps, drawn_gaps, power=2)))
        to_best, to_worst = distances
        span = to_best + to_worst
        closeness = np.where(span > 0, to_worst / np.where(span > 0, span, 1.0), 0.5)
        return np.where(np.isnan(weight_total), np.nan, closeness)
    raise ValueError(f"Unknown aggregation {method!r}; choose one of {', '.join(AGGREGATIONS)}.")


def combine(
    aggregated: np.ndarray, weights: np.ndarray, method: str, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """Scores from values already prepared by `aggregated_values`, shared by every weight vector (alternatives ×
    criteria) or one set per weight vector (samples × alternatives × criteria)."""
    if aggregated.ndim == 2:
        return combine_drawn(aggregated, None, np.array([], dtype=int), weights, method, lower, upper)
    every = np.arange(aggregated.shape[-1])
    empty = np.full(aggregated.shape[1:], np.nan)
    return combine_drawn(empty, aggregated, every, weights, method, lower, upper)


def aggregate(
    values: np.ndarray,
    weights: np.ndarray,
    method: str = WAM,
    *,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> np.ndarray:
    """Scores for each weight vector (row of `weights`) and each alternative (row of `values`)."""
    if method not in AGGREGATIONS:
        raise ValueError(f"Unknown aggregation {method!r}; choose one of {', '.join(AGGREGATIONS)}.")
    low, high = _ends(values, lower, upper)
    return combine(aggregated_values(values, method, low, high), weights, method, low, high)


def contributions(aggregated: np.ndarray, weights: np.ndarray, method: str = WAM) -> np.ndarray:
    """Each criterion's part in each alternative's score under the nominal weights (any leading shape).

    For the arithmetic mean the parts add up to the score. For the geometric mean they are the weighted
    logarithms, which add up to the logarithm of the score. For TOPSIS, whose closeness is not a sum, they are the
    weighted normalised values.
    """
    weights = np.asarray(weights, dtype=float)
    present = ~np.isnan(aggregated)
    totals = present.astype(float) @ weights
    share = np.where(present, weights, 0.0) / np.where(totals > 0, totals, np.nan)[..., None]
    return np.where(present, share * contribution_terms(aggregated, method), 0.0)


def contribution_terms(aggregated: np.ndarray, method: str = WAM) -> np.ndarray:
    """The term of each value that its weight share multiplies in `contributions`: the value, or its logarithm for
    the geometric mean; 0 where the value is missing."""
    present = ~np.isnan(aggregated)
    if method == WGM:
        return np.where(present, np.log(np.where(present, aggregated, 1.0)), 0.0)
    return np.where(present, aggregated, 0.0)
