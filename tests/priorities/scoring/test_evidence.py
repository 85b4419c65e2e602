"""Evidence strength, stable scales and the expected top-k country score, on plain arrays."""

import numpy as np
import pytest

from priorities.scoring import Criterion, Method, evaluate
from priorities.scoring.engine import LOG1P
from priorities.scoring.evidence import estimate
from tests.priorities.scoring.cases import decision_problem

NEED = Criterion("field.need", 0.4, low=1.0, high=5.0, evidence=True)
NEEDS = Criterion("needs.stakeholder", 0.3, low=0.0, high=25.0, transform=LOG1P, evidence=True)
POLICY = Criterion("policy.sdg", 0.3, low=0.0, high=1.0)


def shrink(values, amounts, *, strength=1.0, groups=None, areas=None, minimum=0.1):
    values = np.asarray(values, dtype=float)[:, None]
    amounts = np.asarray(amounts, dtype=float)[:, None]
    return estimate(
        values,
        amounts,
        np.array([True]),
        area_of_pair=np.zeros(len(values), dtype=int) if areas is None else np.asarray(areas),
        area_count=1 if areas is None else int(max(areas)) + 1,
        group_of_pair=None if groups is None else np.asarray(groups),
        strength=strength,
        minimum=minimum,
        low=np.array([1.0]),
        high=np.array([5.0]),
    )


class TestShrinkage:
    def test_an_estimate_is_pulled_toward_the_prior_by_how_little_evidence_backs_it(self):
        # Evidence-weighted area mean: (1 × 5 + 1 × 3 + 0.0625 × 5) / 2.0625.
        result = shrink([5.0, 3.0, 5.0], [1.0, 1.0, 0.0625])
        prior = (5 + 3 + 0.0625 * 5) / 2.0625
        assert result.prior[:, 0] == pytest.approx([prior] * 3)
        assert result.mean[0, 0] == pytest.approx((5 + prior) / 2)
        # The same value from one report four half-lives old moves the estimate an eighth as far from the prior.
        assert result.mean[2, 0] == pytest.approx((0.0625 * 5 + prior) / 1.0625)
        assert result.mean[2, 0] - prior < (result.mean[0, 0] - prior) / 8

    def test_old_evidence_below_the_minimum_does_not_count_as_observed(self):
        result = shrink([5.0, 3.0, 5.0], [1.0, 1.0, 0.05], minimum=0.1)
        assert result.observed[:, 0].tolist() == [True, True, False]
        assert result.amount[:, 0].tolist() == [1.0, 1.0, 0.05]

    def test_no_prior_strength_shrinks_nothing(self):
        result = shrink([5.0, 3.0, np.nan], [1.0, 0.2, 0.0], strength=0.0)
        assert result.mean[:2, 0].tolist() == [5.0, 3.0]
        assert result.standard_error[:2, 0].tolist() == [0.0, 0.0]
        # A pair nobody assessed still has an estimate: its prior, with the spread of one report.
        assert result.mean[2, 0] == pytest.approx(result.prior[2, 0])
        assert result.standard_error[2, 0] == pytest.approx(result.spread[0])

    def test_the_standard_error_falls_as_evidence_grows(self):
        result = shrink([4.0, 2.0, 3.0, np.nan], [0.25, 1.0, 4.0, 0.0])
        errors = result.standard_error[:, 0]
        assert errors[3] > errors[0] > errors[1] > errors[2] > 0
        sigma = result.spread[0]
        assert errors[3] == pytest.approx(sigma / np.sqrt(2))  # no evidence: σ / √(1 + s)
        assert errors[1] == pytest.approx(sigma * np.sqrt(1 / (2 * 2)))  # σ √(s / ((1 + s)(n + s)))

    def test_the_prior_is_the_group_mean_shrunk_toward_all_countries(self):
        # Group 0 has evidence 5 and 5, group 1 has 1; the area mean over all is 11 / 3.
        result = shrink([5.0, 5.0, 1.0, np.nan], [1.0, 1.0, 1.0, 0.0], groups=[0, 0, 1, 1])
        overall = 11 / 3
        assert result.prior[0, 0] == pytest.approx((10 + overall) / 3)
        assert result.prior[3, 0] == pytest.approx((1 + overall) / 2)

    def test_an_area_nobody_assessed_takes_the_mean_of_the_other_areas(self):
        result = shrink([4.0, 2.0, np.nan], [1.0, 1.0, 0.0], areas=[0, 0, 1])
        assert result.prior[2, 0] == pytest.approx(3.0)


def problem(raw, evidence, *, countries, areas, criteria=(NEED, NEEDS, POLICY), groups=None):
    assert np.shape(raw)[0] == countries * areas
    return decision_problem(
        raw,
        criteria,
        areas=areas,
        evidence=np.asarray(evidence, dtype=float),
        prior_group_of_pair=None if groups is None else np.repeat(np.asarray(groups), areas),
    )


def random_case(seed, countries=30, areas=4):
    rng = np.random.default_rng(seed)
    pairs = countries * areas
    assessed = rng.random(pairs) < 0.6
    amount = np.where(assessed, rng.uniform(0.2, 2.0, pairs), 0.0)
    need = np.where(assessed, rng.integers(1, 6, pairs), np.nan)
    needs = np.where(assessed, rng.gamma(1.0, 4.0, pairs), np.nan)
    raw = np.column_stack([need, needs, rng.random(pairs)])
    evidence = np.column_stack([amount, amount, np.zeros(pairs)])
    return raw, evidence


class TestStableScales:
    @pytest.mark.parametrize("seed", range(3))
    def test_without_shrinkage_strong_evidence_for_one_country_moves_no_other(self, seed):
        raw, evidence = random_case(seed)
        method = Method(samples=0, prior_strength=0.0, coverage_threshold=0.5)
        before = evaluate(problem(raw, evidence, countries=30, areas=4), method)
        # Sixteen urgent needs for country 7: its open-needs sum far beyond everyone else's.
        raised = raw.copy()
        raised[7 * 4 : 8 * 4, 1] = 16 * 5 * 2.0
        evidence_raised = evidence.copy()
        evidence_raised[7 * 4 : 8 * 4, :2] = 1.0
        raised[7 * 4 : 8 * 4, 0] = 3.0
        after = evaluate(problem(raised, evidence_raised, countries=30, areas=4), method)
        others = np.ones(120, dtype=bool)
        others[7 * 4 : 8 * 4] = False
        observed = before.sufficient & others
        assert np.array_equal(after.normalized[observed], before.normalized[observed])
        assert np.array_equal(after.pair_score[observed], before.pair_score[observed])
        order_before = np.argsort(before.pair_score[observed], kind="stable")
        order_after = np.argsort(after.pair_score[observed], kind="stable")
        assert order_before.tolist() == order_after.tolist()

    def test_with_shrinkage_others_move_only_through_their_prior(self):
        raw, evidence = random_case(4)
        groups = np.arange(30) % 3
        method = Method(samples=0, prior_strength=1.0, coverage_threshold=0.5)
        before = evaluate(problem(raw, evidence, countries=30, areas=4, groups=groups), method)
        raised, evidence_raised = raw.copy(), evidence.copy()
        raised[7 * 4 + 2, 0], evidence_raised[7 * 4 + 2, :2] = 5.0, 3.0  # strong evidence in area 2 only
        after = evaluate(problem(raised, evidence_raised, countries=30, areas=4, groups=groups), method)
        others = np.ones(120, dtype=bool)
        others[7 * 4 + 2] = False
        moved = after.estimates.mean[others, 0] - before.estimates.mean[others, 0]
        prior_shift = after.estimates.prior[others, 0] - before.estimates.prior[others, 0]
        amount = before.estimates.amount[others, 0]
        # Each other estimate moves by exactly its prior's shift times the prior's share, s / (n + s).
        assert moved == pytest.approx(prior_shift / (amount + 1.0), abs=1e-12)
        # Areas other than area 2 do not move at all.
        area = np.tile(np.arange(4), 30)[others]
        assert np.all(moved[area != 2] == 0)
        # Countries of the same group move more than the others, which share only the all-countries level.
        group = np.repeat(groups, 4)[others]
        same = np.abs(prior_shift[(area == 2) & (group == 7 % 3)])
        different = np.abs(prior_shift[(area == 2) & (group != 7 % 3)])
        assert same.min() > different.max() > 0

    def test_values_beyond_a_goalpost_are_held_at_it(self):
        raw = np.array([[3.0, 1000.0, 0.5], [3.0, 25.0, 0.5]])
        outcome = evaluate(
            problem(raw, np.array([[1.0, 1.0, 0.0]] * 2), countries=2, areas=1), Method(samples=0, prior_strength=0)
        )
        assert outcome.normalized[:, 1].tolist() == [1.0, 1.0]


class TestExpectedTopK:
    def test_three_good_areas_outrank_one_slightly_better_area(self):
        """A country known in one area at 0.9 no longer outranks one known in areas at 0.95, 0.85 and 0.80."""
        rng = np.random.default_rng(2)
        countries, areas = 22, 6
        level = Criterion("field.need", 1.0, low=0.0, high=1.0, evidence=True)
        raw = np.full((countries * areas, 1), np.nan)
        raw[:6, 0] = [0.9, np.nan, np.nan, np.nan, np.nan, np.nan]
        raw[6:12, 0] = [0.95, 0.85, 0.80, np.nan, np.nan, np.nan]
        raw[12:, 0] = rng.uniform(0.2, 0.6, (countries - 2) * areas)
        evidence = np.where(np.isnan(raw), 0.0, 1.0)
        outcome = evaluate(
            problem(raw, evidence, countries=countries, areas=areas, criteria=(level,)),
            Method(samples=0, top_k=3, coverage_threshold=0.5),
        )
        assert outcome.country_rank[1] < outcome.country_rank[0]
        # The plain mean of the areas scored would have put the single area first.
        assert np.nanmean(raw[:6, 0]) > np.nanmean(raw[6:12, 0])

    def test_the_expected_score_does_not_grow_with_the_number_of_assessed_areas(self):
        """Countries whose assessed areas are drawn from the same distribution score alike on average, whether 3, 6
        or 12 of their 12 areas were assessed; the plain top-3 mean of the assessed areas rises by 0.15."""
        rng = np.random.default_rng(1)
        countries, areas = 600, 12
        assessed_count = np.repeat([3, 6, 12], countries // 3)
        raw = np.full((countries * areas, 1), np.nan)
        for country, count in enumerate(assessed_count):
            chosen = rng.choice(areas, count, replace=False)
            raw[country * areas + chosen, 0] = rng.normal(3.0, 0.5, count)
        evidence = np.where(np.isnan(raw), 0.0, 1.0)
        need = Criterion("field.need", 1.0, low=1.0, high=5.0, evidence=True)
        outcome = evaluate(
            problem(raw, evidence, countries=countries, areas=areas, criteria=(need,)),
            Method(samples=0, top_k=3, coverage_threshold=0.5),
        )
        expected = [outcome.country_score[assessed_count == count].mean() for count in (3, 6, 12)]
        assert max(expected) - min(expected) < 0.01
        grid = np.where(np.isnan(raw[:, 0]), -np.inf, (raw[:, 0] - 1) / 4).reshape(countries, areas)
        plain = -np.sort(-grid, axis=1)[:, :3]
        plain_means = [plain[assessed_count == count].mean() for count in (3, 6, 12)]
        assert plain_means[2] - plain_means[0] > 0.1

    def test_a_country_with_no_pair_of_its_own_evidence_is_not_ranked(self):
        raw, evidence = random_case(5)
        raw[:4, :2], evidence[:4, :2] = np.nan, 0.0
        outcome = evaluate(problem(raw, evidence, countries=30, areas=4), Method(samples=20))
        assert np.isnan(outcome.country_score[0]) and np.isnan(outcome.country_rank[0])
        assert not outcome.sufficient[:4].any()
        assert np.isfinite(outcome.country_score[1:]).all()

    def test_wam_contributions_add_up_to_the_expected_score(self):
        raw, evidence = random_case(6)
        outcome = evaluate(problem(raw, evidence, countries=30, areas=4), Method(samples=0, coverage_threshold=0.5))
        ranked = np.isfinite(outcome.country_score)
        assert outcome.country_contributions[ranked].sum(axis=1) == pytest.approx(outcome.country_score[ranked])

    def test_the_same_seed_gives_the_same_expected_scores_and_intervals(self):
        raw, evidence = random_case(7)
        case = problem(raw, evidence, countries=30, areas=4)
        first, second = evaluate(case, Method(samples=100, seed=3)), evaluate(case, Method(samples=100, seed=3))
        assert np.array_equal(first.country_score, second.country_score, equal_nan=True)
        assert np.array_equal(first.country_summary["rank_p95"], second.country_summary["rank_p95"], equal_nan=True)

    def test_evidence_uncertainty_widens_intervals_even_with_fixed_weights(self):
        raw, evidence = random_case(8)
        outcome = evaluate(problem(raw, evidence, countries=30, areas=4), Method(samples=200, concentration=None))
        ranked = np.isfinite(outcome.country_rank)
        widths = outcome.country_summary["rank_p95"][ranked] - outcome.country_summary["rank_p05"][ranked]
        assert widths.max() > 0


class TestExplanations:
    def test_wgm_contributions_add_up_to_the_log_of_the_score(self):
        raw, evidence = random_case(11)
        outcome = evaluate(
            problem(raw, evidence, countries=30, areas=4), Method(samples=0, aggregation="wgm", coverage_threshold=0.5)
        )
        scored = outcome.sufficient
        log_scores = np.log(outcome.pair_score[scored])
        assert np.nansum(outcome.pair_contributions[scored], axis=1) == pytest.approx(log_scores)
        ranked = np.isfinite(outcome.country_score)
        assert outcome.country_contributions[ranked].sum(axis=1) == pytest.approx(np.log(outcome.country_score[ranked]))

    def test_topsis_reports_the_score_change_with_each_criterion_at_its_mean(self):
        raw, evidence = random_case(12)
        case = problem(raw, evidence, countries=30, areas=4)
        outcome = evaluate(case, Method(samples=0, aggregation="topsis", coverage_threshold=0.5))
        pair = int(np.flatnonzero(outcome.sufficient)[0])
        values = outcome.aggregated[pair]
        means = np.nanmean(outcome.aggregated[outcome.sufficient], axis=0)
        weights = outcome.weights

        def closeness(v):
            to_ideal = np.sqrt(np.sum(weights**2 * (v - outcome.upper) ** 2))
            to_anti = np.sqrt(np.sum(weights**2 * (v - outcome.lower) ** 2))
            return to_anti / (to_ideal + to_anti)

        assert closeness(values) == pytest.approx(outcome.pair_score[pair])
        for column in range(len(weights)):
            at_mean = values.copy()
            at_mean[column] = means[column]
            expected = closeness(values) - closeness(at_mean)
            assert outcome.pair_contributions[pair, column] == pytest.approx(expected, abs=1e-12)


def test_coinrs_rule_flags_a_skewed_sum_and_the_log_scale_tames_it():
    rng = np.random.default_rng(13)
    raw, evidence = random_case(13, countries=60)
    raw[:, 1] = np.where(np.isnan(raw[:, 1]), np.nan, rng.pareto(1.2, raw.shape[0]) * 3)
    outcome = evaluate(problem(raw, evidence, countries=60, areas=4), Method(samples=0, prior_strength=0))
    shape = outcome.shape
    observed = raw[outcome.sufficient, 1]
    centred = observed - observed.mean()
    assert shape["raw_skewness"][1] == pytest.approx((centred**3).mean() / (centred**2).mean() ** 1.5)
    assert shape["raw_flagged"][1] and not shape["flagged"][1]
    assert not shape["raw_flagged"][2]  # policy alignment, uniform on 0–1
