"""The composite-indicator pipeline over plain arrays: weights, coverage, imputation, normalisation,
aggregation, country scores from area scores, Monte Carlo uncertainty and explanation.

Alternatives are (country, area) pairs. A country's score is the mean of its best `top_k` area scores.
Nothing here touches the database; `priorities.criteria` builds the inputs and `priorities.services`
stores the outcome.
"""

from dataclasses import dataclass, field

import numpy as np

from . import aggregation, normalization
from .errors import ScoringError
from .missing import coverage, impute_group_mean
from .ranking import competition_ranks, rank_summary
from .weights import direct_weights

BENEFIT = "benefit"
COST = "cost"
ENGINE_VERSION = "1.0"


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    direction: str = BENEFIT


@dataclass(frozen=True)
class DecisionProblem:
    """The raw decision matrix: one row per (country, area) pair, one column per criterion."""

    raw: np.ndarray
    country_of_pair: np.ndarray
    area_of_pair: np.ndarray
    country_count: int
    area_count: int
    criteria: tuple[Criterion, ...]
    # Integer label per pair for imputation by group mean (e.g. region × area); None disables imputation.
    impute_group_of_pair: np.ndarray | None = None


@dataclass(frozen=True)
class Method:
    normalization: str = normalization.MIN_MAX
    aggregation: str = aggregation.WAM
    coverage_threshold: float = 0.7
    top_k: int = 3
    samples: int = 1000
    # Dirichlet concentration around the weights; None keeps the weights fixed in every sample.
    concentration: float | None = 100.0
    vary_method: bool = False
    seed: int = 0
    top: int = 10


@dataclass
class Outcome:
    weights: np.ndarray
    normalized: np.ndarray
    coverage: np.ndarray
    sufficient: np.ndarray
    pair_score: np.ndarray
    pair_contributions: np.ndarray
    pair_rank_in_area: np.ndarray
    pair_rank_in_country: np.ndarray
    pair_area_summary: dict[str, np.ndarray]
    country_score: np.ndarray
    country_contributions: np.ndarray
    country_top_areas: list[list[int]]
    country_rank: np.ndarray
    country_summary: dict[str, np.ndarray]
    timings: dict[str, float] = field(default_factory=dict)


def validate_method(method: Method) -> None:
    """Refuse a method the engine cannot run, naming the setting."""
    if method.normalization not in normalization.NORMALIZATIONS:
        raise ScoringError(f"Unknown normalisation {method.normalization!r}.", field="normalization")
    if method.aggregation not in aggregation.AGGREGATIONS:
        raise ScoringError(f"Unknown aggregation {method.aggregation!r}.", field="method")
    if not 0 <= method.coverage_threshold <= 1:
        raise ScoringError("The coverage threshold must lie between 0 and 1.", field="coverage_threshold")
    if method.top_k < 1:
        raise ScoringError("A country needs at least one area counted (top_k ≥ 1).", field="top_k_areas")
    if method.samples < 0:
        raise ScoringError("The number of Monte Carlo samples cannot be negative.", field="samples")
    if method.concentration is not None and not (np.isfinite(method.concentration) and method.concentration > 0):
        raise ScoringError("The weight concentration must be a positive number.", field="weight_concentration")


def validate(problem: DecisionProblem, method: Method) -> np.ndarray:
    """Check the problem and method; return the weights scaled to sum to 1."""
    validate_method(method)
    directions = {criterion.direction for criterion in problem.criteria}
    if not directions <= {BENEFIT, COST}:
        raise ScoringError("Each criterion's direction must be 'benefit' or 'cost'.", field="criterion_directions")
    raw = problem.raw
    if raw.ndim != 2 or raw.shape[1] != len(problem.criteria):
        raise ScoringError("The decision matrix needs one column per criterion.", field="criteria")
    if np.any(np.isinf(raw)):
        raise ScoringError("The decision matrix holds an infinite value.", field="criteria")
    return direct_weights([criterion.weight for criterion in problem.criteria])


def sample_weights(weights: np.ndarray, method: Method, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo weight vectors: Dirichlet around the nominal weights; zero weights stay zero."""
    samples = np.tile(weights, (method.samples, 1))
    if method.concentration is None or method.samples == 0:
        return samples
    positive = weights > 0
    samples[:, positive] = rng.dirichlet(method.concentration * weights[positive], size=method.samples)
    return samples


def _scores_by_method(
    raw_sufficient: np.ndarray, is_cost: np.ndarray, weights: np.ndarray, method: Method, rng: np.random.Generator
) -> np.ndarray:
    """(samples × alternatives) scores; with vary_method each sample also draws a normalisation and aggregation."""
    if not method.vary_method:
        values = normalization.normalize(raw_sufficient, is_cost, method.normalization)
        return aggregation.aggregate(values, weights, method.aggregation)
    combinations = [(n, a) for n in normalization.NORMALIZATIONS for a in aggregation.AGGREGATIONS]
    choice = rng.integers(0, len(combinations), size=weights.shape[0])
    scores = np.empty((weights.shape[0], raw_sufficient.shape[0]))
    normalized = {name: normalization.normalize(raw_sufficient, is_cost, name) for name in normalization.NORMALIZATIONS}
    for index, (norm_name, aggregation_name) in enumerate(combinations):
        chosen = choice == index
        if chosen.any():
            scores[chosen] = aggregation.aggregate(normalized[norm_name], weights[chosen], aggregation_name)
    return scores


def _grid(pair_scores: np.ndarray, problem: DecisionProblem) -> np.ndarray:
    """(samples × countries × areas) scores, NaN where a pair is missing or insufficient."""
    grid = np.full((pair_scores.shape[0], problem.country_count, problem.area_count), np.nan)
    grid[:, problem.country_of_pair, problem.area_of_pair] = pair_scores
    return grid


def _top_k_mean(grid: np.ndarray, top_k: int) -> np.ndarray:
    keyed = np.where(np.isnan(grid), -np.inf, grid)
    best = -np.sort(-keyed, axis=-1)[..., :top_k]
    finite = np.isfinite(best)
    counts = finite.sum(axis=-1)
    with np.errstate(invalid="ignore"):
        return np.where(counts > 0, np.where(finite, best, 0.0).sum(axis=-1) / np.maximum(counts, 1), np.nan)


def evaluate(problem: DecisionProblem, method: Method) -> Outcome:
    """Score and rank every pair and country, with rank intervals from the Monte Carlo samples."""
    weights = validate(problem, method)
    is_cost = np.array([criterion.direction == COST for criterion in problem.criteria], dtype=bool)
    rng = np.random.default_rng(method.seed)
    pair_count = problem.raw.shape[0]

    pair_coverage = coverage(problem.raw, weights)
    sufficient = pair_coverage >= method.coverage_threshold - 1e-12
    values = problem.raw
    if problem.impute_group_of_pair is not None:
        values = impute_group_mean(values, problem.impute_group_of_pair, rows=sufficient)
    raw_sufficient = values[sufficient]

    normalized = np.full(problem.raw.shape, np.nan)
    nominal = np.full((1, pair_count), np.nan)
    pair_contributions = np.full(problem.raw.shape, np.nan)
    sampled = np.full((method.samples, pair_count), np.nan)
    if sufficient.any():
        normalized[sufficient] = normalization.normalize(raw_sufficient, is_cost, method.normalization)
        nominal[:, sufficient] = aggregation.aggregate(normalized[sufficient], weights, method.aggregation)
        pair_contributions[sufficient] = aggregation.contributions(normalized[sufficient], weights, method.aggregation)
    if method.samples and sufficient.any():
        sampled[:, sufficient] = _scores_by_method(
            raw_sufficient, is_cost, sample_weights(weights, method, rng), method, rng
        )
    if not method.samples:
        sampled = nominal

    nominal_grid = _grid(nominal, problem)[0]
    sampled_grid = _grid(sampled, problem)
    country_score = _top_k_mean(nominal_grid, method.top_k)
    country_rank = competition_ranks(country_score)[0]
    country_summary = rank_summary(competition_ranks(_top_k_mean(sampled_grid, method.top_k)), top=method.top)

    # Areas within each country, and countries within each area (ranked over every sample at once).
    rank_in_country_grid = competition_ranks(nominal_grid)
    rank_in_area_grid = competition_ranks(nominal_grid.T).T
    samples_by_area = sampled_grid.transpose(0, 2, 1).reshape(-1, problem.country_count)
    area_ranks = competition_ranks(samples_by_area).reshape(sampled_grid.shape[0], problem.area_count, -1)
    area_summary_grid = rank_summary(area_ranks.reshape(sampled_grid.shape[0], -1), top=method.top)
    pair_area_summary = {
        name: values.reshape(problem.area_count, problem.country_count)[problem.area_of_pair, problem.country_of_pair]
        for name, values in area_summary_grid.items()
    }

    keyed = np.where(np.isnan(nominal_grid), -np.inf, nominal_grid)
    order = np.argsort(-keyed, axis=1, kind="stable")[:, : method.top_k]
    country_top_areas = [
        [int(area) for area in row if np.isfinite(keyed[country, area])] for country, row in enumerate(order)
    ]
    contribution_grid = np.full((problem.country_count, problem.area_count, len(problem.criteria)), np.nan)
    contribution_grid[problem.country_of_pair, problem.area_of_pair] = pair_contributions
    top_contributions = np.take_along_axis(contribution_grid, order[:, :, None], axis=1)
    top_finite = np.isfinite(np.take_along_axis(keyed, order, axis=1))
    with np.errstate(invalid="ignore"):
        country_contributions = (
            np.where(top_finite[:, :, None], top_contributions, 0.0).sum(axis=1)
            / np.where(top_finite.sum(axis=1) > 0, top_finite.sum(axis=1), np.nan)[:, None]
        )

    return Outcome(
        weights=weights,
        normalized=normalized,
        coverage=pair_coverage,
        sufficient=sufficient,
        pair_score=nominal[0],
        pair_contributions=pair_contributions,
        pair_rank_in_area=rank_in_area_grid[problem.country_of_pair, problem.area_of_pair],
        pair_rank_in_country=rank_in_country_grid[problem.country_of_pair, problem.area_of_pair],
        pair_area_summary=pair_area_summary,
        country_score=country_score,
        country_contributions=country_contributions,
        country_top_areas=country_top_areas,
        country_rank=country_rank,
        country_summary=country_summary,
    )
