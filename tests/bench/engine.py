"""Benchmark: the scoring engine against a per-sample pymcdm loop, both measured in this run.

250 countries × 15 areas × 12 criteria, 1,000 Monte Carlo samples: the weights alone varied, then everything a
run varies by default (weights, normalisation, aggregation, k, two other half-lives and the evidence of three
estimated criteria, 60 % of pairs assessed). Prints a table; asserts nothing.
"""

import statistics
import time

import numpy as np
from pymcdm.methods import WSM
from pymcdm.normalizations import minmax_normalization

from priorities.scoring import Criterion, DecisionProblem, Method, evaluate
from priorities.scoring.engine import LOG1P, sample_weights
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


def with_evidence(case: DecisionProblem, rng: np.random.Generator) -> DecisionProblem:
    """The same matrix with its first three criteria estimated from evidence, as need, readiness and open needs
    are, and read under two other half-lives."""
    pairs = COUNTRIES * AREAS
    assessed = rng.random(pairs) < 0.6

    def reading() -> tuple[np.ndarray, np.ndarray]:
        raw = case.raw.copy()
        raw[:, 0] = np.where(assessed, rng.integers(1, 6, pairs), np.nan)
        raw[:, 1] = np.where(assessed, rng.integers(1, 6, pairs), np.nan)
        raw[:, 2] = np.where(assessed, rng.gamma(1.0, 4.0, pairs), np.nan)
        evidence = np.zeros_like(raw)
        evidence[:, :3] = np.where(assessed, rng.uniform(0.05, 2.0, pairs), 0.0)[:, None]
        return raw, evidence

    raw, evidence = reading()
    estimated = (
        Criterion("field.need", case.criteria[0].weight, low=1.0, high=5.0, evidence=True),
        Criterion("field.readiness", case.criteria[1].weight, low=1.0, high=5.0, evidence=True),
        Criterion("needs.stakeholder", case.criteria[2].weight, low=0.0, high=25.0, transform=LOG1P, evidence=True),
    )
    return DecisionProblem(
        raw=raw,
        country_of_pair=case.country_of_pair,
        area_of_pair=case.area_of_pair,
        country_count=COUNTRIES,
        area_count=AREAS,
        criteria=estimated + case.criteria[3:],
        evidence=evidence,
        prior_group_of_pair=case.country_of_pair % 7,
        variants=(reading(), reading()),
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
    full_case = with_evidence(case, np.random.default_rng(2027))
    full_method = Method(samples=SAMPLES, seed=7, vary_method=True, top_k_choices=(2, 3, 4))
    evaluate(full_case, full_method)
    full = statistics.median(timed(lambda: evaluate(full_case, full_method), repeats=5))
    label = "HIPOC engine, everything varied"
    print(f"{label:<44} {full:9.3f} {baseline_median / full:8.1f}×")


if __name__ == "__main__":
    main()
