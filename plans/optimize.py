"""The plan as a mixed-integer program: choose actions, each paid from one pool that may fund its kind, to maximise
their total value within the pools' limits, the experts' days, the number of countries and the regional limits,
with the actions the planner insists on and none of those ruled out. Solved by HiGHS (`scipy.optimize.milp`).

Pure: candidates and constraints in, the chosen actions (or, when nothing satisfies every constraint, which
constraints conflict) out; nothing here reads the database.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

SOLVER = f"HiGHS via scipy.optimize.milp (SciPy {scipy.__version__})"
# HiGHS stops once the plan is provably within this fraction of the best possible value.
RELATIVE_GAP = 1e-6
TIME_LIMIT_SECONDS = 60.0


@dataclass(frozen=True)
class Candidate:
    """One action the plan may choose: a template in a country, with its value, cost and expert-days."""

    country: str
    region: str
    template: str
    kind: str
    value: float
    cost: int
    expert_days: int


@dataclass(frozen=True)
class Pool:
    code: str
    limit: int  # what is left once the commitments are paid
    kinds: frozenset[str]


@dataclass(frozen=True)
class RegionLimit:
    region: str
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Constraints:
    pools: tuple[Pool, ...]
    expert_days: int  # left once the commitments are staffed
    max_countries: int | None = None
    region_limits: tuple[RegionLimit, ...] = ()
    include: frozenset[int] = frozenset()  # candidate positions
    exclude: frozenset[int] = frozenset()


@dataclass
class Solution:
    feasible: bool
    value: float = 0.0
    # Candidate position → the pool paying for it.
    chosen: dict[int, str] = field(default_factory=dict)
    pool_used: dict[str, int] = field(default_factory=dict)
    expert_days_used: int = 0
    # How far below the best possible value the plan may be, as HiGHS proved it (0 for a proven optimum), and
    # whether it stopped at the time limit before proving it optimal.
    gap: float = 0.0
    stopped_early: bool = False


class SolverTimeout(Exception):
    """The time limit passed before HiGHS found any plan meeting every constraint (nor proved there is none)."""


# scipy.optimize.milp's statuses.
OPTIMAL, LIMIT_REACHED, INFEASIBLE = 0, 1, 2


def _variables(candidates: Sequence[Candidate], pools: Sequence[Pool]) -> list[tuple[int, int]]:
    """(candidate, pool) pairs: an action paid from a pool that may fund its kind."""
    return [
        (i, p) for i, candidate in enumerate(candidates) for p, pool in enumerate(pools) if candidate.kind in pool.kinds
    ]


def solve(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    *,
    feasibility_only: bool = False,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Solution:
    """The best plan, or `Solution(feasible=False)` when no plan meets every constraint (see `explain`). At the time
    limit, the best plan found so far, with the gap HiGHS proved; `SolverTimeout` if it found none."""
    pools = constraints.pools
    pairs = _variables(candidates, pools)
    countries = sorted({candidate.country for candidate in candidates})
    country_index = {iso3: k for k, iso3 in enumerate(countries)}
    use_countries = constraints.max_countries is not None
    n_x = len(pairs)
    n = n_x + (len(countries) if use_countries else 0)
    if n_x == 0:
        empty = not constraints.include and not any(limit.minimum for limit in constraints.region_limits)
        return Solution(feasible=empty, pool_used={pool.code: 0 for pool in pools})
    cand = np.array([i for i, _ in pairs])
    pool_of = np.array([p for _, p in pairs])
    value = np.array([candidates[i].value for i in cand], dtype=float)
    cost = np.array([candidates[i].cost for i in cand], dtype=float)
    days = np.array([candidates[i].expert_days for i in cand], dtype=float)
    columns = np.arange(n_x)
    rows: list[sparse.csr_array] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []

    def add(matrix, low, high) -> None:
        matrix = sparse.csr_array(matrix)
        if matrix.shape[1] < n:
            matrix = sparse.hstack([matrix, sparse.csr_array((matrix.shape[0], n - matrix.shape[1]))], format="csr")
        rows.append(matrix)
        lower.append(np.broadcast_to(np.asarray(low, dtype=float), (matrix.shape[0],)))
        upper.append(np.broadcast_to(np.asarray(high, dtype=float), (matrix.shape[0],)))

    # Each action at most once (exactly once when the planner insists on it).
    once = sparse.csr_array((np.ones(n_x), (cand, columns)), shape=(len(candidates), n_x))
    must = np.zeros(len(candidates))
    must[list(constraints.include)] = 1.0
    add(once, must, 1.0)
    # Each pool within its limit.
    add(
        sparse.csr_array((cost, (pool_of, columns)), shape=(len(pools), n_x)),
        -np.inf,
        [p.limit for p in pools],
    )
    # The experts' days.
    add(days.reshape(1, -1), -np.inf, constraints.expert_days)
    # Regional limits on what is spent.
    for limit in constraints.region_limits:
        in_region = np.array([candidates[i].region == limit.region for i in cand], dtype=float)
        low = limit.minimum if limit.minimum is not None else -np.inf
        high = limit.maximum if limit.maximum is not None else np.inf
        add((cost * in_region).reshape(1, -1), low, high)
    if use_countries:
        # An action in a country opens it (x ≤ y), and at most so many countries are open.
        link = sparse.hstack(
            [
                sparse.identity(n_x, format="csr"),
                -sparse.csr_array(
                    (np.ones(n_x), (columns, [country_index[candidates[i].country] for i in cand])),
                    shape=(n_x, len(countries)),
                ),
            ],
            format="csr",
        )
        add(link, -np.inf, 0.0)
        add(np.concatenate([np.zeros(n_x), np.ones(len(countries))]).reshape(1, -1), -np.inf, constraints.max_countries)
    upper_bounds = np.ones(n)
    upper_bounds[:n_x][np.isin(cand, list(constraints.exclude))] = 0.0
    objective = np.zeros(n) if feasibility_only else -np.concatenate([value, np.zeros(n - n_x)])
    result = milp(
        objective,
        constraints=LinearConstraint(sparse.vstack(rows, format="csr"), np.concatenate(lower), np.concatenate(upper)),
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), upper_bounds),
        options={"mip_rel_gap": RELATIVE_GAP, "time_limit": time_limit, "presolve": True},
    )
    if result.x is None:
        if result.status == LIMIT_REACHED:
            raise SolverTimeout(f"No plan found within {time_limit:g} s.")
        return Solution(feasible=False)
    taken = result.x[:n_x] > 0.5
    chosen = {int(cand[k]): pools[pool_of[k]].code for k in np.flatnonzero(taken)}
    return Solution(
        feasible=True,
        value=float(value[taken].sum()),
        chosen=chosen,
        pool_used={pool.code: int(cost[taken & (pool_of == p)].sum()) for p, pool in enumerate(pools)},
        expert_days_used=int(days[taken].sum()),
        gap=0.0 if feasibility_only else float(result.get("mip_gap") or 0.0),
        stopped_early=result.status != OPTIMAL,
    )


def constraint_names(constraints: Constraints) -> dict[str, Constraints]:
    """Each constraint that can make a plan infeasible, by name, with the constraints as they are without it."""
    relaxed: dict[str, Constraints] = {}
    for k, pool in enumerate(constraints.pools):
        loose = replace(pool, limit=np.iinfo(np.int64).max // 4)
        relaxed[f"pool:{pool.code}"] = replace(
            constraints, pools=(*constraints.pools[:k], loose, *constraints.pools[k + 1 :])
        )
    relaxed["expert_days"] = replace(constraints, expert_days=np.iinfo(np.int64).max // 4)
    if constraints.max_countries is not None:
        relaxed["max_countries"] = replace(constraints, max_countries=None)
    for k, limit in enumerate(constraints.region_limits):
        others = (*constraints.region_limits[:k], *constraints.region_limits[k + 1 :])
        if limit.minimum is not None:
            relaxed[f"region_minimum:{limit.region}"] = replace(
                constraints, region_limits=(*others, replace(limit, minimum=None))
            )
        if limit.maximum is not None:
            relaxed[f"region_maximum:{limit.region}"] = replace(
                constraints, region_limits=(*others, replace(limit, maximum=None))
            )
    for position in sorted(constraints.include):
        relaxed[f"include:{position}"] = replace(constraints, include=constraints.include - {position})
    return relaxed


def explain(candidates: Sequence[Candidate], constraints: Constraints) -> tuple[list[str], bool]:
    """Why no plan meets every constraint: the constraints that, each relaxed alone, let one exist, and True; when
    no single relaxation does, the conflict involves several: every constraint is named, and False."""
    relaxed = constraint_names(constraints)
    alone = [name for name, loose in relaxed.items() if solve(candidates, loose, feasibility_only=True).feasible]
    return (alone, True) if alone else (list(relaxed), False)
