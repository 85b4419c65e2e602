"""The composite-indicator pipeline over plain arrays: transforms, evidence strength, coverage, imputation,
normalisation, aggregation, country scores from area scores, Monte Carlo uncertainty and explanation.

Alternatives are (country, area) pairs. Evidence criteria are estimated with their strength
(`evidence.estimate`): every pair has an estimate, the pairs without enough evidence at their prior. A country's
score is its *expected* mean of the best `top_k` area scores, the expectation taken over draws of every pair's
evidence from its estimate's uncertainty; the areas nobody assessed enter at their prior, with the prior's
uncertainty. So a country assessed in more areas is not lifted by having more chances at a high value, and a
country known in one good area does not outrank one known in three slightly better ones.

Nothing here touches the database; `priorities.criteria` builds the inputs and `priorities.services` stores the
outcome.
"""

from dataclasses import dataclass, field

import numpy as np

from . import aggregation, normalization
from .errors import ScoringError
from .evidence import Estimates, estimate
from .missing import impute_group_mean
from .ranking import competition_ranks, rank_summary
from .sensitivity import drivers, quantile_bins
from .weights import direct_weights

BENEFIT = "benefit"
COST = "cost"
IDENTITY = "none"
LOG1P = "log1p"
TRANSFORMS = (IDENTITY, LOG1P)
ENGINE_VERSION = "2.5"
# Inputs beyond this in either direction are refused: they are typing or unit errors and would swamp any scale.
LARGEST_VALUE = 1e12
# Draws are evaluated this many at a time, to bound the memory a run takes whatever the number of samples.
DRAW_CHUNK = 50


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    direction: str = BENEFIT
    # Fixed goalposts of the criterion's scale in its own units; None: min-max takes the observed range.
    low: float | None = None
    high: float | None = None
    # log1p for unbounded counts and sums, whose few large values would otherwise squeeze everyone else together.
    transform: str = IDENTITY
    # Estimated from recency-weighted evidence and shrunk toward a prior (DecisionProblem.evidence).
    evidence: bool = False
    # Criteria weighed as one (the policy sources): their weights are one input of the sensitivity analysis.
    group: str | None = None

    @property
    def weight_group(self) -> str:
        return self.group or self.code


@dataclass(frozen=True)
class DecisionProblem:
    """The raw decision matrix: one row per (country, area) pair, one column per criterion."""

    raw: np.ndarray
    country_of_pair: np.ndarray
    area_of_pair: np.ndarray
    country_count: int
    area_count: int
    criteria: tuple[Criterion, ...]
    # Integer label per pair for imputation by group mean (e.g. region × area), or per pair and criterion with −1
    # where a criterion's missing values stay missing; None disables imputation.
    impute_group_of_pair: np.ndarray | None = None
    # Effective amount of evidence (sum of recency weights) behind each pair's value of each evidence criterion.
    evidence: np.ndarray | None = None
    # Integer label per pair of its country's group (region or income group) for the evidence priors.
    prior_group_of_pair: np.ndarray | None = None
    # Other readings of the same evidence, as (raw, evidence) pairs — e.g. under a shorter and a longer half-life —
    # among which each Monte Carlo sample draws one.
    variants: tuple[tuple[np.ndarray, np.ndarray | None], ...] = ()


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
    # Weight of the prior in fresh-report equivalents; 0 shrinks nothing.
    prior_strength: float = 1.0
    # Effective evidence a pair's evidence criterion needs to count as observed (else it sits at its prior).
    minimum_evidence: float = 0.1
    # Draws of the evidence over which a country's expected top-k score is taken.
    evidence_draws: int = 200
    # The numbers of areas counted among which each Monte Carlo sample draws one; empty: `top_k` in every sample.
    top_k_choices: tuple[int, ...] = ()


@dataclass
class Outcome:
    weights: np.ndarray
    estimates: Estimates
    # The values scored (after transform, shrinkage and imputation), normalised, and as the method combines them.
    values: np.ndarray
    normalized: np.ndarray
    aggregated: np.ndarray
    imputed: np.ndarray
    # Ends of each criterion's normalised scale: TOPSIS's anti-ideal and ideal points.
    lower: np.ndarray
    upper: np.ndarray
    # Skewness and excess kurtosis of each criterion over the ranked pairs, before and after its transform.
    shape: dict[str, np.ndarray]
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
    # Each Monte Carlo sample's pair scores (samples × pairs; NaN where a pair lacks evidence): the run's
    # uncertainty as a cooperation plan reads it.
    sampled_pair_score: np.ndarray
    # Per country, the Monte Carlo inputs that explain most of its rank's variance, with their first-order index
    # and, once a Sobol analysis has replaced them (`Sensitivity.drivers`), their total index.
    country_drivers: list[list[tuple[str, float, float | None]]]
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
    if not (np.isfinite(method.prior_strength) and method.prior_strength >= 0):
        raise ScoringError("The prior strength must be zero or more.", field="prior_strength")
    if not (np.isfinite(method.minimum_evidence) and method.minimum_evidence >= 0):
        raise ScoringError("The minimum evidence must be zero or more.", field="minimum_evidence")
    if method.evidence_draws < 0:
        raise ScoringError("The number of evidence draws cannot be negative.", field="evidence_draws")
    if any(k < 1 for k in method.top_k_choices):
        raise ScoringError("A country needs at least one area counted (top_k ≥ 1).", field="top_k_areas")


def validate(problem: DecisionProblem, method: Method) -> np.ndarray:
    """Check the problem and method; return the weights scaled to sum to 1."""
    validate_method(method)
    criteria = problem.criteria
    if not {criterion.direction for criterion in criteria} <= {BENEFIT, COST}:
        raise ScoringError("Each criterion's direction must be 'benefit' or 'cost'.", field="criterion_directions")
    if not {criterion.transform for criterion in criteria} <= set(TRANSFORMS):
        raise ScoringError("Each criterion's transform must be 'none' or 'log1p'.", field="criteria")
    raw = problem.raw
    if raw.ndim != 2 or raw.shape[1] != len(criteria):
        raise ScoringError("The decision matrix needs one column per criterion.", field="criteria")
    if np.any(np.isinf(raw)):
        raise ScoringError("The decision matrix holds an infinite value.", field="criteria")
    if np.any(np.abs(np.nan_to_num(raw)) > LARGEST_VALUE):
        raise ScoringError(f"The decision matrix holds a value beyond ±{LARGEST_VALUE:g}.", field="criteria")
    logged = np.array([criterion.transform == LOG1P for criterion in criteria], dtype=bool)
    if np.any(np.where(np.isnan(raw), 0.0, raw)[:, logged] < 0):
        raise ScoringError("A count or sum scored on a logarithmic scale cannot be negative.", field="criteria")
    for criterion in criteria:
        if (criterion.low is None) != (criterion.high is None) or (
            criterion.low is not None and criterion.high is not None and not criterion.low < criterion.high
        ):
            raise ScoringError(
                f"The goalposts of {criterion.code} must be a lower and a higher value.", field="criteria"
            )
    for variant_raw, variant_evidence in ((raw, problem.evidence), *problem.variants):
        if variant_raw.shape != raw.shape or (variant_evidence is not None and variant_evidence.shape != raw.shape):
            raise ScoringError("The evidence matrices must match the decision matrix.", field="criteria")
    return direct_weights([criterion.weight for criterion in criteria])


def _transform(matrix: np.ndarray, logged: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.where(logged, np.log1p(np.where(logged, matrix, 0.0)), matrix)


def goalposts(criteria: tuple[Criterion, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each criterion's goalposts on its transformed scale (NaN where it has none)."""
    low = np.array([np.nan if c.low is None else c.low for c in criteria], dtype=float)
    high = np.array([np.nan if c.high is None else c.high for c in criteria], dtype=float)
    logged = np.array([c.transform == LOG1P for c in criteria], dtype=bool)
    return _transform(low, logged), _transform(high, logged)


def sample_weights(weights: np.ndarray, method: Method, rng: np.random.Generator) -> np.ndarray:
    """Monte Carlo weight vectors: Dirichlet around the nominal weights; zero weights stay zero."""
    samples = np.tile(weights, (method.samples, 1))
    if method.concentration is None or method.samples == 0:
        return samples
    positive = weights > 0
    samples[:, positive] = rng.dirichlet(method.concentration * weights[positive], size=method.samples)
    return samples


@dataclass
class Reading:
    """One reading of the evidence — estimates, sufficiency, values and fitted scales — that the nominal
    evaluation and every draw share."""

    problem: DecisionProblem
    method: Method
    weights: np.ndarray
    values: np.ndarray
    estimates: Estimates
    drawn: np.ndarray
    low: np.ndarray
    high: np.ndarray
    sufficient: np.ndarray
    enters: np.ndarray
    ranked: np.ndarray
    scales: dict[str, normalization.Scale]
    prepared: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    @property
    def columns(self) -> np.ndarray:
        return np.flatnonzero(self.drawn)

    @property
    def normalized(self) -> np.ndarray:
        return normalization.apply(self.scales[self.method.normalization], self.values)

    def shared(self, norm: str, method: str) -> np.ndarray:
        """The nominal values normalised and prepared for a method, computed once per combination."""
        if (norm, method) not in self.prepared:
            scale = self.scales[norm]
            self.prepared[(norm, method)] = aggregation.aggregated_values(
                normalization.apply(scale, self.values), method, scale.lower, scale.upper
            )
        return self.prepared[(norm, method)]


def _drawn_with(setup: Reading, noise: np.ndarray) -> np.ndarray:
    """The evidence criteria drawn from their estimates with standard normal `noise` (draws × pairs × drawn
    criteria), held within their goalposts."""
    columns = setup.columns
    estimates = setup.estimates
    drawn = estimates.standard_error[:, columns] * noise
    drawn += estimates.mean[:, columns]
    low = np.where(np.isnan(setup.low[columns]), -np.inf, setup.low[columns])
    high = np.where(np.isnan(setup.high[columns]), np.inf, setup.high[columns])
    return np.clip(drawn, low, high, out=drawn)


def _draw_columns(setup: Reading, rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` draws (count × pairs × drawn criteria) of the evidence criteria, and the noise they were drawn with."""
    noise = rng.standard_normal((count, setup.values.shape[0], setup.columns.size))
    return _drawn_with(setup, noise), noise


def _own_evidence(setup: Reading, noise: np.ndarray) -> np.ndarray:
    """How favourably each country's own evidence was drawn (count × countries): the weighted noise of its
    benefit-oriented evidence criteria, averaged over its pairs."""
    problem = setup.problem
    columns = setup.columns
    signs = np.array([-1.0 if problem.criteria[c].direction == COST else 1.0 for c in columns])
    favour = noise @ (signs * setup.weights[columns])
    rows, countries = noise.shape[0], problem.country_count
    cell = (np.arange(rows)[:, None] * countries + problem.country_of_pair).ravel()
    per_country = np.bincount(cell, weights=favour.ravel(), minlength=rows * countries).reshape(rows, countries)
    return per_country / np.maximum(np.bincount(problem.country_of_pair, minlength=countries), 1)


def _drawn_scores(setup: Reading, drawn: np.ndarray | None, weights: np.ndarray, norm: str, method: str) -> np.ndarray:
    """Scores (samples × pairs): the drawn criteria from `drawn` (samples × pairs × drawn criteria, or None when
    nothing is drawn), the others from the nominal values."""
    scale = setup.scales[norm]
    columns = setup.columns if drawn is not None else np.array([], dtype=int)
    prepared = None
    if drawn is not None:
        normalised = normalization.apply(normalization.subset(scale, columns), drawn)
        prepared = aggregation.aggregated_values(normalised, method, scale.lower[columns], scale.upper[columns])
    return aggregation.combine_drawn(
        setup.shared(norm, method), prepared, columns, weights, method, scale.lower, scale.upper
    )


def _pair_scores(setup: Reading, values: np.ndarray, weights: np.ndarray, norm: str, method: str):
    """Scores (samples × pairs) and the values combined, for values shared by all weight rows or one set per row."""
    scale = setup.scales[norm]
    combined = aggregation.aggregated_values(normalization.apply(scale, values), method, scale.lower, scale.upper)
    return aggregation.combine(combined, weights, method, scale.lower, scale.upper), combined


def _entered_grid(setup: Reading, pair_scores: np.ndarray) -> np.ndarray:
    """(rows × countries × areas) scores of the pairs that enter their country's score; −inf elsewhere."""
    problem = setup.problem
    grid = np.full((pair_scores.shape[0], problem.country_count, problem.area_count), -np.inf)
    grid[:, problem.country_of_pair, problem.area_of_pair] = np.where(
        setup.enters & ~np.isnan(pair_scores), pair_scores, -np.inf
    )
    return grid


def _top_k_mean(setup: Reading, pair_scores: np.ndarray, top_k: np.ndarray) -> np.ndarray:
    """Each country's mean of its best k area scores, per row of pair scores, k given per row."""
    problem = setup.problem
    grid = _entered_grid(setup, pair_scores)
    largest = int(min(top_k.max(), problem.area_count)) if top_k.size else 0
    if largest == 0:
        return np.full(grid.shape[:2], np.nan)
    # The `largest` best scores of each country, best first.
    best = -np.sort(np.partition(-grid, largest - 1, axis=-1)[..., :largest], axis=-1)
    counted = np.isfinite(best) & (np.arange(largest) < top_k[:, None, None])
    counts = counted.sum(axis=-1)
    scores = np.where(counted, best, 0.0).sum(axis=-1) / np.maximum(counts, 1)
    return np.where((counts > 0) & setup.ranked, scores, np.nan)


def _top_k(setup: Reading, pair_scores: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each country's mean of its best `top_k` area scores per row, with the areas chosen and which were present."""
    grid = _entered_grid(setup, pair_scores)
    order = np.argsort(-grid, axis=-1, kind="stable")[..., :top_k]
    best = np.take_along_axis(grid, order, axis=-1)
    present = np.isfinite(best)
    counts = present.sum(axis=-1)
    scores = np.where(present, best, 0.0).sum(axis=-1) / np.maximum(counts, 1)
    return np.where((counts > 0) & setup.ranked, scores, np.nan), order, present


def _expected_country_scores(setup: Reading, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each country's expected top-k score over draws of the evidence, and each criterion's part in it.

    A criterion's part in a pair's score is its weighted term over the pair's weight total (`contributions`), and a
    country's part is the mean over its chosen areas: so the criteria not drawn need only each pair's sum, over
    the draws, of how much it counted in its country's score divided by its weight total; the drawn criteria need
    that weight times their drawn term.
    """
    problem, method = setup.problem, setup.method
    draws = method.evidence_draws if setup.drawn.any() else 0
    norm, method_name = method.normalization, method.aggregation
    scale = setup.scales[norm]
    columns = setup.columns if draws else np.array([], dtype=int)
    weights = setup.weights
    shared = setup.shared(norm, method_name)
    shared_terms = aggregation.contribution_terms(shared, method_name)
    shared_weights = np.where(np.isnan(shared), 0.0, weights)
    shared_weights[:, columns] = 0.0
    shared_total = shared_weights.sum(axis=1)
    pair_index = (problem.country_of_pair, problem.area_of_pair)
    score_total = np.zeros(problem.country_count)
    counted_weight = np.zeros(shared.shape[0])
    drawn_parts = np.zeros((shared.shape[0], columns.size))
    counted = 0
    for start in range(0, max(draws, 1), DRAW_CHUNK):
        count = min(DRAW_CHUNK, draws - start) if draws else 1
        prepared = None
        totals = np.broadcast_to(shared_total, (count, shared.shape[0]))
        if draws:
            drawn = _draw_columns(setup, rng, count)[0]
            prepared = aggregation.aggregated_values(
                normalization.apply(normalization.subset(scale, columns), drawn),
                method_name,
                scale.lower[columns],
                scale.upper[columns],
            )
            totals = totals + (~np.isnan(prepared)) @ weights[columns]
        scores = aggregation.combine_drawn(
            shared, prepared, columns, weights[None], method_name, scale.lower, scale.upper
        )
        country_scores, order, present = _top_k(setup, scores, method.top_k)
        # How much each pair counted in its country's score in each draw: 1/n for each of the n areas chosen.
        chosen = np.zeros((count, problem.country_count, problem.area_count))
        np.put_along_axis(chosen, order, present / np.maximum(present.sum(axis=-1), 1)[..., None], axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(totals > 0, chosen[:, pair_index[0], pair_index[1]] / totals, 0.0)
        counted_weight += share.sum(axis=0)
        if prepared is not None:
            drawn_parts += np.einsum("dp,dpc->pc", share, aggregation.contribution_terms(prepared, method_name))
        score_total += np.nan_to_num(country_scores).sum(axis=0)
        counted += count
    pair_parts = counted_weight[:, None] * shared_weights * shared_terms
    pair_parts[:, columns] = drawn_parts * weights[columns]
    per_country = np.zeros((problem.country_count, len(problem.criteria)))
    np.add.at(per_country, problem.country_of_pair, pair_parts)
    country_score = np.where(setup.ranked, score_total / counted, np.nan)
    contributions = np.where(setup.ranked[:, None], per_country / counted, np.nan)
    if method.aggregation == aggregation.WGM:
        # The draws' log parts add up to the mean log of the chosen areas' scores, not to the log of the expected
        # score: each criterion keeps its share of them, scaled to add up to ln(score).
        with np.errstate(invalid="ignore", divide="ignore"):
            total = contributions.sum(axis=1, keepdims=True)
            contributions = np.where(total < 0, contributions / total, 0.0) * np.log(country_score)[:, None]
    return country_score, contributions


def _effects_at_mean(setup: Reading, prepared: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """For each pair and criterion, how much lower the score would be with that criterion at its mean over the
    ranked pairs (TOPSIS, whose closeness is not a sum of parts)."""
    scale = setup.scales[setup.method.normalization]
    reference = prepared[setup.sufficient] if setup.sufficient.any() else prepared
    present = ~np.isnan(reference)
    means = np.where(present, reference, 0.0).sum(axis=0) / np.maximum(present.sum(axis=0), 1)
    effects = np.full(prepared.shape, np.nan)
    for column in range(prepared.shape[1]):
        at_mean = prepared.copy()
        at_mean[:, column] = np.where(np.isnan(prepared[:, column]), np.nan, means[column])
        changed = aggregation.combine(at_mean, setup.weights[None], aggregation.TOPSIS, scale.lower, scale.upper)[0]
        effects[:, column] = np.where(np.isnan(prepared[:, column]), 0.0, scores - changed)
    return effects


def method_combinations(method: Method) -> list[tuple[str, str]]:
    """The (normalisation, aggregation) pairs the Monte Carlo draws among: the method's own unless vary_method."""
    if not method.vary_method:
        return [(method.normalization, method.aggregation)]
    return [(n, a) for n in normalization.NORMALIZATIONS for a in aggregation.AGGREGATIONS]


def _scores_by_combination(
    setup: Reading,
    drawn: np.ndarray | None,
    weights: np.ndarray,
    choice: np.ndarray,
    combinations: list[tuple[str, str]],
) -> np.ndarray:
    """Pair scores (rows × pairs), each row under its own weights and its chosen (normalisation, aggregation)."""
    scores = np.empty((weights.shape[0], setup.values.shape[0]))
    for combination, (norm, aggregation_name) in enumerate(combinations):
        chosen = np.flatnonzero(choice == combination)
        if chosen.size:
            scores[chosen] = _drawn_scores(
                setup, None if drawn is None else drawn[chosen], weights[chosen], norm, aggregation_name
            )
    return scores


def drawn_columns(readings: list[Reading]) -> np.ndarray:
    """The criteria drawn from their evidence in any of the readings: the columns of the noise
    `country_scores_given` takes."""
    return np.flatnonzero(np.any([reading.drawn for reading in readings], axis=0))


def country_scores_given(
    readings: list[Reading],
    weights: np.ndarray,
    combination: np.ndarray,
    reading: np.ndarray,
    top_k: np.ndarray,
    noise: np.ndarray | None,
) -> np.ndarray:
    """Realised country scores (rows × countries) of Monte Carlo rows whose inputs are given rather than drawn:
    each row's weights, index into `method_combinations`, index into `readings`, areas counted, and standard normal
    noise of the evidence (rows × pairs × `drawn_columns(readings)`; None when nothing is drawn)."""
    nominal = readings[0]
    combinations = method_combinations(nominal.method)
    union = drawn_columns(readings)
    scores = np.empty((weights.shape[0], nominal.problem.country_count))
    for start in range(0, weights.shape[0], DRAW_CHUNK):
        rows = np.arange(start, min(start + DRAW_CHUNK, weights.shape[0]))
        for index, setup in enumerate(readings):
            mine = rows[reading[rows] == index]
            if not mine.size:
                continue
            drawn = None
            if setup.drawn.any() and noise is not None:
                drawn = _drawn_with(setup, noise[mine][..., np.searchsorted(union, setup.columns)])
            pair_scores = _scores_by_combination(setup, drawn, weights[mine], combination[mine], combinations)
            scores[mine] = _top_k_mean(setup, pair_scores, top_k[mine])
    return scores


def _sampled_scores(
    setups: list[Reading], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Monte Carlo: pair scores (samples × pairs), realised country scores (samples × countries) and what each
    sample drew, grouped for the sensitivity analysis. Each sample has its own weights, evidence draw, reading of
    the evidence (one of `setups`, e.g. a half-life), number of areas counted and, with vary_method, normalisation
    and aggregation."""
    nominal = setups[0]
    method = nominal.method
    weights = sample_weights(nominal.weights, method, rng)
    combinations = method_combinations(method)
    choice = rng.integers(0, len(combinations), size=method.samples)
    reading = rng.integers(0, len(setups), size=method.samples)
    top_k = rng.choice(np.asarray(method.top_k_choices or (method.top_k,)), size=method.samples)
    pair_scores = np.empty((method.samples, nominal.values.shape[0]))
    country_scores = np.empty((method.samples, nominal.problem.country_count))
    own_evidence = np.zeros((method.samples, nominal.problem.country_count))
    drawing = any(setup.drawn.any() for setup in setups)
    chunk = DRAW_CHUNK if drawing else max(method.samples, 1)
    for start in range(0, method.samples, chunk):
        rows = np.arange(start, min(start + chunk, method.samples))
        for index, setup in enumerate(setups):
            mine = rows[reading[rows] == index]
            if not mine.size:
                continue
            drawn = None
            if setup.drawn.any():
                drawn, noise = _draw_columns(setup, rng, mine.size)
                own_evidence[mine] = _own_evidence(setup, noise)
            pair_scores[mine] = _scores_by_combination(setup, drawn, weights[mine], choice[mine], combinations)
            country_scores[mine] = _top_k_mean(setup, pair_scores[mine], top_k[mine])
    inputs: dict[str, np.ndarray] = {}
    groups: dict[str, list[int]] = {}
    for column, criterion in enumerate(nominal.problem.criteria):
        if nominal.weights[column] > 0:
            groups.setdefault(criterion.weight_group, []).append(column)
    if method.concentration is not None:
        for group, columns in groups.items():
            inputs[f"weight:{group}"] = quantile_bins(weights[:, columns].sum(axis=1, keepdims=True))
    if method.vary_method:
        inputs["normalization"] = choice // len(aggregation.AGGREGATIONS)
        inputs["aggregation"] = choice % len(aggregation.AGGREGATIONS)
    if len(set(method.top_k_choices)) > 1:
        inputs["top_k_areas"] = np.unique(top_k, return_inverse=True)[1]
    if len(setups) > 1:
        inputs["recency_half_life_days"] = reading
    if drawing:
        inputs["evidence"] = quantile_bins(own_evidence)
    return pair_scores, country_scores, inputs


def _reading(
    problem: DecisionProblem,
    method: Method,
    weights: np.ndarray,
    raw: np.ndarray,
    evidence: np.ndarray | None,
    nominal: Reading | None = None,
) -> Reading:
    """Estimates, sufficiency and values of one reading of the evidence. Other readings than the nominal one share
    its normalisation scales and the set of countries ranked."""
    criteria = problem.criteria
    is_cost = np.array([criterion.direction == COST for criterion in criteria], dtype=bool)
    is_evidence = np.array([criterion.evidence for criterion in criteria], dtype=bool)
    logged = np.array([criterion.transform == LOG1P for criterion in criteria], dtype=bool)
    low, high = goalposts(criteria)
    estimates = estimate(
        _transform(raw, logged),
        evidence,
        is_evidence,
        area_of_pair=problem.area_of_pair,
        area_count=problem.area_count,
        group_of_pair=problem.prior_group_of_pair,
        strength=method.prior_strength,
        minimum=method.minimum_evidence,
        low=low,
        high=high,
    )
    sufficient = estimates.observed.astype(float) @ weights >= method.coverage_threshold - 1e-12
    values = estimates.mean
    if problem.impute_group_of_pair is not None:
        values = impute_group_mean(values, problem.impute_group_of_pair, rows=sufficient)
    # A pair short of evidence still enters its country's score, at its prior, once every weighed criterion
    # estimated from evidence has a value there; a missing context value drops out of the pair's weights as it
    # does for a sufficient pair. A country is ranked only if at least one of its pairs has enough evidence of
    # its own.
    enters = sufficient | np.all(~np.isnan(values) | (weights == 0) | ~is_evidence, axis=1)
    if nominal is None:
        ranked = np.bincount(problem.country_of_pair, weights=sufficient, minlength=problem.country_count) > 0
        reference = values[sufficient] if sufficient.any() else values
        names = normalization.NORMALIZATIONS if method.vary_method else (method.normalization,)
        scales = {name: normalization.fit(reference, is_cost, name, low=low, high=high) for name in names}
    else:
        ranked, scales = nominal.ranked, nominal.scales
    drawn = is_evidence & (weights > 0) & np.any(estimates.standard_error > 0, axis=0)
    return Reading(problem, method, weights, values, estimates, drawn, low, high, sufficient, enters, ranked, scales)


def read(problem: DecisionProblem, method: Method) -> Reading:
    """The nominal reading of a problem, for analyses that recompute it one change at a time."""
    return _reading(problem, method, validate(problem, method), problem.raw, problem.evidence)


def _variant_readings(problem: DecisionProblem, method: Method, nominal: Reading) -> list[Reading]:
    return [_reading(problem, method, nominal.weights, *variant, nominal=nominal) for variant in problem.variants]


def read_all(problem: DecisionProblem, method: Method) -> list[Reading]:
    """Every reading the Monte Carlo draws among: the nominal one first, then one per variant (e.g. half-life)."""
    nominal = read(problem, method)
    return [nominal, *_variant_readings(problem, method, nominal)]


def evidence_noise(reading: Reading) -> np.ndarray | None:
    """The standard normal noise of the draws behind a run's expected country scores (draws × pairs × drawn
    criteria): the same numbers `evaluate` draws first from the run's seed."""
    if not reading.drawn.any():
        return None
    rng = np.random.default_rng(reading.method.seed)
    shape = (reading.method.evidence_draws, reading.values.shape[0], reading.columns.size)
    return rng.standard_normal(shape)


def prepared_draws(reading: Reading, noise: np.ndarray | None) -> np.ndarray | None:
    """The evidence drawn with `noise` (from `evidence_noise`), normalised and prepared for the reading's method:
    (draws × pairs × drawn criteria), ready for `country_scores_under` under any weights."""
    if noise is None or noise.shape[0] == 0:
        return None
    method = reading.method
    columns = reading.columns
    scale = reading.scales[method.normalization]
    return aggregation.aggregated_values(
        normalization.apply(normalization.subset(scale, columns), _drawn_with(reading, noise)),
        method.aggregation,
        scale.lower[columns],
        scale.upper[columns],
    )


def country_scores_under(reading: Reading, weights: np.ndarray | None, draws: np.ndarray | None) -> np.ndarray:
    """Expected country scores (rows × countries) under each row of weights (None: the reading's own), over the
    evidence `draws` (from `prepared_draws`; None: the evidence at its estimates)."""
    method = reading.method
    rows = reading.weights[None] if weights is None else np.atleast_2d(weights)
    k = method.top_k
    if draws is None:
        scores = _drawn_scores(reading, None, rows, method.normalization, method.aggregation)
        return _top_k_mean(reading, scores, np.full(rows.shape[0], k))
    columns = reading.columns
    scale = reading.scales[method.normalization]
    prepared = draws
    shared = reading.shared(method.normalization, method.aggregation)
    expected = np.empty((rows.shape[0], reading.problem.country_count))
    for row, weights_row in enumerate(rows):
        scores = aggregation.combine_drawn(
            shared, prepared, columns, weights_row[None], method.aggregation, scale.lower, scale.upper
        )
        expected[row] = _top_k_mean(reading, scores, np.full(draws.shape[0], k)).mean(axis=0)
    return expected


def evaluate(problem: DecisionProblem, method: Method) -> Outcome:
    """Score and rank every pair and country, with rank intervals from the Monte Carlo samples."""
    weights = validate(problem, method)
    rng = np.random.default_rng(method.seed)
    setup = _reading(problem, method, weights, problem.raw, problem.evidence)
    estimates, values, sufficient, scales = setup.estimates, setup.values, setup.sufficient, setup.scales
    pair_coverage = estimates.observed.astype(float) @ weights
    imputed = ~estimates.observed & ~np.isnan(values)

    scale = scales[method.normalization]
    normalized = normalization.apply(scale, values)
    nominal, aggregated = _pair_scores(setup, values, weights[None], method.normalization, method.aggregation)
    pair_score = np.where(sufficient, nominal[0], np.nan)
    if method.aggregation == aggregation.TOPSIS:
        parts = _effects_at_mean(setup, aggregated, nominal[0])
    else:
        parts = aggregation.contributions(aggregated, weights, method.aggregation)
    pair_contributions = np.where(sufficient[:, None], parts, np.nan)
    country_score, country_contributions = _expected_country_scores(setup, rng)
    country_rank = competition_ranks(country_score)[0]

    if method.samples:
        readings = [setup, *_variant_readings(problem, method, setup)]
        sampled_pairs, sampled_countries, drawn_inputs = _sampled_scores(readings, rng)
        sampled_pairs = np.where(sufficient, sampled_pairs, np.nan)
    else:
        sampled_pairs, sampled_countries, drawn_inputs = pair_score[None], country_score[None], {}
    sampled_ranks = competition_ranks(sampled_countries)
    country_summary = rank_summary(sampled_ranks, top=method.top)
    country_drivers = drivers(sampled_ranks, drawn_inputs)

    # Areas within each country, and countries within each area (ranked over every sample at once).
    nominal_grid = _grid(pair_score[None], problem)[0]
    sampled_grid = _grid(sampled_pairs, problem)
    rank_in_country_grid = competition_ranks(nominal_grid)
    rank_in_area_grid = competition_ranks(nominal_grid.T).T
    samples_by_area = sampled_grid.transpose(0, 2, 1).reshape(-1, problem.country_count)
    area_ranks = competition_ranks(samples_by_area).reshape(sampled_grid.shape[0], problem.area_count, -1)
    area_summary_grid = rank_summary(area_ranks.reshape(sampled_grid.shape[0], -1), top=method.top)
    pair_area_summary = {
        name: summary.reshape(problem.area_count, problem.country_count)[problem.area_of_pair, problem.country_of_pair]
        for name, summary in area_summary_grid.items()
    }

    keyed = np.where(np.isnan(nominal_grid), -np.inf, nominal_grid)
    order = np.argsort(-keyed, axis=1, kind="stable")[:, : method.top_k]
    country_top_areas = [
        [int(area) for area in row if np.isfinite(keyed[country, area])] for country, row in enumerate(order)
    ]
    if method.aggregation == aggregation.TOPSIS:
        # A country's effects: the mean of its top areas' effects (its score is an expectation over draws, which
        # would take one more set of draws per criterion to perturb).
        grid = np.full((problem.country_count, problem.area_count, len(problem.criteria)), np.nan)
        grid[problem.country_of_pair, problem.area_of_pair] = pair_contributions
        chosen = np.take_along_axis(grid, order[:, :, None], axis=1)
        counted = np.isfinite(np.take_along_axis(keyed, order, axis=1))
        with np.errstate(invalid="ignore"):
            country_contributions = (
                np.where(counted[:, :, None], chosen, 0.0).sum(axis=1) / counted.sum(axis=1)[:, None]
            )
        country_contributions = np.where(setup.ranked[:, None], country_contributions, np.nan)
    return Outcome(
        weights=weights,
        estimates=estimates,
        values=values,
        normalized=normalized,
        aggregated=aggregated,
        imputed=imputed,
        lower=scale.lower,
        shape=distribution_shape(problem.raw[sufficient], values[sufficient]),
        upper=scale.upper,
        coverage=pair_coverage,
        sufficient=sufficient,
        pair_score=pair_score,
        pair_contributions=pair_contributions,
        pair_rank_in_area=rank_in_area_grid[problem.country_of_pair, problem.area_of_pair],
        pair_rank_in_country=rank_in_country_grid[problem.country_of_pair, problem.area_of_pair],
        pair_area_summary=pair_area_summary,
        country_score=country_score,
        country_contributions=country_contributions,
        country_top_areas=country_top_areas,
        country_rank=country_rank,
        country_summary=country_summary,
        sampled_pair_score=sampled_pairs,
        country_drivers=country_drivers,
    )


# COINr's rule (Becker et al.): a criterion whose |skewness| exceeds 2 and whose excess kurtosis exceeds 3.5 has
# outliers that would squeeze everyone else together, and wants a transform.
SKEW_LIMIT, KURTOSIS_LIMIT = 2.0, 3.5


def _moments(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skewness and excess kurtosis of each column, ignoring missing values (0 where a column is constant)."""
    present = ~np.isnan(matrix)
    counts = np.maximum(present.sum(axis=0), 1)
    centred = np.where(present, matrix - np.where(present, matrix, 0.0).sum(axis=0) / counts, 0.0)
    variance = (centred**2).sum(axis=0) / counts
    # A spread lost in rounding (a constant column summed in another order) is no spread.
    spread = variance > 1e-24 * (1.0 + np.abs(matrix[present].max(initial=0.0))) ** 2
    safe = np.where(spread, variance, 1.0)
    skewness = np.where(spread, (centred**3).sum(axis=0) / counts / safe**1.5, 0.0)
    kurtosis = np.where(spread, (centred**4).sum(axis=0) / counts / safe**2 - 3.0, 0.0)
    return skewness, kurtosis


def distribution_shape(raw: np.ndarray, scored: np.ndarray) -> dict[str, np.ndarray]:
    """Each criterion's skewness and excess kurtosis as read and as scored, and whether COINr's rule flags it."""
    raw_skewness, raw_kurtosis = _moments(raw)
    skewness, kurtosis = _moments(scored)
    return {
        "raw_skewness": raw_skewness,
        "raw_kurtosis": raw_kurtosis,
        "raw_flagged": (np.abs(raw_skewness) > SKEW_LIMIT) & (raw_kurtosis > KURTOSIS_LIMIT),
        "skewness": skewness,
        "kurtosis": kurtosis,
        "flagged": (np.abs(skewness) > SKEW_LIMIT) & (kurtosis > KURTOSIS_LIMIT),
    }


def _grid(pair_scores: np.ndarray, problem: DecisionProblem) -> np.ndarray:
    """(samples × countries × areas) scores, NaN where a pair is missing or insufficient."""
    grid = np.full((pair_scores.shape[0], problem.country_count, problem.area_count), np.nan)
    grid[:, problem.country_of_pair, problem.area_of_pair] = pair_scores
    return grid
