"""The plan's mixed-integer program on cases small enough to solve by hand."""

from plans.optimize import Candidate, Constraints, Pool, RegionLimit, explain, solve

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
