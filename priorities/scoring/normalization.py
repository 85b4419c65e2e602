"""Normalisations of a decision matrix (alternatives × criteria) to benefit-oriented, comparable scales.

A normalisation is *fitted* once (on the alternatives that are ranked) and then *applied* to any values of the
same criteria: the nominal matrix and every Monte Carlo draw go through the same scale, so a draw cannot move the
scale under the others. Min-max uses a criterion's fixed goalposts when it has them, so that one alternative's
value never changes another's normalised value; without goalposts it uses the observed range. Values beyond the
goalposts are held at them (winsorised). Missing values (NaN) stay missing.
"""

from dataclasses import dataclass

import numpy as np

MIN_MAX = "minmax"
Z_SCORE = "zscore"
PERCENTILE = "percentile"
NORMALIZATIONS = (MIN_MAX, Z_SCORE, PERCENTILE)


# A percentile scale looks values up among its reference values in a table of this many equal buckets per
# reference value: a value whose bucket holds no reference value is placed in one step, the rest by binary search.
BUCKETS_PER_LEVEL = 16


@dataclass(frozen=True)
class Levels:
    """A criterion's distinct reference values (sorted), how many reference values lie below each and how many
    equal it, with a bucket table over their range."""

    distinct: np.ndarray
    below: np.ndarray
    tied: np.ndarray
    edges: np.ndarray
    edge_positions: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> "Levels":
        distinct, counts = np.unique(values, return_counts=True)
        buckets = BUCKETS_PER_LEVEL * distinct.size if distinct.size > 1 else 0
        edges = np.linspace(distinct[0], distinct[-1], buckets + 1) if buckets else np.empty(0)
        return cls(distinct, np.cumsum(counts) - counts, counts, edges, np.searchsorted(distinct, edges, side="left"))

    def positions(self, values: np.ndarray) -> np.ndarray:
        """How many distinct reference values lie below each value (finite values), as
        `np.searchsorted(distinct, values, side="left")` gives, but mostly without the binary search."""
        buckets = self.edges.size - 1
        if buckets < 1:
            return np.searchsorted(self.distinct, values, side="left")
        low, high = self.edges[0], self.edges[-1]
        # Over a range too narrow for the bucket width to be a number, the bucket is nonsense and the check below
        # sends the value to the binary search.
        with np.errstate(invalid="ignore", over="ignore"):
            bucket = np.clip(((values - low) * (buckets / (high - low))).astype(np.intp), 0, buckets - 1)
        start, end = self.edge_positions[bucket], self.edge_positions[bucket + 1]
        # A value in [edge b, edge b+1) has as many reference values below it as edge b when none lies between.
        placed = (start == end) & (self.edges[bucket] <= values) & (values < self.edges[bucket + 1])
        positions = np.where(values < low, 0, np.where(values > high, self.distinct.size, start))
        rest = ~placed & (values >= low) & (values <= high)
        positions[rest] = np.searchsorted(self.distinct, values[rest], side="left")
        return positions


@dataclass(frozen=True)
class Scale:
    """A fitted normalisation. `lower` and `upper` are the ends of the normalised scale per criterion: 0 and 1 for
    min-max and percentile ranks, the lowest and highest reference z-scores for the z-score; TOPSIS takes them as
    its anti-ideal and ideal points, the geometric mean rescales between them."""

    method: str
    is_cost: np.ndarray
    centre: np.ndarray  # min-max: the oriented lower goalpost; z-score: the mean
    spread: np.ndarray  # min-max: the oriented goalposts' span; z-score: the standard deviation
    reference: tuple[Levels | None, ...]  # percentile: each criterion's reference values (None: it has none)
    lower: np.ndarray
    upper: np.ndarray


def _orient(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Turn cost criteria into benefit criteria by negation, so that more is always better (the matrix itself
    when every criterion is a benefit)."""
    return np.where(is_cost, -matrix, matrix) if is_cost.any() else matrix


def _column_range(oriented: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        low = np.min(np.where(np.isnan(oriented), np.inf, oriented), axis=0)
        high = np.max(np.where(np.isnan(oriented), -np.inf, oriented), axis=0)
    return low, high


def fit(
    reference: np.ndarray,
    is_cost: np.ndarray,
    method: str = MIN_MAX,
    *,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> Scale:
    """The scale of each criterion, from the reference values and, for min-max, the goalposts (NaN: none)."""
    if method not in NORMALIZATIONS:
        raise ValueError(f"Unknown normalisation {method!r}; choose one of {', '.join(NORMALIZATIONS)}.")
    reference = np.asarray(reference, dtype=float)
    is_cost = np.asarray(is_cost, dtype=bool)
    columns = reference.shape[1]
    oriented = _orient(reference, is_cost)
    zeros, ones = np.zeros(columns), np.ones(columns)
    if method == MIN_MAX:
        observed_low, observed_high = _column_range(oriented)
        low = np.full(columns, np.nan) if low is None else np.asarray(low, dtype=float)
        high = np.full(columns, np.nan) if high is None else np.asarray(high, dtype=float)
        fixed = np.isfinite(low) & np.isfinite(high)
        goal_low = np.where(is_cost, -high, low)
        goal_high = np.where(is_cost, -low, high)
        start = np.where(fixed, goal_low, observed_low)
        span = np.where(fixed, goal_high - goal_low, observed_high - observed_low)
        return Scale(method, is_cost, start, span, (), zeros, ones)
    if method == Z_SCORE:
        present = ~np.isnan(oriented)
        counts = present.sum(axis=0)
        mean = np.where(present, oriented, 0.0).sum(axis=0) / np.maximum(counts, 1)
        deviation = np.sqrt((np.where(present, oriented - mean, 0.0) ** 2).sum(axis=0) / np.maximum(counts, 1))
        observed_low, observed_high = _column_range(oriented)
        safe = np.where(deviation > 0, deviation, 1.0)
        lower = np.where(deviation > 0, (observed_low - mean) / safe, 0.0)
        upper = np.where(deviation > 0, (observed_high - mean) / safe, 0.0)
        return Scale(method, is_cost, mean, deviation, (), np.nan_to_num(lower), np.nan_to_num(upper))
    levels = []
    for column in range(columns):
        present = oriented[~np.isnan(oriented[:, column]), column]
        levels.append(Levels.of(present) if present.size else None)
    return Scale(method, is_cost, zeros, ones, tuple(levels), zeros, ones)


def subset(scale: Scale, columns: np.ndarray) -> Scale:
    """The scale of some of the criteria only, to normalise values drawn for those criteria alone."""
    return Scale(
        scale.method,
        scale.is_cost[columns],
        scale.centre[columns],
        scale.spread[columns],
        tuple(scale.reference[column] for column in columns) if scale.reference else (),
        scale.lower[columns],
        scale.upper[columns],
    )


def apply(scale: Scale, matrix: np.ndarray) -> np.ndarray:
    """Normalise values of the scale's criteria (last axis); any leading shape."""
    oriented = _orient(np.asarray(matrix, dtype=float), scale.is_cost)
    if scale.method in (MIN_MAX, Z_SCORE):
        spread = scale.spread > 0
        # Missing values stay missing through the arithmetic and the clip.
        result = (oriented - scale.centre) / np.where(spread, scale.spread, 1.0)
        if scale.method == MIN_MAX:
            np.clip(result, 0.0, 1.0, out=result)
        if not spread.all():
            # A criterion with one value everywhere carries no information: it sits in the middle of the scale.
            flat = ~spread
            result[..., flat] = np.where(np.isnan(oriented[..., flat]), np.nan, 0.5 if scale.method == MIN_MAX else 0.0)
        return result
    result = np.full(oriented.shape, np.nan)
    for column, levels in enumerate(scale.reference):
        if levels is None:
            continue
        values = oriented[..., column]
        present = ~np.isnan(values)
        count = int(levels.tied.sum())
        if count == 1:
            result[..., column] = np.where(present, 0.5, np.nan)
            continue
        # Mid-rank among the reference values, scaled to [0, 1]: a reference value beats the others below it and
        # half of those tied with it; a value between reference values sits half a place below the next one up.
        position = levels.positions(np.where(present, values, 0.0))
        distinct = levels.distinct
        inside = np.minimum(position, distinct.size - 1)
        exact = (position < distinct.size) & (distinct[inside] == values)
        below = np.where(position < distinct.size, levels.below[inside], count)
        mid_rank = (below + np.where(exact, 0.5 * levels.tied[inside], 0.0) - 0.5) / (count - 1)
        result[..., column] = np.where(present, np.clip(mid_rank, 0.0, 1.0), np.nan)
    return result


def normalize(
    matrix: np.ndarray,
    is_cost: np.ndarray,
    method: str = MIN_MAX,
    *,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> np.ndarray:
    """Fit a normalisation on the matrix and apply it to the same matrix."""
    matrix = np.asarray(matrix, dtype=float)
    return apply(fit(matrix, is_cost, method, low=low, high=high), matrix)


def min_max(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Each column scaled to [0, 1] over its observed range; a constant column becomes 0.5."""
    return normalize(matrix, is_cost, MIN_MAX)


def z_score(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Each column standardised to mean 0 and standard deviation 1; a constant column becomes 0."""
    return normalize(matrix, is_cost, Z_SCORE)


def percentile_rank(matrix: np.ndarray, is_cost: np.ndarray) -> np.ndarray:
    """Share of the other alternatives each value beats, ties counting half, in [0, 1]."""
    return normalize(matrix, is_cost, PERCENTILE)
