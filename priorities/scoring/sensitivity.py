"""Which uncertain input moves each country's rank most, from the Monte Carlo samples a run draws anyway.

For an input X and a country's rank Y, the first-order sensitivity index S = Var(E[Y | X]) / Var(Y) is the share of
the rank's variance that X explains on its own. It is estimated from the given samples by grouping them on X
(its categories, or ten quantile bins of a continuous input) and comparing the groups' mean ranks — the
correlation ratio, a "given-data" estimator (Plischke, Borgonovo & Smith 2013) that needs no extra model runs.
Vectorised over countries. With N samples in B groups, an input that does nothing still scores about
(B − 1) / (N − 1) by chance; the estimate is corrected for that, as the adjusted R² is, and a continuous input gets
fewer groups when samples are few (about twenty samples per group).
"""

import numpy as np

BINS = 10
SAMPLES_PER_BIN = 20


def quantile_bins(values: np.ndarray, bins: int | None = None) -> np.ndarray:
    """Group labels 0 … bins − 1 by quantile of each column (samples along axis 0)."""
    count = values.shape[0]
    bins = bins or min(BINS, max(2, count // SAMPLES_PER_BIN))
    order = np.argsort(np.argsort(values, axis=0, kind="stable"), axis=0)
    return np.minimum(order * bins // count, bins - 1)


def first_order(outputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """S per column of `outputs` (samples × countries), the samples grouped by `labels` (samples,) or (samples ×
    countries); NaN where the output does not vary or is missing."""
    samples, countries = outputs.shape
    labels = np.broadcast_to(labels.reshape(samples, -1), (samples, countries))
    valid = ~np.isnan(outputs)
    filled = np.where(valid, outputs, 0.0)
    groups = int(labels.max()) + 1 if labels.size else 1
    cell = (labels * countries + np.arange(countries)).ravel()
    sums = np.bincount(cell, weights=filled.ravel(), minlength=groups * countries).reshape(groups, countries)
    counts = np.bincount(cell, weights=valid.ravel(), minlength=groups * countries).reshape(groups, countries)
    total = valid.sum(axis=0)
    mean = filled.sum(axis=0) / np.maximum(total, 1)
    variance = (np.where(valid, outputs - mean, 0.0) ** 2).sum(axis=0) / np.maximum(total, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        group_means = sums / counts
        between = np.nansum(counts * (group_means - mean) ** 2, axis=0) / np.maximum(total, 1)
        index = between / variance
        chance = ((counts > 0).sum(axis=0) - 1) / np.maximum(total - 1, 1)
        adjusted = (index - chance) / (1 - chance)
    return np.where((variance > 0) & (total == samples), np.clip(adjusted, 0.0, 1.0), np.nan)


def drivers(
    outputs: np.ndarray, inputs: dict[str, np.ndarray], *, top: int = 3
) -> list[list[tuple[str, float, float | None]]]:
    """For each country, its `top` inputs by first-order index (largest first), from labelled inputs; given data
    tell no total index (None)."""
    names = list(inputs)
    if not names:
        return [[] for _ in range(outputs.shape[1])]
    indices = np.vstack([first_order(outputs, inputs[name]) for name in names])
    ranked: list[list[tuple[str, float, float | None]]] = []
    for column in range(outputs.shape[1]):
        shares = indices[:, column]
        order = [row for row in np.argsort(-np.nan_to_num(shares, nan=-1.0), kind="stable") if np.isfinite(shares[row])]
        ranked.append([(names[row], float(shares[row]), None) for row in order[:top]])
    return ranked
