"""Benchmark: Sobol indices of every country's rank, against SALib's `sobol.analyze` called once per country.

250 countries × 15 areas × 12 criteria in four weight groups, with the evidence of three criteria drawn, the
normalisation, the aggregation and k varied: 8 uncertain inputs, N = 1,024 base samples (the design holds 2N for
the convergence check). Prints the time of the whole computation (design, model runs and estimates at N and 2N),
the estimator alone against the per-country SALib loop on the same outputs, and the peak memory. Asserts nothing.
"""

import dataclasses
import resource
import statistics
import time

import numpy as np
from SALib.analyze import sobol as salib_sobol

from priorities.scoring import Method
from priorities.scoring.sobol import estimate, sobol

from .engine import AREAS, COUNTRIES, problem, timed, with_evidence

BASE_SAMPLES = 1024
GROUPS = 4


def grouped_case():
    case = with_evidence(problem(np.random.default_rng(2026)), np.random.default_rng(2027))
    criteria = tuple(
        dataclasses.replace(criterion, group=f"group{index % GROUPS}") for index, criterion in enumerate(case.criteria)
    )
    return dataclasses.replace(case, criteria=criteria, variants=())


def per_country_salib(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, names: list[str]) -> None:
    """SALib's analysis of each country's rank in turn, from the same model runs in SALib's row order."""
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    for country in range(y_a.shape[1]):
        rows = np.column_stack([y_a[:, country], *(block[:, country] for block in y_ab), y_b[:, country]])
        salib_sobol.analyze(problem, rows.ravel(), calc_second_order=False, seed=8)


def main() -> None:
    case = grouped_case()
    method = Method(samples=1000, seed=7, vary_method=True, top_k_choices=(2, 3, 4))
    started = time.perf_counter()
    found = sobol(case, method, base_samples=BASE_SAMPLES)
    whole = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # The estimator on its own, vectorised and per country, over the same model outputs.
    rng = np.random.default_rng(1)
    inputs = len(found.inputs)
    doubled = 2 * BASE_SAMPLES
    outputs = rng.permuted(np.tile(np.arange(1.0, COUNTRIES + 1), (inputs + 2, doubled, 1)), axis=2)
    y_a, y_b, y_ab = outputs[0], outputs[-1], outputs[1:-1]
    vectorised = statistics.median(timed(lambda: estimate(y_a, y_b, y_ab, seed=8), repeats=3))
    looped = statistics.median(timed(lambda: per_country_salib(y_a, y_b, y_ab, found.inputs), repeats=1))

    print(
        f"Sobol indices: {COUNTRIES} countries × {AREAS} areas, {inputs} inputs ({', '.join(found.inputs)}), "
        f"N = {BASE_SAMPLES} (2N = {doubled} in the design), {found.evaluations:,} model runs"
    )
    print(f"{'computation':<52} {'median s':>9} {'ratio':>8}")
    print(f"{'SALib analyze, one call per country (baseline)':<52} {looped:9.3f} {1.0:8.1f}")
    print(f"{'HIPOC estimator, all countries at once':<52} {vectorised:9.3f} {looped / vectorised:8.1f}×")
    print(f"{'HIPOC Sobol analysis, design + runs + estimates':<52} {whole:9.3f}")
    print(
        f"peak memory of the process: {peak_mib:,.0f} MiB; converged at N vs 2N: {found.converged} "
        f"(largest difference {found.largest_difference:.3f}, tolerance {found.tolerance})"
    )


if __name__ == "__main__":
    main()
