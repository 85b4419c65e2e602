"""Variance-based sensitivity of each country's rank and score to each uncertain input of the Monte Carlo.

The inputs are those a run's Monte Carlo draws: each weight group's weights, the normalisation, the aggregation
method, the number of areas counted, the half-life of the evidence and the draw of the evidence itself. Each is
made an independent input in a Saltelli design (Saltelli et al. 2010): two matrices A and B of base samples from a
scrambled Sobol sequence, and for each input a matrix AB_i, A with input i taken from B. The weights are drawn as
the Monte Carlo draws them — a Dirichlet around the nominal weights, here as independent gamma variables divided by
their sum, so that each group's variables can be switched on their own; the evidence noise of a row is a block of
standard normals per base sample.

The first-order index S_i (the share of the output's variance input i explains on its own; Saltelli 2010) and the
total index ST_i (its share with every interaction it is part of; Jansen 1999) are the estimators SALib's
`sobol.analyze` uses, on outputs standardised as it does, with bootstrap confidence intervals — computed for every
country at once: a resample of the base rows is a row of counts, so each resample's sums are one matrix product.

The design has 2N base samples. The indices are estimated from the first N and from all 2N; the run states whether
the two agree within `CONVERGENCE_TOLERANCE`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.stats import qmc

from .engine import (
    DecisionProblem,
    Method,
    Reading,
    country_scores_given,
    drawn_columns,
    method_combinations,
    read_all,
)
from .ranking import competition_ranks

RESAMPLES = 100
CONFIDENCE = 0.95
# Largest difference of any index between N and 2N base samples for the estimate to count as converged.
CONVERGENCE_TOLERANCE = 0.1
# Rows of the design evaluated at once, to report progress and bound memory.
EVALUATION_CHUNK = 2048


@dataclass(frozen=True)
class Indices:
    """First-order and total indices (inputs × outputs) and the half-widths of their confidence intervals."""

    first: np.ndarray
    total: np.ndarray
    first_conf: np.ndarray
    total_conf: np.ndarray


def _resample_counts(base: int, resamples: int, seed: int | None) -> np.ndarray:
    """How many times each base row appears in each bootstrap resample (resamples × base), drawn as SALib draws them
    (unseeded when `seed` is None or 0, as there), so that the same seed gives SALib's intervals."""
    draw = np.random.default_rng(seed).integers if seed else np.random.randint
    picks = draw(base, size=(base, resamples))
    counts = np.zeros((resamples, base))
    np.add.at(counts, (np.broadcast_to(np.arange(resamples), picks.shape), picks), 1.0)
    return counts


def estimate(
    y_a: np.ndarray,
    y_b: np.ndarray,
    y_ab: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int | None = None,
) -> Indices:
    """Indices of outputs y_a, y_b (N × outputs) and y_ab (inputs × N × outputs), each output standardised over
    all its rows. With the same `seed`, SALib's `sobol.analyze` of one output gives the same numbers."""
    inputs, base = y_ab.shape[0], y_a.shape[0]
    stacked = np.concatenate([y_a[None], y_ab, y_b[None]])
    mean, spread = stacked.mean(axis=(0, 1)), stacked.std(axis=(0, 1))
    scale = np.where(spread > 0, spread, 1.0)
    a, b, ab = (y_a - mean) / scale, (y_b - mean) / scale, (y_ab - mean) / scale
    eps = np.finfo(float).eps

    both = np.concatenate([a, b])
    variance = both.var(axis=0)
    usable = (np.ptp(both, axis=0) > eps) & (variance > eps)
    safe_variance = np.where(usable, variance, 1.0)

    counts = _resample_counts(base, resamples, seed)
    # Each resample's mean and mean square of the stacked A and B rows, for its variance.
    boot_mean = (counts @ (a + b)) / (2 * base)
    boot_square = (counts @ (a**2 + b**2)) / (2 * base)
    boot_variance = boot_square - boot_mean**2
    boot_usable = boot_variance > eps
    safe_boot = np.where(boot_usable, boot_variance, 1.0)
    z = stats.norm.ppf(0.5 + confidence / 2)

    first, total = np.zeros((inputs, a.shape[1])), np.zeros((inputs, a.shape[1]))
    first_conf, total_conf = np.zeros_like(first), np.zeros_like(total)
    for i in range(inputs):
        first_terms, total_terms = b * (ab[i] - a), 0.5 * (a - ab[i]) ** 2
        first[i] = np.where(usable, first_terms.mean(axis=0) / safe_variance, 0.0)
        total[i] = np.where(usable, total_terms.mean(axis=0) / safe_variance, 0.0)
        boot_first = np.where(boot_usable, (counts @ first_terms) / base / safe_boot, 0.0)
        boot_total = np.where(boot_usable, (counts @ total_terms) / base / safe_boot, 0.0)
        first_conf[i] = z * boot_first.std(axis=0, ddof=1)
        total_conf[i] = z * boot_total.std(axis=0, ddof=1)
    # An output that does not vary has no variance to share out: every index and interval is 0, as in SALib.
    return Indices(
        first=first,
        total=total,
        first_conf=np.where(usable, first_conf, 0.0),
        total_conf=np.where(usable, total_conf, 0.0),
    )


@dataclass(frozen=True)
class Input:
    """One uncertain input of the design: its name and how many uniform columns it takes (0: evidence noise)."""

    name: str
    columns: list[int]


@dataclass(frozen=True)
class Sensitivity:
    inputs: list[str]
    base_samples: int
    evaluations: int
    # Indices of each country's rank and of its score (inputs × countries), from all 2N base samples.
    rank: Indices
    score: Indices
    # Largest difference of any first-order or total index between N and 2N base samples, and the tolerance.
    largest_difference: float
    tolerance: float
    converged: bool

    def drivers(self, *, top: int = 3) -> list[list[tuple[str, float, float | None]]]:
        """For each country, the `top` inputs its rank depends on most — by total index, so that an input acting
        through interactions counts — with their first-order and total indices; inputs with no effect left out."""
        ranked: list[list[tuple[str, float, float | None]]] = []
        for country in range(self.rank.total.shape[1]):
            total = self.rank.total[:, country]
            order = [i for i in np.argsort(-total, kind="stable")[:top] if total[i] > 0]
            ranked.append([(self.inputs[i], float(self.rank.first[i, country]), float(total[i])) for i in order])
        return ranked


def _design_inputs(readings: list[Reading], method: Method) -> tuple[list[Input], int]:
    """The uncertain inputs of the run's Monte Carlo and the uniform columns each takes."""
    nominal = readings[0]
    inputs: list[Input] = []
    column = 0
    if method.concentration is not None:
        groups: dict[str, list[int]] = {}
        for index, criterion in enumerate(nominal.problem.criteria):
            if nominal.weights[index] > 0:
                groups.setdefault(criterion.weight_group, []).append(index)
        for group, members in groups.items():
            inputs.append(Input(f"weight:{group}", list(range(column, column + len(members)))))
            column += len(members)
    choices = {
        "normalization": len({norm for norm, _ in method_combinations(method)}),
        "aggregation": len({name for _, name in method_combinations(method)}),
        "top_k_areas": len(set(method.top_k_choices)),
        "recency_half_life_days": len(readings),
    }
    for name, count in choices.items():
        if count > 1:
            inputs.append(Input(name, [column]))
            column += 1
    if drawn_columns(readings).size:
        inputs.append(Input("evidence_draw", []))
    return inputs, column


def _decode(
    uniforms: np.ndarray, readings: list[Reading], method: Method, inputs: list[Input]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weights, (normalisation, aggregation) choice, reading and k of each row of uniforms."""
    nominal = readings[0]
    rows = uniforms.shape[0]
    weights = np.tile(nominal.weights, (rows, 1))
    positive = np.flatnonzero(nominal.weights > 0)
    named = {item.name: item.columns for item in inputs}
    if method.concentration is not None and positive.size:
        # Independent gammas divided by their sum: the Monte Carlo's Dirichlet, one variable per criterion.
        columns = [c for item in inputs if item.name.startswith("weight:") for c in item.columns]
        shapes = method.concentration * nominal.weights[positive]
        gammas = stats.gamma.ppf(np.clip(uniforms[:, columns], 1e-12, 1 - 1e-12), shapes)
        weights[:, positive] = gammas / gammas.sum(axis=1, keepdims=True)

    def pick(name: str, count: int) -> np.ndarray:
        if name not in named:
            return np.zeros(rows, dtype=int)
        return np.minimum((uniforms[:, named[name][0]] * count).astype(int), count - 1)

    # `method_combinations` lists every normalisation with every aggregation, normalisation first.
    combinations = method_combinations(method)
    methods = len({name for _, name in combinations})
    norms = len(combinations) // methods
    combination = pick("normalization", norms) * methods + pick("aggregation", methods)
    top_k_choices = np.array(sorted(set(method.top_k_choices)) or [method.top_k])
    top_k = top_k_choices[pick("top_k_areas", top_k_choices.size)]
    reading = pick("recency_half_life_days", len(readings))
    return weights, combination, reading, top_k


def sobol(
    problem: DecisionProblem,
    method: Method,
    *,
    base_samples: int,
    progress: Callable[[float], None] | None = None,
) -> Sensitivity:
    """Sobol indices of every country's rank and score for one problem and method, from 2 × `base_samples` base
    samples (a power of two)."""
    readings = read_all(problem, method)
    inputs, dimensions = _design_inputs(readings, method)
    doubled = 2 * base_samples
    rng = np.random.default_rng(method.seed)
    uniforms = qmc.Sobol(d=2 * max(dimensions, 1), scramble=True, seed=rng).random(doubled)
    a, b = uniforms[:, : max(dimensions, 1)], uniforms[:, max(dimensions, 1) :]
    union = drawn_columns(readings)
    noise = None
    if union.size:
        shape = (2, doubled, problem.raw.shape[0], union.size)
        noise = rng.standard_normal(shape, dtype=np.float32)

    # Row blocks: A, then AB_i for each input, then B; each row names its uniforms and its noise's base sample.
    blocks = len(inputs) + 2
    total_rows = blocks * doubled
    country_scores = np.empty((total_rows, problem.country_count))
    for start in range(0, total_rows, EVALUATION_CHUNK):
        rows = np.arange(start, min(start + EVALUATION_CHUNK, total_rows))
        block, sample = rows // doubled, rows % doubled
        chunk_uniforms = a[sample].copy()
        from_b = np.zeros(rows.size, dtype=bool)
        for position, item in enumerate(inputs, start=1):
            switched = block == position
            chunk_uniforms[np.ix_(switched, item.columns)] = b[sample[switched]][:, item.columns]
            if item.name == "evidence_draw":
                from_b |= switched
        last = block == blocks - 1
        chunk_uniforms[last] = b[sample[last]]
        from_b |= last
        decoded = _decode(chunk_uniforms, readings, method, inputs)
        chunk_noise = None if noise is None else noise[from_b.astype(int), sample]
        country_scores[rows] = country_scores_given(readings, *decoded, chunk_noise)
        if progress is not None:
            progress(rows[-1] / total_rows)

    ranked = readings[0].ranked
    ranks = competition_ranks(np.where(ranked, country_scores, np.nan)).astype(float)
    outputs = {"rank": np.where(ranked, ranks, 0.0), "score": np.where(ranked, country_scores, 0.0)}

    def indices_at(output: np.ndarray, count: int) -> Indices:
        blocked = output.reshape(blocks, doubled, -1)[:, :count]
        return estimate(blocked[0], blocked[-1], blocked[1:-1], seed=method.seed + 1)

    found = {name: indices_at(output, doubled) for name, output in outputs.items()}
    difference = 0.0
    for name, output in outputs.items():
        half = indices_at(output, base_samples)
        for attribute in ("first", "total"):
            gap = np.abs(getattr(found[name], attribute) - getattr(half, attribute))
            difference = max(difference, float(gap.max(initial=0.0)))
    return Sensitivity(
        inputs=[item.name for item in inputs],
        base_samples=base_samples,
        evaluations=total_rows,
        rank=found["rank"],
        score=found["score"],
        largest_difference=difference,
        tolerance=CONVERGENCE_TOLERANCE,
        converged=difference <= CONVERGENCE_TOLERANCE,
    )
