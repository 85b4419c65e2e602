"""The plan's mixed-integer program on cases small enough to solve by hand."""

import numpy as np
import pytest

from plans.optimize import Candidate, Constraints, Pool, RegionLimit, explain, greedy, solve, solve_samples

KINDS = frozenset({"seminar", "training_course"})


def action(country: str, value: float, cost: int, *, days: int = 0, region: str = "Asia", kind: str = "seminar"):
    return Candidate(
        country=country,
        region=region,
        template=f"t-{country}-{cost}",
        kind=kind,
        value=value,
        cost=cost,
        expert_days=days,
    )


def test_a_knapsack_the_greedy_rule_gets_wrong_is_solved_to_its_optimum():
    # Budget 8. By value per yen A comes first (1.5), and then neither B nor C fits: 9. B and C together give 10.
    candidates = [action("A", 9, 6), action("B", 5, 4), action("C", 5, 4)]
    solution = solve(candidates, Constraints(pools=(Pool("jpo", 8, KINDS),), expert_days=100))
    assert solution.feasible
    assert sorted(solution.chosen) == [1, 2]
    assert solution.value == 10
    assert solution.pool_used == {"jpo": 8}


def test_each_action_is_paid_by_a_pool_that_may_fund_its_kind_within_its_limit():
    candidates = [action("A", 4, 5, kind="training_course"), action("B", 3, 5), action("C", 2, 5)]
    pools = (Pool("jpo", 5, frozenset({"seminar"})), Pool("wipo", 10, frozenset({"training_course", "seminar"})))
    solution = solve(candidates, Constraints(pools=pools, expert_days=100))
    assert solution.chosen == {0: "wipo", 1: "jpo", 2: "wipo"} or solution.chosen == {0: "wipo", 1: "wipo", 2: "jpo"}
    assert solution.pool_used["jpo"] <= 5 and solution.pool_used["wipo"] <= 10
    assert solution.value == 9


def test_expert_days_countries_and_regions_bind():
    candidates = [
        action("A", 5, 1, days=10),
        action("A", 4, 1, days=10),
        action("B", 3, 1, days=1, region="Africa"),
        action("C", 2, 1, days=1, region="Americas"),
    ]
    pool = (Pool("jpo", 100, KINDS),)
    assert sorted(solve(candidates, Constraints(pools=pool, expert_days=12)).chosen) == [0, 2, 3]
    # Two countries at most: A's two actions and B's.
    assert sorted(solve(candidates, Constraints(pools=pool, expert_days=100, max_countries=2)).chosen) == [0, 1, 2]
    # Asia may take at most 1 yen: one of A's actions only.
    limits = (RegionLimit("Asia", maximum=1),)
    assert sorted(solve(candidates, Constraints(pools=pool, expert_days=100, region_limits=limits)).chosen) == [0, 2, 3]


def test_must_include_and_must_exclude_are_kept():
    candidates = [action("A", 9, 6), action("B", 5, 4), action("C", 5, 4)]
    pool = (Pool("jpo", 8, KINDS),)
    assert sorted(solve(candidates, Constraints(pools=pool, expert_days=100, include=frozenset({0}))).chosen) == [0]
    assert sorted(solve(candidates, Constraints(pools=pool, expert_days=100, exclude=frozenset({2}))).chosen) == [0]


def test_an_infeasible_plan_names_the_constraints_that_conflict():
    candidates = [action("A", 9, 6, region="Africa"), action("B", 5, 4)]
    constraints = Constraints(
        pools=(Pool("jpo", 5, KINDS),), expert_days=100, region_limits=(RegionLimit("Africa", minimum=6),)
    )
    assert not solve(candidates, constraints).feasible
    # Either more money or no minimum for Africa would do; the experts' days have nothing to do with it.
    conflicts, each_alone = explain(candidates, constraints)
    assert each_alone and sorted(conflicts) == ["pool:jpo", "region_minimum:Africa"]
    insisted = Constraints(pools=(Pool("jpo", 5, KINDS),), expert_days=100, include=frozenset({0}))
    assert sorted(explain(candidates, insisted)[0]) == ["include:0", "pool:jpo"]


def test_a_conflict_no_single_relaxation_resolves_names_every_constraint():
    # Africa's seminar and Asia's course each need a pool of 6 and have one of 5: two constraints must give way.
    candidates = [action("A", 9, 6, region="Africa"), action("B", 5, 6, kind="training_course")]
    constraints = Constraints(
        pools=(Pool("jpo", 5, frozenset({"seminar"})), Pool("wipo", 5, frozenset({"training_course"}))),
        expert_days=100,
        region_limits=(RegionLimit("Africa", minimum=6), RegionLimit("Asia", minimum=6)),
    )
    conflicts, each_alone = explain(candidates, constraints)
    assert not each_alone
    assert sorted(conflicts) == ["expert_days", "pool:jpo", "pool:wipo", "region_minimum:Africa", "region_minimum:Asia"]


def test_actions_that_fit_the_pools_only_with_their_costs_split_are_refitted_one_pool_each():
    # Two pools of 5 and three seminars of 4, 3 and 3 (10 together): split across pools they would all fit, paid
    # from one pool each only two do. The plan keeps the most valuable two that fit, and says it is not proven.
    candidates = [action("A", 8, 4), action("B", 5, 3), action("C", 4, 3)]
    pools = (Pool("jpo", 5, KINDS), Pool("wipo", 5, KINDS))
    solution = solve(candidates, Constraints(pools=pools, expert_days=100))
    assert sorted(solution.chosen) == [0, 1]
    assert set(solution.chosen.values()) == {"jpo", "wipo"}
    assert all(used <= 5 for used in solution.pool_used.values())
    assert solution.value == 13


def test_the_greedy_plan_takes_the_best_value_per_yen_and_meets_regional_minimums_first():
    candidates = [action("A", 9, 6), action("B", 5, 4), action("C", 1, 4, region="Africa")]
    pool = (Pool("jpo", 10, KINDS),)
    assert sorted(greedy(candidates, Constraints(pools=pool, expert_days=100)).chosen) == [0, 1]
    minimum = (RegionLimit("Africa", minimum=1),)
    found = greedy(candidates, Constraints(pools=pool, expert_days=100, region_limits=minimum))
    assert found.feasible and sorted(found.chosen) == [0, 2]
    # A minimum it cannot reach leaves it without a plan.
    unreachable = (RegionLimit("Africa", minimum=5),)
    assert not greedy(candidates, Constraints(pools=pool, expert_days=100, region_limits=unreachable)).feasible


def test_an_action_that_dominates_is_chosen_in_every_sample_and_one_that_cannot_fit_in_none():
    # A is worth most in every sample; D costs more than the pool holds; B and C trade places from sample to sample.
    candidates = [action("A", 10, 4), action("B", 3, 4), action("C", 3, 4), action("D", 50, 20)]
    constraints = Constraints(pools=(Pool("jpo", 8, KINDS),), expert_days=100)
    rng = np.random.default_rng(3)
    samples = np.column_stack(
        [rng.uniform(9, 11, 200), rng.uniform(2, 4, 200), rng.uniform(2, 4, 200), np.full(200, 50)]
    )
    nominal = solve(candidates, constraints)
    plans = solve_samples(candidates, constraints, samples, nominal)
    chosen = np.zeros(4)
    for plan in plans:
        chosen[list(plan.chosen)] += 1
    share = chosen / len(plans)
    assert share[0] == 1.0 and share[3] == 0.0
    assert 0.3 < share[1] < 0.7 and share[1] + share[2] == 1.0
    # Each sample's plan is the best under its own values: A and whichever of B and C is worth more there.
    for values, plan in zip(samples, plans, strict=True):
        assert plan.value == pytest.approx(values[0] + max(values[1], values[2]))
