"""Missing data: coverage per alternative and optional imputation by group mean."""

import numpy as np


def coverage(raw: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Share of the total weight carried by the criteria an alternative has data for (0–1)."""
    present = (~np.isnan(raw)).astype(float)
    return present @ (weights / weights.sum())


def impute_group_mean(raw: np.ndarray, groups: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Fill each missing value with the mean of its criterion over the alternatives of the same group.

    `groups` labels each alternative with a non-negative integer (its region or income group).
    Only alternatives selected by `rows` contribute to the means. A value stays missing when no
    alternative of its group has one.
    """
    raw = np.asarray(raw, dtype=float)
    groups = np.asarray(groups, dtype=int)
    contributing = np.ones(raw.shape[0], dtype=bool) if rows is None else rows
    group_count = int(groups.max()) + 1 if groups.size else 0
    present = (~np.isnan(raw)) & contributing[:, None]
    sums = np.zeros((group_count, raw.shape[1]))
    counts = np.zeros((group_count, raw.shape[1]))
    np.add.at(sums, groups, np.where(present, raw, 0.0))
    np.add.at(counts, groups, present.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return np.where(np.isnan(raw), means[groups], raw)
