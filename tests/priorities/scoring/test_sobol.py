"""Sobol indices: the vectorised estimator against SALib and against functions whose indices are known, and the
run's analysis on decision problems."""

import dataclasses

import numpy as np
import pytest
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as salib_sample
from SALib.test_functions import Ishigami

from priorities.scoring import Criterion, Method
from priorities.scoring.engine import country_scores_given, country_scores_under, drawn_columns, read, read_all
from priorities.scoring.sobol import CONVERGENCE_TOLERANCE, estimate, sobol
from tests.priorities.scoring.cases import decision_problem

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
# Ishigami with a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.9).
ISHIGAMI_FIRST = [0.3139, 0.4424, 0.0]
ISHIGAMI_TOTAL = [0.5576, 0.4424, 0.2437]


def salib_blocks(outputs: np.ndarray, inputs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SALib's row order (A, AB_1 … AB_D, B per base sample) split into A, B and the AB blocks."""
    step = inputs + 2
    blocks = np.stack([outputs[j::step] for j in range(step)])
    return blocks[0], blocks[-1], blocks[1:-1]


def test_the_estimator_gives_salibs_numbers_for_every_output_at_once():
    design = salib_sample.sample(ISHIGAMI, 512, calc_second_order=False, seed=3)
    # Three outputs: Ishigami, a scaled and shifted copy (indices unchanged) and a different function.
    outputs = np.column_stack(
        [Ishigami.evaluate(design), 3 * Ishigami.evaluate(design) + 10, design[:, 0] + 2 * design[:, 1] ** 2]
    )
    y_a, y_b, y_ab = salib_blocks(outputs, 3)
    ours = estimate(y_a, y_b, y_ab, seed=11)
    for column in range(outputs.shape[1]):
        theirs = salib_sobol.analyze(ISHIGAMI, outputs[:, column], calc_second_order=False, seed=11)
        assert ours.first[:, column] == pytest.approx(theirs["S1"], abs=1e-12)
        assert ours.total[:, column] == pytest.approx(theirs["ST"], abs=1e-12)
        assert ours.first_conf[:, column] == pytest.approx(theirs["S1_conf"], abs=1e-12)
        assert ours.total_conf[:, column] == pytest.approx(theirs["ST_conf"], abs=1e-12)
    assert ours.first[:, 1] == pytest.approx(ours.first[:, 0])


def test_the_estimator_finds_the_known_indices_of_the_ishigami_function():
    design = salib_sample.sample(ISHIGAMI, 8192, calc_second_order=False, seed=5)
    ours = estimate(*salib_blocks(Ishigami.evaluate(design)[:, None], 3), seed=2)
    assert ours.first[:, 0] == pytest.approx(ISHIGAMI_FIRST, abs=0.02)
    assert ours.total[:, 0] == pytest.approx(ISHIGAMI_TOTAL, abs=0.02)
    # The intervals cover the known values.
    assert np.all(np.abs(ours.total[:, 0] - ISHIGAMI_TOTAL) <= ours.total_conf[:, 0] + 0.005)


def test_a_linear_model_shares_its_variance_in_proportion_to_its_squared_coefficients():
    # Y = Σ c_i X_i with independent uniform X_i: S_i = ST_i = c_i² / Σ c_j². One output per set of coefficients;
    # the last input does nothing in any of them.
    problem = {"num_vars": 4, "names": ["a", "b", "c", "dummy"], "bounds": [[0.0, 1.0]] * 4}
    design = salib_sample.sample(problem, 4096, calc_second_order=False, seed=9)
    coefficients = np.array([[1.0, 2.0, 3.0, 0.0], [4.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 0.0]])
    ours = estimate(*salib_blocks(design @ coefficients.T, 4), seed=1)
    known = (coefficients**2 / (coefficients**2).sum(axis=1, keepdims=True)).T
    assert ours.first == pytest.approx(known, abs=0.02)
    assert ours.total == pytest.approx(known, abs=0.02)
    assert np.all(ours.total[3] == 0.0)


def test_an_output_that_never_moves_has_no_index():
    rows = np.ones((64, 2))
    ours = estimate(rows, rows, np.stack([rows, rows]), seed=1)
    assert np.all(ours.first == 0) and np.all(ours.total == 0) and np.all(ours.total_conf == 0)


def grouped_problem(weights, *, seed=4, areas=3, evidence=False):
    rng = np.random.default_rng(seed)
    countries = 12
    raw = rng.uniform(1.0, 5.0, size=(countries * areas, len(weights)))
    criteria = [Criterion(f"c{j}", w, low=1.0, high=5.0, evidence=evidence and j == 0) for j, w in enumerate(weights)]
    fields = {}
    if evidence:
        fields["evidence"] = np.where(np.arange(len(weights)) == 0, rng.uniform(0.1, 2.0, (countries * areas, 1)), 0.0)
    return decision_problem(raw, criteria, areas=areas, **fields)


def test_a_negligible_weight_has_a_total_index_near_zero_and_a_dominant_one_the_largest():
    case = grouped_problem([0.6, 0.35, 1e-6])
    result = sobol(case, Method(samples=1000, concentration=20.0, seed=3), base_samples=256)
    assert result.inputs == ["weight:c0", "weight:c1", "weight:c2"]
    negligible = result.rank.total[2]
    assert np.all(np.abs(negligible) < 0.01)
    moved = result.rank.total.sum(axis=0) > 0
    assert moved.any()
    assert np.all(result.rank.total[:2, moved].max(axis=0) > negligible[moved])


def test_every_input_the_monte_carlo_varies_is_an_input_of_the_design():
    case = grouped_problem([0.5, 0.3, 0.2], evidence=True)
    case = dataclasses.replace(case, variants=((case.raw * 0.9, case.evidence),))
    method = Method(samples=1000, seed=3, vary_method=True, top_k_choices=(1, 2))
    result = sobol(case, method, base_samples=64)
    assert result.inputs == [
        "weight:c0",
        "weight:c1",
        "weight:c2",
        "normalization",
        "aggregation",
        "top_k_areas",
        "recency_half_life_days",
        "evidence_draw",
    ]
    assert result.evaluations == (len(result.inputs) + 2) * 2 * 64
    # Indices are shares of variance: the first-order ones cannot add up to much more than 1 (estimation error).
    assert np.all(result.rank.first.sum(axis=0) < 1.3)
    assert np.all(result.rank.total >= -1e-9)


def test_the_run_says_whether_the_indices_at_n_and_2n_agree():
    case = grouped_problem([0.5, 0.3, 0.2], evidence=True)
    method = Method(samples=1000, seed=3, vary_method=True)
    rough = sobol(case, method, base_samples=4)
    assert rough.largest_difference > CONVERGENCE_TOLERANCE
    assert not rough.converged
    settled = sobol(case, method, base_samples=1024)
    assert settled.largest_difference < rough.largest_difference
    assert settled.converged == (settled.largest_difference <= CONVERGENCE_TOLERANCE)


def test_given_inputs_at_their_nominal_values_give_the_nominal_scores():
    case = grouped_problem([0.5, 0.3, 0.2], evidence=True)
    method = Method(samples=1000, seed=3)
    reading = read(case, method)
    readings = read_all(case, method)
    rows = 3
    noise = np.zeros((rows, case.raw.shape[0], drawn_columns(readings).size), dtype=np.float32)
    scores = country_scores_given(
        readings,
        np.tile(reading.weights, (rows, 1)),
        np.zeros(rows, dtype=int),
        np.zeros(rows, dtype=int),
        np.full(rows, method.top_k),
        noise,
    )
    expected = country_scores_under(reading, None, None)[0]
    assert scores == pytest.approx(np.tile(expected, (rows, 1)))


def test_the_same_seed_gives_the_same_indices():
    case = grouped_problem([0.5, 0.3, 0.2], evidence=True)
    method = Method(samples=1000, seed=3, vary_method=True)
    first, again = sobol(case, method, base_samples=32), sobol(case, method, base_samples=32)
    assert np.array_equal(first.rank.total, again.rank.total)
    assert np.array_equal(first.score.first_conf, again.score.first_conf)
    other = sobol(case, dataclasses.replace(method, seed=4), base_samples=32)
    assert not np.array_equal(first.rank.total, other.rank.total)
