"""Robustness checks on plain arrays: leave one out, weight stability, rank reversal and criteria diagnostics."""

import numpy as np
import pytest
from scipy.stats import kendalltau

from priorities.scoring import Criterion, Method
from priorities.scoring.robustness import STABILITY_STEP, cronbach_alpha, kendall_tau, robustness, without_country
from tests.priorities.scoring.cases import decision_problem


def problem(raw, weights, *, areas=1):
    criteria = [Criterion(f"c{j}", w, low=0.0, high=1.0) for j, w in enumerate(weights)]
    return decision_problem(raw, criteria, areas=areas)


@pytest.fixture
def case():
    rng = np.random.default_rng(4)
    raw = rng.random((40, 4))
    # c0 carries most of the weight, c3 none.
    return problem(raw, [0.7, 0.2, 0.1, 0.0])


def test_leaving_out_a_criterion_with_no_weight_changes_nothing(case):
    result = robustness(case, Method(samples=0))
    assert result.groups == ["c0", "c1", "c2", "c3"]
    assert result.leave_one_out_shift[3] == 0
    assert np.array_equal(result.leave_one_out_ranks[3], result.baseline_rank)
    assert result.leave_one_out_shift[0] > result.leave_one_out_shift[2] > 0


def test_a_dominant_weight_has_a_narrower_stability_interval_than_a_negligible_one(case):
    result = robustness(case, Method(samples=0))
    widths = result.stable_high - result.stable_low
    assert result.nominal_share.tolist() == pytest.approx([0.7, 0.2, 0.1, 0.0])
    bounds = zip(result.stable_low, result.nominal_share, result.stable_high, strict=True)
    assert all(low <= share <= high for low, share, high in bounds)
    assert widths[0] < widths[3]
    # A criterion with no weight can gain some before the top set changes; it cannot lose any.
    assert result.stable_low[3] == 0.0 and result.stable_high[3] > 0


def test_the_stability_edge_is_where_the_top_set_first_changes():
    # Two criteria; countries trade one against the other, so the top-2 set turns at known shares.
    raw = np.array([[1.0, 0.0], [0.8, 0.3], [0.5, 0.5], [0.3, 0.8], [0.0, 1.0], [0.1, 0.1]])
    result = robustness(problem(raw, [0.5, 0.5]), Method(samples=0), top=2)
    # At share t for c0 a country scores t·a + (1 − t)·b: find by brute force over the same grid the shares around
    # t = 0.5 that keep the same top two.
    steps = round(1 / STABILITY_STEP)
    shares = np.linspace(0, 1, steps + 1)
    scores = shares[:, None] * raw[:, 0] + (1 - shares[:, None]) * raw[:, 1]
    tops = [frozenset(np.argsort(-row, kind="stable")[:2]) for row in scores]
    middle = steps // 2
    baseline = tops[middle]
    holds = [
        shares[i]
        for i in range(steps + 1)
        if all(tops[j] == baseline for j in range(min(i, middle), max(i, middle) + 1))
    ]
    assert 0 < min(holds) < 0.5 < max(holds) < 1
    assert result.stable_low[0] == pytest.approx(min(holds))
    assert result.stable_high[0] == pytest.approx(max(holds))


def test_kendalls_tau_matches_scipy():
    rng = np.random.default_rng(5)
    first, second = rng.integers(0, 8, 30), rng.integers(0, 8, 30)
    assert kendall_tau(first, second) == pytest.approx(kendalltau(first, second).statistic)


def test_removing_a_country_renumbers_the_rest():
    case = problem(np.arange(12, dtype=float).reshape(6, 2) / 12, [1, 1], areas=2)
    reduced, kept = without_country(case, 1)
    assert kept.tolist() == [0, 2]
    assert reduced.country_of_pair.tolist() == [0, 0, 1, 1]
    assert reduced.raw.tolist() == case.raw[[0, 1, 4, 5]].tolist()


def test_with_fixed_scales_removing_a_country_keeps_the_others_order(case):
    """Fixed goalposts: nothing about one country enters another's score, so no reversal can happen."""
    result = robustness(case, Method(samples=0))
    assert len(result.reversal) == 20
    assert all(check["kendall_tau"] == pytest.approx(1.0) and check["largest"] is None for check in result.reversal)


def test_percentile_ranks_can_reverse_the_order_when_a_country_leaves():
    rng = np.random.default_rng(6)
    raw = rng.random((30, 3))
    result = robustness(problem(raw, [1, 1, 1]), Method(samples=0, normalization="percentile"))
    assert min(check["kendall_tau"] for check in result.reversal) < 1
    largest = max((c["largest"] for c in result.reversal if c["largest"]), key=lambda item: item["places"])
    assert largest["places"] >= 1


def test_cronbachs_alpha_of_a_textbook_case():
    # Three items that move together perfectly: α = 1; independent items: α near 0.
    together = np.repeat(np.arange(10.0)[:, None], 3, axis=1)
    assert cronbach_alpha(together) == pytest.approx(1.0)
    rng = np.random.default_rng(7)
    assert abs(cronbach_alpha(rng.random((4000, 3)))) < 0.1


def test_effective_weights_follow_the_nominal_ones():
    raw = np.random.default_rng(8).random((600, 4))
    result = robustness(problem(raw, [0.6, 0.3, 0.1, 0.0]), Method(samples=0))
    effective = result.effective_weight
    assert np.nansum(effective) == pytest.approx(1.0)
    assert effective[0] > effective[1] > effective[3]
    assert effective[3] < 0.1
    assert result.correlations.shape == (4, 4)
    assert np.diag(result.correlations) == pytest.approx(1.0)


def test_the_checks_start_from_the_runs_own_expected_ranking_and_keep_its_draws():
    """With estimated criteria the baseline is the ranking `evaluate` publishes (the same evidence draws), and a
    country's removal leaves the others' order nearly intact."""
    from priorities.scoring import evaluate
    from tests.priorities.scoring.test_evidence import problem as evidence_problem
    from tests.priorities.scoring.test_evidence import random_case

    raw, evidence = random_case(21, countries=40)
    case = evidence_problem(raw, evidence, countries=40, areas=4)
    method = Method(samples=0, coverage_threshold=0.5, seed=5)
    result = robustness(case, method)
    assert np.array_equal(result.baseline_rank, evaluate(case, method).country_rank, equal_nan=True)
    assert min(check["kendall_tau"] for check in result.reversal) > 0.8
