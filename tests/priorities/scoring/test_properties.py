"""Invariants of the scoring engine, checked on generated decision matrices (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from priorities.scoring import Criterion, DecisionProblem, Method, evaluate
from priorities.scoring.aggregation import aggregate
from priorities.scoring.normalization import Levels, normalize

values = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def decision_problems(draw, min_alternatives=3):
    alternatives = draw(st.integers(min_value=min_alternatives, max_value=12))
    criteria = draw(st.integers(min_value=1, max_value=5))
    raw = draw(arrays(float, (alternatives, criteria), elements=values))
    weights = draw(st.lists(st.floats(min_value=0.05, max_value=10), min_size=criteria, max_size=criteria))
    return raw, np.asarray(weights)


def single_area(raw, weights):
    count = raw.shape[0]
    return DecisionProblem(
        raw=raw,
        country_of_pair=np.arange(count),
        area_of_pair=np.zeros(count, dtype=int),
        country_count=count,
        area_count=1,
        criteria=tuple(Criterion(f"c{j}", float(w)) for j, w in enumerate(weights)),
    )


@given(decision_problems(), st.data())
def test_raising_a_benefit_criterion_never_lowers_the_weighted_mean(case, data):
    raw, weights = case
    alternative = data.draw(st.integers(0, raw.shape[0] - 1))
    criterion = data.draw(st.integers(0, raw.shape[1] - 1))
    increase = data.draw(st.floats(min_value=0.001, max_value=50))
    before = evaluate(single_area(raw, weights), Method(samples=0)).pair_score[alternative]
    raised = raw.copy()
    raised[alternative, criterion] += increase
    after = evaluate(single_area(raised, weights), Method(samples=0)).pair_score[alternative]
    assert after >= before - 1e-12


@given(decision_problems(), st.randoms(use_true_random=False), st.sampled_from(["wam", "wgm", "topsis"]))
def test_results_do_not_depend_on_the_order_of_alternatives(case, random, method):
    raw, weights = case
    order = list(range(raw.shape[0]))
    random.shuffle(order)
    plain = evaluate(single_area(raw, weights), Method(aggregation=method, samples=0))
    shuffled = evaluate(single_area(raw[order], weights), Method(aggregation=method, samples=0))
    assert np.allclose(shuffled.pair_score, plain.pair_score[order], equal_nan=True)
    assert np.array_equal(shuffled.country_rank, plain.country_rank[order], equal_nan=True)


@given(decision_problems(), st.floats(min_value=0.01, max_value=1000), st.sampled_from(["wam", "wgm", "topsis"]))
def test_scaling_all_weights_changes_nothing(case, factor, method):
    raw, weights = case
    plain = evaluate(single_area(raw, weights), Method(aggregation=method, samples=0))
    scaled = evaluate(single_area(raw, weights * factor), Method(aggregation=method, samples=0))
    assert np.allclose(scaled.pair_score, plain.pair_score, equal_nan=True)


@settings(max_examples=30)
@given(decision_problems(), st.integers(0, 2**31))
def test_the_same_seed_gives_the_same_run(case, seed):
    raw, weights = case
    method = Method(samples=40, seed=seed, vary_method=True, concentration=20)
    first = evaluate(single_area(raw, weights), method)
    second = evaluate(single_area(raw, weights), method)
    for name, series in first.country_summary.items():
        assert np.array_equal(series, second.country_summary[name], equal_nan=True)


@settings(max_examples=30)
@given(decision_problems())
def test_without_weight_perturbation_the_interval_is_the_nominal_rank(case):
    raw, weights = case
    outcome = evaluate(single_area(raw, weights), Method(samples=25, concentration=None))
    assert np.array_equal(outcome.country_summary["rank_p05"], outcome.country_rank, equal_nan=True)
    assert np.array_equal(outcome.country_summary["rank_p95"], outcome.country_rank, equal_nan=True)


@given(decision_problems())
def test_scores_stay_in_range_for_bounded_methods(case):
    raw, weights = case
    normalized = normalize(raw, np.zeros(raw.shape[1], dtype=bool), "minmax")
    for method in ("wam", "topsis"):
        scores = aggregate(normalized, weights / weights.sum(), method)
        assert np.all((scores >= -1e-12) & (scores <= 1 + 1e-12))


@given(
    arrays(float, st.integers(1, 40), elements=st.sampled_from([0.0, 1.0, 1.5, 2.25, 5.0]) | values),
    arrays(float, st.integers(1, 60), elements=st.floats(min_value=-10, max_value=110) | st.sampled_from([1.0, 5.0])),
)
def test_a_percentile_scales_lookup_places_every_value_as_binary_search_does(reference, queries):
    levels = Levels.of(reference)
    queries = np.concatenate([queries, levels.distinct, levels.edges])
    assert np.array_equal(levels.positions(queries), np.searchsorted(levels.distinct, queries, side="left"))


def test_a_percentile_scale_over_a_range_too_narrow_for_its_buckets_still_places_values_exactly():
    levels = Levels.of(np.array([0.0, 5e-324, 1e-323]))
    queries = np.array([0.0, 5e-324, 1e-323, 1.0, -1.0])
    with np.errstate(all="raise"):
        assert np.array_equal(levels.positions(queries), np.searchsorted(levels.distinct, queries, side="left"))
