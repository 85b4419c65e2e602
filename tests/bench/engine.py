"""Benchmark: the scoring engine against a per-sample pymcdm loop, both measured in this run.

250 countries × 15 areas × 12 criteria, 1,000 Monte Carlo samples. Prints a table; asserts nothing.
"""

import statistics
import time

import numpy as np
from pymcdm.methods import WSM
from pymcdm.normalizations import minmax_normalization

from priorities.scoring import Criterion, DecisionProblem, Method, evaluate
from priorities.scoring.engine import sample_weights
from priorities.scoring.ranking import competition_ranks

COUNTRIES, AREAS, CRITERIA, SAMPLES = 250, 15, 12, 1000


def problem(rng: np.random.Generator) -> DecisionProblem:
    raw = rng.uniform(0, 100, size=(COUNTRIES * AREAS, CRITERIA))
    weights = rng.uniform(0.5, 2.0, size=CRITERIA)
    return DecisionProblem(
        raw=raw,
        country_of_pair=np.repeat(np.arange(COUNTRIES), AREAS),
        area_of_pair=np.tile(np.arange(AREAS), COUNTRIES),
        country_count=COUNTRIES,
        area_count=AREAS,
        criteria=tuple(Criterion(f"c{j}", float(w)) for j, w in enumerate(weights)),
    )


def per_sample_pymcdm(case: DecisionProblem, method: Method) -> np.ndarray:
    """The same Monte Carlo analysis written as a loop: pymcdm scores each sample's weights in turn."""
    weights = np.array([criterion.weight for criterion in case.criteria])
    weights = weights / weights.sum()
    samples = sample_weights(weights, method, np.random.default_rng(method.seed))
    types = np.ones(CRITERIA, dtype=int)
    scorer = WSM(minmax_normalization)
    ranks = np.empty((SAMPLES, COUNTRIES))
    for row, sample in enumerate(samples):
        scores = scorer(case.raw, sample, types).reshape(COUNTRIES, AREAS)
        country = np.sort(scores, axis=1)[:, -method.top_k :].mean(axis=1)
        ranks[row] = competition_ranks(country)[0]
    return ranks


def timed(function, repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    case = problem(np.random.default_rng(2026))
    method = Method(samples=SAMPLES, coverage_threshold=0.0, seed=7)
    evaluate(case, method)  # warm-up
    engine = timed(lambda: evaluate(case, method), repeats=5)
    baseline = timed(lambda: per_sample_pymcdm(case, method), repeats=1)
    engine_median, baseline_median = statistics.median(engine), statistics.median(baseline)
    print(f"Engine: {COUNTRIES} countries × {AREAS} areas × {CRITERIA} criteria, {SAMPLES} Monte Carlo samples")
    print(f"{'implementation':<44} {'median s':>9} {'ratio':>8}")
    print(f"{'pymcdm WSM, one call per sample (baseline)':<44} {baseline_median:9.3f} {1.0:8.1f}")
    ratio = baseline_median / engine_median
    print(f"{'HIPOC engine (vectorised, incl. area ranks)':<44} {engine_median:9.3f} {ratio:8.1f}×")


if __name__ == "__main__":
    main()
