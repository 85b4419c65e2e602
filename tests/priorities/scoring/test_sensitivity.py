"""First-order sensitivity from the Monte Carlo samples: which input moves each country's rank."""

import numpy as np
import pytest

from priorities.scoring import Criterion, DecisionProblem, Method, evaluate
from priorities.scoring.sensitivity import drivers, first_order, quantile_bins


def test_the_correlation_ratio_recovers_known_first_order_indices():
    """Y = 2a + b with a a fair coin and b ~ U(0, 1): Var(2a) = 1 and Var(b) = 1/12, so S_a = 12/13, S_b = 1/13."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2, 40000)
    b = rng.random(40000)
    outputs = (2 * a + b)[:, None]
    assert first_order(outputs, a)[0] == pytest.approx(12 / 13, abs=0.01)
    assert first_order(outputs, quantile_bins(b[:, None]))[0] == pytest.approx(1 / 13, abs=0.01)


def test_an_output_that_never_moves_has_no_drivers():
    outputs = np.ones((100, 2))
    assert np.isnan(first_order(outputs, np.arange(100) % 3)).all()
    assert drivers(outputs, {"aggregation": np.arange(100) % 3}) == [[], []]


def test_drivers_are_ordered_largest_first_per_country():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 3, 5000), rng.integers(0, 3, 5000)
    outputs = np.column_stack([a + 0.1 * b, 0.1 * a + b])
    ranked = drivers(outputs, {"a": a, "b": b})
    assert [name for name, _share, _total in ranked[0]] == ["a", "b"]
    assert [name for name, _share, _total in ranked[1]] == ["b", "a"]


def test_a_country_whose_rank_turns_on_the_aggregation_is_told_so():
    """Country 0 is excellent on one criterion and poor on the other: the arithmetic mean ranks it high, the
    geometric mean (which punishes a weak criterion) low; nothing else varies."""
    raw = np.array([[1.0, 0.0], [0.6, 0.6], [0.55, 0.55], [0.2, 0.3]])
    problem = DecisionProblem(
        raw=raw,
        country_of_pair=np.arange(4),
        area_of_pair=np.zeros(4, dtype=int),
        country_count=4,
        area_count=1,
        criteria=(Criterion("c0", 1.0, low=0.0, high=1.0), Criterion("c1", 1.0, low=0.0, high=1.0)),
    )
    outcome = evaluate(problem, Method(samples=600, concentration=None, vary_method=True))
    top_name, top_index, _total = outcome.country_drivers[0][0]
    assert top_name in ("aggregation", "normalization") and top_index > 0.3
