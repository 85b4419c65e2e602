"""Benchmark: the cooperation plan's mixed-integer program at full size, against a greedy value-per-yen rule.

250 countries × 15 areas × 5 action kinds = 18,750 candidate actions, 3 funding pools (each funding some kinds),
an expert-day budget, at most 60 countries and a minimum and a maximum for each of the five regions. Prints what
HiGHS reaches within a 5-second budget and within its 60-second limit — the value, and the gap to the best possible
value it proved — and, in the same run, the value the greedy rule reaches (best value per yen first, into the first
pool with room) and how far it falls short. Asserts nothing.
"""

import time

import numpy as np

from plans.optimize import Candidate, Constraints, Pool, RegionLimit, SolverTimeout, solve

COUNTRIES, AREAS = 250, 15
# Kind → (cost in JPY, expert-days), as the demo catalogue sets them.
KINDS = {
    "training_course": (15_000_000, 20),
    "expert_dispatch": (8_000_000, 90),
    "seminar": (3_000_000, 6),
    "study_visit": (5_000_000, 5),
    "system_delivery": (60_000_000, 60),
}
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")


def candidates(rng: np.random.Generator) -> list[Candidate]:
    region_of = rng.choice(REGIONS, size=COUNTRIES, p=[0.3, 0.2, 0.3, 0.1, 0.1])
    scores = rng.beta(2.0, 3.0, size=(COUNTRIES, AREAS))
    found = []
    for country in range(COUNTRIES):
        for area in range(AREAS):
            for kind, (cost, days) in KINDS.items():
                # A bigger action does more: its value grows with its cost, less than in proportion.
                worth = scores[country, area] * (cost / 3_000_000) ** 0.5 * rng.uniform(0.8, 1.2)
                scale = rng.uniform(0.7, 1.3)
                found.append(
                    Candidate(
                        country=f"C{country:03d}",
                        region=str(region_of[country]),
                        template=f"a{area:02d}-{kind}",
                        kind=kind,
                        value=float(worth),
                        cost=int(cost * scale),
                        expert_days=int(days * scale),
                    )
                )
    return found


CONSTRAINTS = Constraints(
    pools=(
        Pool("jpo", 900_000_000, frozenset(KINDS)),
        Pool("fit", 300_000_000, frozenset({"training_course", "seminar", "study_visit"})),
        Pool("jica", 500_000_000, frozenset({"expert_dispatch", "system_delivery"})),
    ),
    expert_days=4_000,
    max_countries=60,
    region_limits=(
        RegionLimit("Africa", minimum=300_000_000),
        RegionLimit("Americas", minimum=150_000_000, maximum=500_000_000),
        RegionLimit("Asia", minimum=400_000_000),
        RegionLimit("Europe", maximum=100_000_000),
        RegionLimit("Oceania", minimum=50_000_000, maximum=200_000_000),
    ),
)


def greedy(found: list[Candidate], constraints: Constraints) -> float:
    """Best value per yen first, each into the first pool that funds its kind and has room, within the experts'
    days, the regional maxima and the number of countries (regional minima it cannot promise)."""
    left = {pool.code: pool.limit for pool in constraints.pools}
    days = constraints.expert_days
    spent = dict.fromkeys(REGIONS, 0)
    maxima = {limit.region: limit.maximum for limit in constraints.region_limits if limit.maximum is not None}
    countries: set[str] = set()
    value = 0.0
    for candidate in sorted(found, key=lambda c: c.value / c.cost, reverse=True):
        if candidate.expert_days > days or spent[candidate.region] + candidate.cost > maxima.get(
            candidate.region, 1e18
        ):
            continue
        if candidate.country not in countries and len(countries) >= (constraints.max_countries or 10**9):
            continue
        pool = next(
            (p.code for p in constraints.pools if candidate.kind in p.kinds and left[p.code] >= candidate.cost), None
        )
        if pool is None:
            continue
        left[pool] -= candidate.cost
        days -= candidate.expert_days
        spent[candidate.region] += candidate.cost
        countries.add(candidate.country)
        value += candidate.value
    return value


def main() -> None:
    found = candidates(np.random.default_rng(2026))
    started = time.perf_counter()
    baseline = greedy(found, CONSTRAINTS)
    greedy_seconds = time.perf_counter() - started
    print(
        f"Cooperation plan: {len(found):,} candidate actions ({COUNTRIES} countries × {AREAS} areas × {len(KINDS)} "
        f"kinds), {len(CONSTRAINTS.pools)} pools, {len(CONSTRAINTS.region_limits)} regional limits, "
        f"at most {CONSTRAINTS.max_countries} countries"
    )
    print(f"  greedy value per yen: {baseline:.2f} in {greedy_seconds:.3f} s")
    for budget in (5.0, 60.0):
        started = time.perf_counter()
        try:
            solution = solve(found, CONSTRAINTS, time_limit=budget)
        except SolverTimeout:
            print(f"  MILP (HiGHS), {budget:g} s allowed: no plan found in time")
            continue
        seconds = time.perf_counter() - started
        proof = f"proven within {solution.gap:.2%} of the best possible" if solution.stopped_early else "proven optimal"
        print(
            f"  MILP (HiGHS), {budget:g} s allowed: {seconds:.1f} s, value {solution.value:.2f} ({proof}), "
            f"{len(solution.chosen)} actions in {len({found[i].country for i in solution.chosen})} countries; "
            f"greedy falls {(solution.value - baseline) / solution.value:.1%} short of it"
        )


if __name__ == "__main__":
    main()
