"""The scoring engine on plain arrays: methods, weights, missing data, uncertainty and explanation."""

import numpy as np
import pytest
from pymcdm.methods import TOPSIS, WPM, WSM
from pymcdm.normalizations import minmax_normalization

from priorities.scoring import COST, Criterion, DecisionProblem, Method, ScoringError, evaluate
from priorities.scoring.aggregation import aggregate, geometric_values
from priorities.scoring.missing import impute_group_mean
from priorities.scoring.normalization import apply, fit, min_max, normalize, percentile_rank, z_score
from priorities.scoring.ranking import competition_ranks, rank_summary
from priorities.scoring.weights import (
    RANDOM_INDEX,
    InconsistentJudgementsError,
    ahp_weights,
    ahp_weights_checked,
    direct_weights,
)
from tests.priorities.scoring.cases import decision_problem


def problem(raw, weights, *, areas=1, directions=None):
    directions = directions or ["benefit"] * len(weights)
    criteria = [Criterion(f"c{j}", w, d) for j, (w, d) in enumerate(zip(weights, directions, strict=True))]
    return decision_problem(raw, criteria, areas=areas)


class TestNormalisation:
    def test_min_max_maps_each_column_to_zero_one(self):
        values = min_max(np.array([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]]), np.array([False, False]))
        assert values.tolist() == [[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]

    def test_cost_criteria_are_reversed(self):
        values = min_max(np.array([[1.0], [3.0]]), np.array([True]))
        assert values.ravel().tolist() == [1.0, 0.0]

    def test_missing_values_stay_missing_and_are_ignored(self):
        values = min_max(np.array([[1.0], [np.nan], [5.0]]), np.array([False]))
        assert values[0, 0] == 0.0 and np.isnan(values[1, 0]) and values[2, 0] == 1.0

    def test_constant_column_is_neutral(self):
        assert min_max(np.array([[2.0], [2.0]]), np.array([False])).ravel().tolist() == [0.5, 0.5]
        assert z_score(np.array([[2.0], [2.0]]), np.array([False])).ravel().tolist() == [0.0, 0.0]

    def test_z_score_has_mean_zero_and_unit_deviation(self):
        values = z_score(np.array([[1.0], [2.0], [3.0], [6.0]]), np.array([False])).ravel()
        assert values.mean() == pytest.approx(0.0)
        assert values.std() == pytest.approx(1.0)

    def test_percentile_rank_counts_ties_half(self):
        values = percentile_rank(np.array([[1.0], [2.0], [2.0], [4.0]]), np.array([False])).ravel()
        assert values.tolist() == pytest.approx([0.0, 0.5, 0.5, 1.0])

    def test_a_value_drawn_between_reference_values_sits_between_their_percentiles(self):
        scale = fit(np.array([[1.0], [2.0], [2.0], [4.0]]), np.array([False]), "percentile")
        values = apply(scale, np.array([[0.0], [1.0], [1.5], [2.0], [3.0], [9.0]])).ravel()
        # Half a place below the next reference value up: 1.5 → (1 − 0.5) / 3; 3.0 → (3 − 0.5) / 3.
        assert values.tolist() == pytest.approx([0.0, 0.0, 0.5 / 3, 0.5, 2.5 / 3, 1.0])

    def test_goalposts_fix_the_min_max_scale_whatever_the_values(self):
        scale = fit(np.array([[2.0], [3.0]]), np.array([False]), "minmax", low=np.array([1.0]), high=np.array([5.0]))
        assert apply(scale, np.array([[1.0], [3.0], [5.0], [7.0]])).ravel().tolist() == [0.0, 0.5, 1.0, 1.0]
        cost = fit(np.array([[2.0]]), np.array([True]), "minmax", low=np.array([1.0]), high=np.array([5.0]))
        assert apply(cost, np.array([[1.0], [4.0]])).ravel().tolist() == [1.0, 0.25]

    def test_unknown_normalisation_is_refused(self):
        with pytest.raises(ValueError, match="Unknown normalisation"):
            normalize(np.ones((2, 2)), np.array([False, False]), "logistic")


class TestWeights:
    def test_direct_weights_are_scaled_to_sum_one(self):
        assert direct_weights([2, 1, 1]).tolist() == [0.5, 0.25, 0.25]

    @pytest.mark.parametrize(
        ("weights", "message"),
        [
            ([1.0, float("nan")], "finite"),
            ([1.0, float("inf")], "finite"),
            ([1.0, -0.5], "negative"),
            ([0.0, 0.0], "above zero"),
            ([], "at least one"),
        ],
    )
    def test_bad_direct_weights_are_refused(self, weights, message):
        with pytest.raises(ScoringError, match=message):
            direct_weights(weights)

    def test_consistent_matrix_has_zero_consistency_ratio_and_exact_weights(self):
        # Perfectly consistent judgements a_ij = w_i / w_j give back w exactly.
        weights = np.array([0.5, 0.3, 0.2])
        result = ahp_weights(weights[:, None] / weights[None, :])
        assert result.weights == pytest.approx(weights)
        assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)

    def test_inconsistent_judgements_are_refused_naming_the_worst(self):
        judgements = {"a": {"b": 9, "c": 1 / 9}, "b": {"c": 9}}
        with pytest.raises(InconsistentJudgementsError) as refused:
            ahp_weights_checked(["a", "b", "c"], judgements)
        assert refused.value.consistency_ratio > 0.1
        assert refused.value.field == "ahp_matrix"
        assert "consistency ratio" in refused.value.message
        assert refused.value.worst[0][:2] in {("a", "b"), ("a", "c"), ("b", "c")}

    def test_a_missing_judgement_is_refused_not_read_as_equal_importance(self):
        with pytest.raises(ScoringError, match="lacks judgements for: a vs c") as refused:
            ahp_weights_checked(["a", "b", "c"], {"a": {"b": 3}, "b": {"c": 2}})
        assert refused.value.field == "ahp_matrix"

    def test_contradictory_judgements_of_one_pair_are_refused(self):
        with pytest.raises(ScoringError, match="contradict"):
            ahp_weights_checked(["a", "b"], {"a": {"b": 3}, "b": {"a": 3}})

    def test_a_pair_may_be_judged_either_way_round(self):
        forward = ahp_weights_checked(["a", "b"], {"a": {"b": 3}})
        backward = ahp_weights_checked(["a", "b"], {"b": {"a": 1 / 3}})
        assert forward.weights == pytest.approx(backward.weights)

    def test_the_random_index_follows_saatys_table_up_to_15_criteria(self):
        codes = [f"c{number}" for number in range(12)]
        judgements = {first: dict.fromkeys(codes[position + 1 :], 1) for position, first in enumerate(codes)}
        assert ahp_weights_checked(codes, judgements).consistency_ratio == pytest.approx(0, abs=1e-9)
        assert RANDOM_INDEX[11] == 1.51 and RANDOM_INDEX[15] == 1.59
        with pytest.raises(ScoringError, match="at most 15"):
            ahp_weights_checked([f"c{number}" for number in range(16)], {})

    def test_judgement_outside_saaty_scale_is_refused(self):
        with pytest.raises(ScoringError, match="between 1/9 and 9"):
            ahp_weights_checked(["a", "b"], {"a": {"b": 12}})


class TestOracle:
    """pymcdm, an independent implementation, gives the same scores and ranks on random matrices."""

    @pytest.mark.parametrize("seed", range(5))
    def test_topsis_weighted_sum_and_product_match_pymcdm(self, seed):
        rng = np.random.default_rng(seed)
        matrix = rng.uniform(1, 100, size=(30, 6))
        weights = direct_weights(rng.uniform(0.1, 1, size=6))
        types = np.array([1, 1, -1, 1, -1, 1])
        ours = normalize(matrix, types == -1, "minmax")

        topsis = TOPSIS(minmax_normalization)(matrix, weights, types)
        assert aggregate(ours, weights, "topsis")[0] == pytest.approx(topsis, abs=1e-12)
        wsm = WSM(minmax_normalization)(matrix, weights, types)
        assert aggregate(ours, weights, "wam")[0] == pytest.approx(wsm, abs=1e-12)
        # pymcdm's weighted product on the same positive values our geometric mean uses.
        scaled = geometric_values(ours)
        wpm = WPM(lambda column, cost: column)(scaled, weights, np.ones(6, dtype=int))
        assert aggregate(ours, weights, "wgm")[0] == pytest.approx(wpm, rel=1e-12)
        for ours_scores, theirs in (
            (aggregate(ours, weights, "topsis")[0], topsis),
            (aggregate(ours, weights, "wam")[0], wsm),
        ):
            assert np.argsort(-ours_scores).tolist() == np.argsort(-theirs).tolist()


class TestRanks:
    def test_ties_share_the_best_rank(self):
        assert competition_ranks(np.array([0.9, 0.5, 0.9, 0.1]))[0].tolist() == [1, 3, 1, 4]

    def test_missing_scores_are_not_ranked(self):
        ranks = competition_ranks(np.array([0.2, np.nan, 0.7]))[0]
        assert ranks[0] == 2 and np.isnan(ranks[1]) and ranks[2] == 1

    def test_summary_of_constant_ranks_collapses(self):
        summary = rank_summary(np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]), top=1)
        assert summary["rank_p05"].tolist() == [1, 2]
        assert summary["rank_p95"].tolist() == [1, 2]
        assert summary["p_top"].tolist() == [1.0, 0.0]


class TestEvaluate:
    def test_wam_contributions_add_up_to_the_score(self):
        rng = np.random.default_rng(3)
        outcome = evaluate(problem(rng.random((40, 5)), [1, 2, 3, 1, 1], areas=4), Method(samples=50))
        assert np.nansum(outcome.pair_contributions, axis=1) == pytest.approx(outcome.pair_score)
        assert outcome.country_contributions.sum(axis=1) == pytest.approx(outcome.country_score)

    def test_country_score_is_mean_of_its_top_areas(self):
        raw = np.array([[0.0], [1.0], [0.5], [0.25], [0.75], [1.0]])  # 2 countries × 3 areas
        outcome = evaluate(problem(raw, [1], areas=3), Method(top_k=2, samples=0))
        assert outcome.country_score.tolist() == pytest.approx([0.75, 0.875])
        assert outcome.country_top_areas == [[1, 2], [2, 1]]
        assert outcome.country_rank.tolist() == [2, 1]

    def test_alternative_below_coverage_is_not_ranked(self):
        raw = np.array([[1.0, 1.0], [0.5, np.nan], [0.0, 0.0]])
        outcome = evaluate(problem(raw, [0.5, 0.5]), Method(coverage_threshold=0.7, samples=10))
        assert outcome.sufficient.tolist() == [True, False, True]
        assert np.isnan(outcome.country_score[1]) and np.isnan(outcome.country_rank[1])
        assert outcome.country_rank[[0, 2]].tolist() == [1, 2]

    def test_missing_value_above_coverage_drops_out_of_the_mean(self):
        raw = np.array([[1.0, 1.0, 0.0], [0.0, np.nan, 1.0], [0.5, 0.0, 0.5]])
        outcome = evaluate(problem(raw, [0.4, 0.2, 0.4]), Method(coverage_threshold=0.5, samples=0))
        # Country 2 has criteria 0 and 2 (normalised 0 and 1) with weights 0.4 and 0.4.
        assert outcome.pair_score[1] == pytest.approx(0.5)

    def test_imputation_by_group_mean_fills_the_gap(self):
        raw = np.array([[1.0, 4.0], [0.0, np.nan], [0.5, 2.0], [0.2, 0.0]])
        base = problem(raw, [0.5, 0.5])
        imputed = DecisionProblem(**{**base.__dict__, "impute_group_of_pair": np.array([0, 0, 1, 1])})
        outcome = evaluate(imputed, Method(coverage_threshold=0.5, samples=0))
        # Country 1's missing value becomes its group's mean, 4.0, the column maximum.
        assert outcome.normalized[1, 1] == pytest.approx(1.0)

    def test_same_seed_gives_identical_results(self):
        rng = np.random.default_rng(5)
        case = problem(rng.random((60, 4)), [1, 1, 2, 3], areas=3)
        first = evaluate(case, Method(samples=200, seed=11, vary_method=True))
        second = evaluate(case, Method(samples=200, seed=11, vary_method=True))
        for name in ("rank_p05", "rank_median", "rank_p95", "p_top"):
            assert np.array_equal(first.country_summary[name], second.country_summary[name], equal_nan=True)

    def test_no_weight_perturbation_collapses_intervals_to_the_nominal_rank(self):
        rng = np.random.default_rng(8)
        outcome = evaluate(problem(rng.random((30, 4)), [1, 2, 3, 4]), Method(samples=100, concentration=None))
        assert np.array_equal(outcome.country_summary["rank_p05"], outcome.country_rank)
        assert np.array_equal(outcome.country_summary["rank_p95"], outcome.country_rank)

    def test_perturbed_weights_widen_some_intervals(self):
        rng = np.random.default_rng(8)
        outcome = evaluate(problem(rng.random((30, 4)), [1, 2, 3, 4]), Method(samples=300, concentration=5))
        assert np.any(outcome.country_summary["rank_p95"] > outcome.country_summary["rank_p05"])
        assert np.all(outcome.country_summary["rank_p05"] <= outcome.country_summary["rank_p95"])

    @pytest.mark.parametrize("aggregation", ["wam", "wgm", "topsis"])
    def test_every_method_scores_every_country_with_complete_data(self, aggregation):
        rng = np.random.default_rng(9)
        outcome = evaluate(problem(rng.random((40, 3)), [1, 2, 3], areas=4), Method(aggregation=aggregation))
        assert np.isfinite(outcome.country_score).all() and np.isfinite(outcome.pair_score).all()
        assert np.isfinite(outcome.country_summary["rank_p95"]).all()

    def test_cost_direction_reverses_the_order(self):
        raw = np.array([[1.0], [2.0], [3.0]])
        assert evaluate(problem(raw, [1]), Method(samples=0)).country_rank.tolist() == [3, 2, 1]
        assert evaluate(problem(raw, [1], directions=[COST]), Method(samples=0)).country_rank.tolist() == [1, 2, 3]

    @pytest.mark.parametrize(
        ("method", "field"),
        [
            (Method(aggregation="median"), "method"),
            (Method(normalization="log"), "normalization"),
            (Method(coverage_threshold=1.5), "coverage_threshold"),
            (Method(top_k=0), "top_k_areas"),
            (Method(concentration=-1.0), "weight_concentration"),
        ],
    )
    def test_bad_method_is_refused_naming_the_field(self, method, field):
        with pytest.raises(ScoringError) as refused:
            evaluate(problem(np.ones((3, 2)), [1, 1]), method)
        assert refused.value.field == field

    def test_infinite_raw_value_is_refused(self):
        with pytest.raises(ScoringError, match="infinite"):
            evaluate(problem(np.array([[1.0], [np.inf]]), [1]), Method(samples=0))


class TestPublishedExamples:
    def test_ahp_leader_example(self):
        """Wikipedia, "Analytic hierarchy process – leader example": criteria weights .547, .127, .270, .056.

        The article rounds to three decimals so that they sum to 1; the consistency ratio is below 0.1.
        """
        judgements = {
            "experience": {"education": 4, "charisma": 3, "age": 7},
            "education": {"charisma": 1 / 3, "age": 3},
            "charisma": {"age": 5},
        }
        result = ahp_weights_checked(["experience", "education", "charisma", "age"], judgements)
        assert result.weights == pytest.approx([0.547, 0.127, 0.270, 0.056], abs=1e-3)
        assert result.consistency_ratio < 0.1

    def test_topsis_tzeng_huang_example(self):
        """Tzeng & Huang (2011), *Multiple Attribute Decision Making: Methods and Applications*, CRC Press:
        four alternatives, three benefit criteria weighted 0.3, 0.4, 0.3, vector normalisation;
        published closeness 0.5037, 0.6581, 0.7482, 0.3340 (four decimals).
        """
        matrix = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
        vector_normalised = matrix / np.sqrt((matrix**2).sum(axis=0))
        closeness = aggregate(vector_normalised, np.array([0.3, 0.4, 0.3]), "topsis")[0]
        assert closeness == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=5e-5)
        assert competition_ranks(closeness)[0].tolist() == [3, 2, 1, 4]


def test_scores_equal_but_for_rounding_share_a_rank():
    """Regression: 0.5, 0.5 and 0.5000000000000001 got ranks 2, 2, 1."""
    assert competition_ranks(np.array([0.5, 0.5, 0.5000000000000001, 0.4])).tolist() == [[1, 1, 1, 4]]


def test_a_raw_value_beyond_a_trillion_is_refused():
    with pytest.raises(ScoringError, match="beyond ±1e\\+12"):
        evaluate(problem(np.array([[1.0], [2e12]]), [1]), Method(samples=0))


def test_imputation_by_group_may_differ_by_criterion():
    raw = np.array([[1.0, 10.0], [3.0, 30.0], [np.nan, np.nan], [5.0, np.nan]])
    groups = np.array([[0, 0], [0, 0], [0, -1], [1, 1]])
    filled = impute_group_mean(raw, groups)
    assert filled[2, 0] == 2.0  # the mean of its group in the first criterion
    assert np.isnan(filled[2, 1])  # left missing in the second
    assert np.isnan(filled[3, 1])  # no other member of its group has a value
    assert np.array_equal(impute_group_mean(raw, np.array([0, 0, 0, 1]))[2], [2.0, 20.0])
