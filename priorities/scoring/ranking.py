"""Ranks from scores, vectorised over rows (one row per Monte Carlo sample)."""

import numpy as np

# Scores closer than this are tied: the same score reached by sums taken in a different order may differ in its
# last bits (0.5 and 0.5000000000000001), and must not decide a rank.
TIE_TOLERANCE = 1e-12


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score in each row; ties (within TIE_TOLERANCE) share the best rank ("1224"); NaN
    scores get NaN.

    The result does not depend on the order of the alternatives.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    rows, columns = scores.shape
    keyed = np.where(np.isnan(scores), -np.inf, scores)
    # Tied scores get the same rank below, so the sort need not be stable.
    order = np.argsort(-keyed, axis=1)
    ordered = np.take_along_axis(keyed, order, axis=1)
    starts_new_group = np.ones_like(ordered, dtype=bool)
    with np.errstate(invalid="ignore"):  # -inf - -inf for the NaN scores, which are ranked NaN below anyway
        starts_new_group[:, 1:] = (ordered[:, :-1] - ordered[:, 1:]) > TIE_TOLERANCE
    positions = np.broadcast_to(np.arange(columns), (rows, columns))
    ranks_in_order = np.maximum.accumulate(np.where(starts_new_group, positions, 0), axis=1) + 1
    ranks = np.empty((rows, columns))
    np.put_along_axis(ranks, order, ranks_in_order, axis=1)
    return np.where(np.isnan(scores), np.nan, ranks)


def rank_summary(ranks: np.ndarray, *, top: int = 10) -> dict[str, np.ndarray]:
    """Median, 5th and 95th percentile rank and the probability of a top-`top` place, per column."""
    valid = ~np.all(np.isnan(ranks), axis=0)
    safe = np.where(np.isnan(ranks), np.inf, ranks)
    quantiles = np.quantile(safe, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    with np.errstate(invalid="ignore"):
        in_top = np.mean(safe <= top, axis=0)
    return {
        "rank_p05": np.where(valid, quantiles[0], np.nan),
        "rank_median": np.where(valid, quantiles[1], np.nan),
        "rank_p95": np.where(valid, quantiles[2], np.nan),
        "p_top": np.where(valid, in_top, np.nan),
    }


def spearman_rho(first: np.ndarray, second: np.ndarray) -> float:
    """Spearman's rank correlation of two rankings of the same alternatives (ties get their average rank).

    NaN when fewer than two alternatives are given or one ranking puts them all level.
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if first.size < 2:
        return float("nan")

    def average_ranks(values: np.ndarray) -> np.ndarray:
        _levels, level_of, counts = np.unique(values, return_inverse=True, return_counts=True)
        ends = np.cumsum(counts)
        return ((ends - counts + 1 + ends) / 2)[level_of]

    a, b = average_ranks(first), average_ranks(second)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])
