"""Normalisations of a raw decision matrix (alternatives × criteria) to benefit-oriented, comparable scales.

Missing values (NaN) stay missing and are ignored when a column's statistics are computed.
"""

import numpy as np

MIN_MAX = "minmax"
Z_SCORE = "zscore"
PERCENTILE = "percentile"
NORMALIZATIONS = (MIN_MAX, Z_SCORE, PERCENTILE)


def _orient(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Turn cost criteria into benefit criteria by negation, so that more is always better."""
    return np.where(is_cost[None, :], -matrix, matrix)


def min_max(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Scale each column to [0, 1]; a column with one value everywhere carries no information and becomes 0.5."""
    oriented = _orient(matrix, is_cost)
    with np.errstate(all="ignore"):
        low = np.nanmin(np.where(np.isnan(oriented), np.inf, oriented), axis=0)
        high = np.nanmax(np.where(np.isnan(oriented), -np.inf, oriented), axis=0)
        span = high - low
        scaled = (oriented - low) / np.where(span > 0, span, 1.0)
    return np.where(span > 0, scaled, np.where(np.isnan(oriented), np.nan, 0.5))


def z_score(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Standardise each column to mean 0 and standard deviation 1; a constant column becomes 0."""
    oriented = _orient(matrix, is_cost)
    counts = np.sum(~np.isnan(oriented), axis=0)
    safe = np.where(np.isnan(oriented), 0.0, oriented)
    mean = safe.sum(axis=0) / np.maximum(counts, 1)
    centred = np.where(np.isnan(oriented), 0.0, oriented - mean)
    deviation = np.sqrt((centred**2).sum(axis=0) / np.maximum(counts, 1))
    standardised = (oriented - mean) / np.where(deviation > 0, deviation, 1.0)
    return np.where(deviation > 0, standardised, np.where(np.isnan(oriented), np.nan, 0.0))


def percentile_rank(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Share of the other alternatives each value beats, ties counting half, in [0, 1]."""
    oriented = _orient(matrix, is_cost)
    result = np.full(oriented.shape, np.nan)
    for column in range(oriented.shape[1]):
        values = oriented[:, column]
        present = ~np.isnan(values)
        observed = np.sort(values[present])
        count = observed.size
        if count == 0:
            continue
        if count == 1:
            result[present, column] = 0.5
            continue
        below = np.searchsorted(observed, values[present], side="left")
        ties = np.searchsorted(observed, values[present], side="right") - below - 1
        result[present, column] = (below + 0.5 * ties) / (count - 1)
    return result


def normalize(matrix: np.ndarray, is_cost: np.ndarray, method: str = MIN_MAX) -> np.ndarray:
    functions = {MIN_MAX: min_max, Z_SCORE: z_score, PERCENTILE: percentile_rank}
    if method not in functions:
        raise ValueError(f"Unknown normalisation {method!r}; choose one of {', '.join(NORMALIZATIONS)}.")
    return functions[method](np.asarray(matrix, dtype=float), np.asarray(is_cost, dtype=bool))
