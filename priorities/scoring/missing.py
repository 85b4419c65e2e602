"""Missing data: coverage per alternative and optional imputation by group mean."""

import numpy as np


def coverage(raw: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Share of the total weight carried by the criteria an alternative has data for (0–1)."""
    present = (~np.isnan(raw)).astype(float)
    return present @ (weights / weights.sum())


def impute_group_mean(raw: np.ndarray, groups: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Fill each missing value with the mean of its criterion over the alternatives of the same group.

    `groups` labels each alternative with a non-negative integer (its region or income group), or each
    alternative and criterion (alternatives × criteria), where −1 leaves that criterion's missing values missing.
    Only alternatives selected by `rows` contribute to the means. A value stays missing when no alternative of
    its group has one.
    """
    raw = np.asarray(raw, dtype=float)
    groups = np.asarray(groups, dtype=int)
    if groups.ndim == 1:
        groups = np.repeat(groups[:, None], raw.shape[1], axis=1)
    contributing = np.ones(raw.shape[0], dtype=bool) if rows is None else rows
    filled = raw.copy()
    for column in range(raw.shape[1]):
        labels = groups[:, column]
        grouped = labels >= 0
        if not grouped.any():
            continue
        values = raw[:, column]
        present = ~np.isnan(values) & contributing & grouped
        size = int(labels.max()) + 1
        sums = np.bincount(labels[present], weights=values[present], minlength=size)
        counts = np.bincount(labels[present], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        gaps = np.isnan(values) & grouped
        filled[gaps, column] = means[labels[gaps]]
    return filled
