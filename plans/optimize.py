"""The plan as a mixed-integer program: choose actions, each paid from one pool that may fund its kind, to maximise
their total value within the pools' limits, the experts' days, the number of countries and the regional limits,
with the actions the planner insists on and none of those ruled out. Solved by HiGHS (highspy), started from the
greedy plan.

Pure: candidates and constraints in, the chosen actions (or, when nothing satisfies every constraint, which
constraints conflict) out; nothing here reads the database.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import highspy
import numpy as np
from scipy import sparse

SOLVER = f"HiGHS {highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH} (highspy)"
# HiGHS stops once the plan is provably within this fraction of the best possible value.
RELATIVE_GAP = 1e-6
TIME_LIMIT_SECONDS = 60.0
# Each Monte Carlo sample's plan: started from the nominal plan, improved for at most this long.
SAMPLE_TIME_LIMIT_SECONDS = 0.5
# The value-for-money frontier: the plan solved again with its pools at these shares of their limits.
FRONTIER_SCALES = (0.25, 0.5, 0.75, 1.25, 1.5, 2.0)
FRONTIER_TIME_LIMIT_SECONDS = 5.0


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
    # The best value any plan could reach, as HiGHS proved it (the plan's own value when proven optimal).
    bound: float | None = None


class SolverTimeout(Exception):
    """The time limit passed before HiGHS found any plan meeting every constraint (nor proved there is none)."""


class UnsplittableFunding(Exception):
    """The best plan's actions can be funded by the pools only if some action's cost is split between pools."""


def _funders(candidates: Sequence[Candidate], pools: Sequence[Pool]) -> list[frozenset[int]]:
    """Per candidate, the pools that may fund its kind."""
    return [frozenset(p for p, pool in enumerate(pools) if candidate.kind in pool.kinds) for candidate in candidates]


@dataclass
class _Program:
    """The plan's mixed-integer program over which actions are chosen: one 0/1 column per candidate, then, with a
    maximum number of countries, one per country (open or not).

    Which pool pays for each chosen action is left to `_assign`: here, the pools only bound what the chosen actions
    cost together, the way any funding split across pools must (for every set S of pools, the actions that only
    pools in S may fund cost no more than S's limits together; Gale's condition, exact when an action's cost may be
    split). Far smaller and easier than a column per (action, pool), and exact whenever the chosen actions can each
    be paid from a single pool — which `_assign` then finds, or refuses.
    """

    candidates: Sequence[Candidate]
    constraints: Constraints
    funders: list[frozenset[int]]
    countries: list[str]
    matrix: sparse.csc_array
    lower: np.ndarray
    upper: np.ndarray
    column_lower: np.ndarray
    column_upper: np.ndarray

    @property
    def candidate_count(self) -> int:
        return len(self.candidates)

    @property
    def column_count(self) -> int:
        return self.column_upper.size

    def objective(self, values: np.ndarray) -> np.ndarray:
        return np.concatenate([values, np.zeros(self.column_count - self.candidate_count)])


def _program(candidates: Sequence[Candidate], constraints: Constraints) -> _Program:
    pools = constraints.pools
    funders = _funders(candidates, pools)
    countries = sorted({candidate.country for candidate in candidates})
    country_index = {iso3: k for k, iso3 in enumerate(countries)}
    use_countries = constraints.max_countries is not None
    n_x = len(candidates)
    n = n_x + (len(countries) if use_countries else 0)
    cost = np.array([candidate.cost for candidate in candidates], dtype=float)
    days = np.array([candidate.expert_days for candidate in candidates], dtype=float)
    rows: list[sparse.csr_array] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(matrix, low, high) -> None:
        matrix = sparse.csr_array(matrix)
        if matrix.shape[1] < n:
            matrix = sparse.hstack([matrix, sparse.csr_array((matrix.shape[0], n - matrix.shape[1]))], format="csr")
        rows.append(matrix)
        lower.extend(np.broadcast_to(np.asarray(low, dtype=float), (matrix.shape[0],)))
        upper.extend(np.broadcast_to(np.asarray(high, dtype=float), (matrix.shape[0],)))

    # The pools together: every set of pools covers what only they may fund.
    for size in range(1, len(pools) + 1):
        for subset in combinations(range(len(pools)), size):
            covered = np.array([bool(pays) and pays <= set(subset) for pays in funders], dtype=float)
            if covered.any():
                add((cost * covered).reshape(1, -1), -np.inf, sum(pools[p].limit for p in subset))
    # The experts' days.
    add(days.reshape(1, -1), -np.inf, constraints.expert_days)
    # Regional limits on what is spent.
    for limit in constraints.region_limits:
        in_region = np.array([candidate.region == limit.region for candidate in candidates], dtype=float)
        low = limit.minimum if limit.minimum is not None else -np.inf
        high = limit.maximum if limit.maximum is not None else np.inf
        add((cost * in_region).reshape(1, -1), low, high)
    if use_countries:
        # An action in a country opens it (x ≤ y), and at most so many countries are open.
        columns = np.arange(n_x)
        link = sparse.hstack(
            [
                sparse.identity(n_x, format="csr"),
                -sparse.csr_array(
                    (np.ones(n_x), (columns, [country_index[candidate.country] for candidate in candidates])),
                    shape=(n_x, len(countries)),
                ),
            ],
            format="csr",
        )
        add(link, -np.inf, 0.0)
        add(np.concatenate([np.zeros(n_x), np.ones(len(countries))]).reshape(1, -1), -np.inf, constraints.max_countries)
    column_lower = np.zeros(n)
    column_upper = np.ones(n)
    column_upper[list(constraints.exclude)] = 0.0
    column_upper[[k for k, pays in enumerate(funders) if not pays]] = 0.0
    column_lower[list(constraints.include)] = 1.0
    return _Program(
        candidates=candidates,
        constraints=constraints,
        funders=funders,
        countries=countries,
        matrix=sparse.vstack(rows, format="csc"),
        lower=np.array(lower),
        upper=np.array(upper),
        column_lower=column_lower,
        column_upper=column_upper,
    )


def _highs(program: _Program, objective: np.ndarray, time_limit: float) -> highspy.Highs:
    """HiGHS holding the program, maximising `objective` (one entry per column)."""
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = program.column_count, program.lower.size
    model.col_cost_ = objective
    model.col_lower_ = program.column_lower
    model.col_upper_ = program.column_upper
    model.row_lower_ = np.where(np.isfinite(program.lower), program.lower, -highspy.kHighsInf)
    model.row_upper_ = np.where(np.isfinite(program.upper), program.upper, highspy.kHighsInf)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = program.matrix.indptr
    model.a_matrix_.index_ = program.matrix.indices
    model.a_matrix_.value_ = program.matrix.data
    model.integrality_ = [highspy.HighsVarType.kInteger] * program.column_count
    model.sense_ = highspy.ObjSense.kMaximize
    highs = highspy.Highs()
    for option, value in {
        "output_flag": False,
        "mip_rel_gap": RELATIVE_GAP,
        "time_limit": float(time_limit),
        "threads": 1,
        "random_seed": 0,
    }.items():
        highs.setOptionValue(option, value)
    highs.passModel(model)
    return highs


def _columns(program: _Program, chosen: Iterable[int]) -> np.ndarray:
    """A plan (candidate positions) as the program's column values."""
    column = np.zeros(program.column_count)
    country_index = {iso3: k for k, iso3 in enumerate(program.countries)}
    for position in chosen:
        column[position] = 1.0
        if program.column_count > program.candidate_count:
            column[program.candidate_count + country_index[program.candidates[position].country]] = 1.0
    return column


def _assign(program: _Program, chosen: list[int], values: np.ndarray, time_limit: float) -> dict[int, str] | None:
    """Each chosen action paid from one pool that may fund its kind, within the pools' limits. When all of them
    cannot be (their costs would have to be split between pools), the most valuable set of them that can, still
    with every action insisted on and every regional minimum; None if there is none."""
    constraints = program.constraints
    pools = constraints.pools
    candidates = program.candidates
    pairs = [(position, p) for position in chosen for p in sorted(program.funders[position])]
    if not pairs:
        return {}
    position_row = {position: k for k, position in enumerate(chosen)}
    columns = np.arange(len(pairs))
    cost = np.array([candidates[position].cost for position, _p in pairs], dtype=float)
    blocks = [
        sparse.csr_array(
            (np.ones(len(pairs)), ([position_row[position] for position, _p in pairs], columns)),
            shape=(len(chosen), len(pairs)),
        ),
        sparse.csr_array((cost, ([p for _position, p in pairs], columns)), shape=(len(pools), len(pairs))),
    ]
    lower = [
        [1.0 if position in constraints.include else 0.0 for position in chosen],
        [-highspy.kHighsInf] * len(pools),
    ]
    upper = [[1.0] * len(chosen), [float(pool.limit) for pool in pools]]
    for limit in constraints.region_limits:
        if limit.minimum is not None:
            in_region = [candidates[position].region == limit.region for position, _p in pairs]
            blocks.append(sparse.csr_array((cost * np.array(in_region, dtype=float)).reshape(1, -1)))
            lower.append([float(limit.minimum)])
            upper.append([highspy.kHighsInf])
    matrix = sparse.vstack(blocks, format="csc")
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(pairs), matrix.shape[0]
    model.col_cost_ = np.array([values[position] for position, _p in pairs], dtype=float)
    model.col_lower_, model.col_upper_ = np.zeros(len(pairs)), np.ones(len(pairs))
    model.row_lower_, model.row_upper_ = np.concatenate(lower), np.concatenate(upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_, model.a_matrix_.index_, model.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
    model.integrality_ = [highspy.HighsVarType.kInteger] * len(pairs)
    model.sense_ = highspy.ObjSense.kMaximize
    highs = highspy.Highs()
    for option, setting in {"output_flag": False, "time_limit": float(time_limit), "random_seed": 0}.items():
        highs.setOptionValue(option, setting)
    highs.passModel(model)
    highs.run()
    if highs.getInfo().primal_solution_status != highspy.kSolutionStatusFeasible:
        return None
    taken = np.asarray(highs.getSolution().col_value) > 0.5
    return {pairs[k][0]: pools[pairs[k][1]].code for k in np.flatnonzero(taken)}


def _solution(program: _Program, values: np.ndarray, chosen: dict[int, str]) -> Solution:
    candidates = program.candidates
    used = dict.fromkeys((pool.code for pool in program.constraints.pools), 0)
    for position, code in chosen.items():
        used[code] += candidates[position].cost
    return Solution(
        feasible=True,
        value=float(sum(values[position] for position in chosen)),
        chosen=dict(sorted(chosen.items())),
        pool_used=used,
        expert_days_used=sum(candidates[position].expert_days for position in chosen),
    )


def _run(
    highs: highspy.Highs, program: _Program, values: np.ndarray, start: Solution | None, time_limit: float
) -> Solution:
    if start is not None and start.feasible:
        incumbent = highspy.HighsSolution()
        incumbent.col_value = _columns(program, start.chosen)
        incumbent.value_valid = True
        highs.setSolution(incumbent)
    started = time.perf_counter()
    highs.run()
    left = max(1.0, time_limit - (time.perf_counter() - started))
    info = highs.getInfo()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return Solution(feasible=False)
        raise SolverTimeout(f"No plan found within {time_limit:g} s.")
    chosen = [
        int(k) for k in np.flatnonzero(np.asarray(highs.getSolution().col_value)[: program.candidate_count] > 0.5)
    ]
    if start is not None and start.feasible and set(chosen) == set(start.chosen):
        paid: dict[int, str] | None = dict(start.chosen)
    else:
        paid = _assign(program, chosen, values, left)
    if paid is None:
        raise UnsplittableFunding(
            "The best plan found would have to split actions' costs between pools; widen the pools' action kinds "
            "or limits."
        )
    optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if len(paid) < len(chosen):
        # Some chosen actions fitted no single pool: the room they leave goes to the best others that fit.
        paid = greedy(program.candidates, program.constraints, values=values, taken=paid).chosen
    solution = _solution(program, values, paid)
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    solution.bound = bound
    if bound:
        solution.gap = max(0.0, (bound - solution.value) / abs(bound))
    solution.stopped_early = not optimal or len(paid) != len(chosen) or set(paid) != set(chosen)
    return solution


def _empty(constraints: Constraints) -> Solution:
    """The plan over no candidates: feasible unless something must be chosen or spent."""
    empty = not constraints.include and not any(limit.minimum for limit in constraints.region_limits)
    return Solution(feasible=empty, pool_used={pool.code: 0 for pool in constraints.pools})


def solve(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    *,
    feasibility_only: bool = False,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Solution:
    """The best plan, or `Solution(feasible=False)` when no plan meets every constraint (see `explain`). HiGHS
    starts from the greedy plan when that meets every constraint. At the time limit, the best plan found so far,
    with the gap HiGHS proved; `SolverTimeout` if it found none."""
    if not candidates:
        return _empty(constraints)
    program = _program(candidates, constraints)
    values = np.array([candidate.value for candidate in candidates], dtype=float)
    highs = _highs(program, program.objective(np.zeros_like(values) if feasibility_only else values), time_limit)
    start = None if feasibility_only else greedy(candidates, constraints)
    solution = _run(highs, program, values, start, time_limit)
    if feasibility_only:
        solution.gap, solution.bound = 0.0, None
    return solution


def solve_samples(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    samples: np.ndarray,
    start: Solution,
    *,
    time_limit: float = SAMPLE_TIME_LIMIT_SECONDS,
    progress: Callable[[float], None] | None = None,
) -> list[Solution]:
    """The best plan under each row of candidate values (samples × candidates), each solved from `start` (a plan
    meeting every constraint, which the values do not change) within `time_limit` seconds."""
    if not candidates:
        return [_empty(constraints) for _row in samples]
    program = _program(candidates, constraints)
    highs = _highs(program, program.objective(samples[0]), time_limit)
    columns = np.arange(program.column_count, dtype=np.int32)
    found = []
    for row, values in enumerate(samples):
        highs.changeColsCost(program.column_count, columns, program.objective(values))
        found.append(_run(highs, program, values, start, time_limit))
        if progress is not None:
            progress((row + 1) / len(samples))
    return found


def frontier(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    scales: Sequence[float] = FRONTIER_SCALES,
    *,
    time_limit: float = FRONTIER_TIME_LIMIT_SECONDS,
) -> list[tuple[float, Solution]]:
    """The best plan with every pool's limit scaled by each of `scales`, the other constraints as they are: what
    less or more money would buy. A scale no plan meets every constraint at (a regional minimum beyond the money)
    or none is found for in time is left out."""
    found = []
    for scale in scales:
        pools = tuple(replace(pool, limit=int(pool.limit * scale)) for pool in constraints.pools)
        try:
            solution = solve(candidates, replace(constraints, pools=pools), time_limit=time_limit)
        except (SolverTimeout, UnsplittableFunding):
            continue
        if solution.feasible:
            found.append((scale, solution))
    return found


def greedy(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    *,
    values: np.ndarray | None = None,
    taken: dict[int, str] | None = None,
) -> Solution:
    """Best value per yen first: the actions insisted on, then each region's up to its minimum, then any; each
    into the pool funding its kind with the most room left, within the experts' days, the regional maxima and the
    number of countries. Infeasible when that leaves something insisted on or a regional minimum unmet. With
    `values`, those in place of the candidates' own; with `taken`, those actions (and their pools) kept first."""
    worth = np.array([c.value for c in candidates], dtype=float) if values is None else values
    left = {pool.code: pool.limit for pool in constraints.pools}
    days = constraints.expert_days
    spent: dict[str, int] = {}
    maxima = {limit.region: limit.maximum for limit in constraints.region_limits if limit.maximum is not None}
    countries: set[str] = set()
    chosen: dict[int, str] = {}
    value = 0.0
    for position, code in (taken or {}).items():
        candidate = candidates[position]
        left[code] -= candidate.cost
        days -= candidate.expert_days
        spent[candidate.region] = spent.get(candidate.region, 0) + candidate.cost
        countries.add(candidate.country)
        chosen[position] = code
        value += worth[position]

    def take(position: int) -> bool:
        nonlocal days, value
        candidate = candidates[position]
        if position in chosen or position in constraints.exclude or candidate.expert_days > days:
            return False
        if candidate.region in maxima and spent.get(candidate.region, 0) + candidate.cost > maxima[candidate.region]:
            return False
        if candidate.country not in countries and len(countries) >= (constraints.max_countries or len(candidates)):
            return False
        room = [(left[p.code], p.code) for p in constraints.pools if candidate.kind in p.kinds]
        if not room or max(room)[0] < candidate.cost:
            return False
        pool = max(room)[1]
        left[pool] -= candidate.cost
        days -= candidate.expert_days
        spent[candidate.region] = spent.get(candidate.region, 0) + candidate.cost
        countries.add(candidate.country)
        chosen[position] = pool
        value += worth[position]
        return True

    order = sorted(range(len(candidates)), key=lambda k: worth[k] / candidates[k].cost, reverse=True)
    # Every insisted-on action is tried, even after one fails.
    insisted = [position in chosen or take(position) for position in sorted(constraints.include)]
    met = all(insisted)
    for limit in constraints.region_limits:
        for position in order:
            if limit.minimum is None or spent.get(limit.region, 0) >= limit.minimum:
                break
            if candidates[position].region == limit.region:
                take(position)
    for position in order:
        take(position)
    met = met and all(spent.get(limit.region, 0) >= (limit.minimum or 0) for limit in constraints.region_limits)
    if not met:
        return Solution(feasible=False)
    used = {pool.code: pool.limit - left[pool.code] for pool in constraints.pools}
    return Solution(
        feasible=True,
        value=float(value),
        chosen=chosen,
        pool_used=used,
        expert_days_used=constraints.expert_days - days,
        stopped_early=True,
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
