"""The plan as a mixed-integer program: choose actions, each paid from one pool that may fund its kind, to maximise
their total value within the pools' limits, the experts' days, the number of countries and the regional limits,
with the actions the planner insists on and none of those ruled out. Solved by HiGHS (highspy): first the program's
cores (the actions at the margin of its linear relaxation, ever more of them), started from the greedy plan.

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
# Money in the programs HiGHS solves is counted in units of ten thousand yen: rows summing to billions of yen are
# badly scaled for its absolute tolerances, and at this unit its integer-feasibility tolerance (1e-6) is still a
# hundredth of a yen, so a plan one yen over a limit is never taken for one within it.
YEN_UNIT = 10_000.0
# The core of the program (Puchinger, Raidl and Pferschy, "The multidimensional knapsack problem: structure and
# algorithms", INFORMS Journal on Computing 22(2), 2010): at the optimum of the program with actions allowed in
# part, one whose reduced cost is far from zero is taken (or left) by the best plan too; the hard choices lie among
# the few near the margin. So many of those (then four times as many, and so on) are solved exactly, the rest fixed as
# the relaxation has them.
CORE_SIZE = 300
# Each Monte Carlo sample's plan is sought for at most this long.
SAMPLE_TIME_LIMIT_SECONDS = 0.3
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
    pool_rows: int  # the matrix's first rows: the pools'
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
    cost = np.array([candidate.cost for candidate in candidates], dtype=float) / YEN_UNIT
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
                add((cost * covered).reshape(1, -1), -np.inf, sum(pools[p].limit for p in subset) / YEN_UNIT)
    pool_rows = len(rows)
    # The experts' days.
    add(days.reshape(1, -1), -np.inf, constraints.expert_days)
    # Regional limits on what is spent.
    for limit in constraints.region_limits:
        in_region = np.array([candidate.region == limit.region for candidate in candidates], dtype=float)
        low = limit.minimum / YEN_UNIT if limit.minimum is not None else -np.inf
        high = limit.maximum / YEN_UNIT if limit.maximum is not None else np.inf
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
        pool_rows=pool_rows,
        lower=np.array(lower),
        upper=np.array(upper),
        column_lower=column_lower,
        column_upper=column_upper,
    )


def _model(
    objective: np.ndarray,
    matrix: sparse.csc_array,
    columns: tuple[np.ndarray, np.ndarray],
    rows: tuple[np.ndarray, np.ndarray],
    time_limit: float,
    *,
    integral: bool = True,
) -> highspy.Highs:
    """HiGHS holding the program max objective·x, rows[0] ≤ matrix·x ≤ rows[1], columns[0] ≤ x ≤ columns[1],
    every x a whole number unless `integral` is False."""
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = matrix.shape[1], matrix.shape[0]
    model.col_cost_ = np.asarray(objective, dtype=float)
    model.col_lower_, model.col_upper_ = columns
    model.row_lower_, model.row_upper_ = rows
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    if integral:
        model.integrality_ = [highspy.HighsVarType.kInteger] * matrix.shape[1]
    model.sense_ = highspy.ObjSense.kMaximize
    highs = highspy.Highs()
    for option, value in {
        "output_flag": False,
        "mip_rel_gap": RELATIVE_GAP,
        "time_limit": float(time_limit),
        # HiGHS 1.16 was seen to search a core without end, long past its time limit, after restarting the search
        # (presolving the core again with the columns it had fixed); without restarts it keeps to its time.
        "mip_allow_restart": False,
        "threads": 1,
        "random_seed": 0,
    }.items():
        highs.setOptionValue(option, value)
    highs.passModel(model)
    return highs


def _highs(program: _Program, objective: np.ndarray, time_limit: float, *, integral: bool = True) -> highspy.Highs:
    """HiGHS holding the program, maximising `objective` (one entry per column)."""
    return _model(
        objective,
        program.matrix,
        (program.column_lower, program.column_upper),
        (program.lower, program.upper),
        time_limit,
        integral=integral,
    )


def _columns(program: _Program, chosen: Iterable[int]) -> np.ndarray:
    """A plan (candidate positions) as the program's column values."""
    column = np.zeros(program.column_count)
    country_index = {iso3: k for k, iso3 in enumerate(program.countries)}
    for position in chosen:
        column[position] = 1.0
        if program.column_count > program.candidate_count:
            column[program.candidate_count + country_index[program.candidates[position].country]] = 1.0
    return column


def _costliest_first(program: _Program, chosen: list[int]) -> dict[int, str] | None:
    """Each chosen action, the costliest first, paid from the pool funding its kind with the most room left; None
    when one then fits none."""
    pools = program.constraints.pools
    left = [pool.limit for pool in pools]
    paid = {}
    for position in sorted(chosen, key=lambda k: -program.candidates[k].cost):
        roomiest = max(program.funders[position], key=lambda p: left[p], default=None)
        if roomiest is None or left[roomiest] < program.candidates[position].cost:
            return None
        left[roomiest] -= program.candidates[position].cost
        paid[position] = pools[roomiest].code
    return paid


def _assign(program: _Program, chosen: list[int], values: np.ndarray, time_limit: float) -> dict[int, str] | None:
    """Each chosen action paid from one pool that may fund its kind, within the pools' limits: costliest first when
    that fits, or as HiGHS finds. When all of them cannot be (their costs would have to be split between pools),
    the most valuable set of them that can, still with every action insisted on and every regional minimum; None
    if there is none."""
    quick = _costliest_first(program, chosen)
    if quick is not None:
        return quick
    constraints = program.constraints
    pools = constraints.pools
    candidates = program.candidates
    pairs = [(position, p) for position in chosen for p in sorted(program.funders[position])]
    if not pairs:
        return {}
    position_row = {position: k for k, position in enumerate(chosen)}
    columns = np.arange(len(pairs))
    cost = np.array([candidates[position].cost for position, _p in pairs], dtype=float) / YEN_UNIT
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
    upper = [[1.0] * len(chosen), [pool.limit / YEN_UNIT for pool in pools]]
    for limit in constraints.region_limits:
        if limit.minimum is not None:
            in_region = [candidates[position].region == limit.region for position, _p in pairs]
            blocks.append(sparse.csr_array((cost * np.array(in_region, dtype=float)).reshape(1, -1)))
            lower.append([limit.minimum / YEN_UNIT])
            upper.append([highspy.kHighsInf])
    highs = _model(
        np.array([values[position] for position, _p in pairs], dtype=float),
        sparse.vstack(blocks, format="csc"),
        (np.zeros(len(pairs)), np.ones(len(pairs))),
        (np.concatenate(lower), np.concatenate(upper)),
        time_limit,
    )
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
        stopped_early=True,
    )


def _paid(program: _Program, values: np.ndarray, chosen: list[int], time_limit: float) -> Solution | None:
    """The chosen actions, each paid from one pool; when only some can be, those, and the room the others leave
    filled by the best that fit. None when not even the actions insisted on and the regional minimums can be."""
    paid = _assign(program, chosen, values, time_limit)
    if paid is None:
        return None
    if len(paid) < len(chosen):
        paid = greedy(program.candidates, program.constraints, values=values, taken=paid).chosen
    return _solution(program, values, paid)


def _proved(solution: Solution, bound: float | None) -> Solution:
    """The solution with the best value any plan could reach, and how far below it the solution may be."""
    solution.bound = bound
    if bound:
        solution.gap = max(0.0, (bound - solution.value) / abs(bound))
    solution.stopped_early = bound is None or solution.gap > RELATIVE_GAP
    return solution


@dataclass
class _Relaxed:
    """The program's optimum when actions may be taken in part: its value bounds every plan's."""

    value: float
    columns: np.ndarray
    reduced_costs: np.ndarray


class _Relaxation:
    """The program with fractional choices allowed, kept in HiGHS so that each new objective (a sample's values)
    starts from the last one's basis: a few primal simplex steps each rather than a solve from scratch."""

    def __init__(self, program: _Program, values: np.ndarray) -> None:
        self.program = program
        self.highs = _highs(program, program.objective(values), TIME_LIMIT_SECONDS, integral=False)
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)  # primal: the last basis stays feasible for new costs
        self.indices = np.arange(program.column_count, dtype=np.int32)

    @property
    def infeasible(self) -> bool:
        return self.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible

    def solve(self, values: np.ndarray) -> _Relaxed | None:
        """The relaxation's optimum under `values`; None when HiGHS does not reach it (see `infeasible`)."""
        self.highs.changeColsCost(self.program.column_count, self.indices, self.program.objective(values))
        self.highs.run()
        if self.highs.getModelStatus() == highspy.HighsModelStatus.kUnknown:
            # Simplex lost its way from the last basis (seen once in a few hundred samples): again from none.
            self.highs.clearSolver()
            self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = self.highs.getSolution()
        return _Relaxed(
            value=float(self.highs.getInfo().objective_function_value),
            columns=np.asarray(solution.col_value),
            reduced_costs=np.asarray(solution.col_dual),
        )


@dataclass
class _Core:
    paid: dict[int, str] | None  # the core's best plan, each action with its pool; None when it found none
    bound: float  # the best value any plan of the whole program can reach, as far as this core proves
    whole: bool  # the core was the whole program
    solved: bool  # HiGHS finished: the core's plan is its best, or it has none


def _core(
    program: _Program,
    objective: np.ndarray,
    relaxed: _Relaxed,
    size: int,
    time_limit: float,
    incumbent: Solution,
) -> _Core:
    """The best plan that takes and leaves what the relaxation does, except among the `size` actions nearest its
    margin (smallest reduced cost) and the countries, found within `time_limit`; HiGHS starts from `incumbent` (a
    plan meeting every constraint, or not) when that plan keeps to the same fixings.

    Unlike the program, the core pays each action from one pool (a column per action and pool that may fund it,
    for the actions it decides and those fixed as taken), so its plan needs no further assignment. Its bound is the
    relaxation's value unless HiGHS solved the core and every action outside it has a reduced cost above what the
    relaxation leaves over the best plan known: then no plan taking or leaving any of them differently can be
    worth more than that plan (each such change costs at least its reduced cost), and the core's own bound holds
    for the whole program.
    """
    count = program.candidate_count
    pools = program.constraints.pools
    free = program.column_lower < program.column_upper
    margin = np.abs(relaxed.reduced_costs)
    core = np.zeros(program.column_count, dtype=bool)
    nearest = np.flatnonzero(free[:count])
    core[nearest[np.argsort(margin[nearest], kind="stable")[:size]]] = True
    core |= free & (relaxed.columns > 1e-6) & (relaxed.columns < 1 - 1e-6)
    core[count:] = free[count:]
    fixed = ~core & (relaxed.columns > 0.5)
    actions = np.flatnonzero((core | fixed)[:count])
    countries = count + np.flatnonzero(core[count:])
    pairs = [(int(j), p) for j in actions for p in sorted(program.funders[j])]
    pair_action = np.array([j for j, _p in pairs], dtype=int)
    pair_pool = np.array([p for _j, p in pairs], dtype=int)
    n_pairs = len(pairs)
    width = n_pairs + countries.size
    pair_columns = np.arange(n_pairs)
    # The program's rows other than the pools' act on an action through its pairs: x_j = Σ_p z_jp.
    expand = sparse.csr_array((np.ones(n_pairs), (pair_action, pair_columns)), shape=(program.column_count, n_pairs))
    rest = sparse.csr_array(program.matrix)[program.pool_rows :]
    body = sparse.hstack([rest @ expand, rest[:, countries]], format="csr")
    rest_lower, rest_upper = program.lower[program.pool_rows :], program.upper[program.pool_rows :]
    # A row no choice within the core can break (the link of an action fixed as left, say) is left out.
    needed = (np.asarray(body.minimum(0).sum(axis=1)).ravel() < rest_lower) | (
        np.asarray(body.maximum(0).sum(axis=1)).ravel() > rest_upper
    )
    once = sparse.csr_array(
        (np.ones(n_pairs), (np.searchsorted(actions, pair_action), pair_columns)), shape=(actions.size, width)
    )
    cost = np.array([program.candidates[j].cost for j in pair_action], dtype=float) / YEN_UNIT
    by_pool = sparse.csr_array((cost, (pair_pool, pair_columns)), shape=(len(pools), width))
    highs = _model(
        np.concatenate([objective[pair_action], objective[countries]]),
        sparse.vstack([once, by_pool, body[np.flatnonzero(needed)]], format="csc"),
        (
            np.concatenate([np.zeros(n_pairs), program.column_lower[countries]]),
            np.concatenate([np.ones(n_pairs), program.column_upper[countries]]),
        ),
        (
            # Each action once at most; exactly once when fixed as taken or insisted on.
            np.concatenate(
                [
                    (fixed[actions] | (program.column_lower[actions] > 0)).astype(float),
                    np.full(len(pools), -np.inf),
                    rest_lower[needed],
                ]
            ),
            np.concatenate([np.ones(actions.size), [pool.limit / YEN_UNIT for pool in pools], rest_upper[needed]]),
        ),
        time_limit,
    )
    if incumbent.feasible and set(np.flatnonzero(fixed[:count])) <= set(incumbent.chosen) <= set(actions):
        pool_index = {pool.code: p for p, pool in enumerate(pools)}
        paid = {(j, pool_index[code]) for j, code in incumbent.chosen.items()}
        start = highspy.HighsSolution()
        start.col_value = np.concatenate(
            [[float(pair in paid) for pair in pairs], _columns(program, incumbent.chosen)[countries]]
        )
        start.value_valid = True
        highs.setSolution(start)
    highs.run()
    outside = free & ~core
    found = _Core(
        paid=None,
        bound=relaxed.value,
        whole=not outside.any(),
        solved=highs.getModelStatus() in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible),
    )
    info = highs.getInfo()
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        return found
    taken = np.flatnonzero(np.asarray(highs.getSolution().col_value)[:n_pairs] > 0.5)
    found.paid = {pairs[k][0]: pools[pairs[k][1]].code for k in taken}
    value = float(info.objective_function_value)
    best = max(value, incumbent.value if incumbent.feasible else -np.inf)
    if found.solved and (found.whole or margin[outside].min() > relaxed.value - best):
        found.bound = min(relaxed.value, max(best, float(info.mip_dual_bound)))
    return found


def _cores(
    program: _Program, values: np.ndarray, relaxed: _Relaxed, time_limit: float, best: Solution, size: int
) -> tuple[Solution, float, bool]:
    """The best plan of ever larger cores (`size` actions, then four times as many, and so on up to the whole
    program), each started from the best plan so far, until one proves the plan the best possible, is not solved
    in the time left, is the whole program, or the next (four times as large) could not be solved in the time left
    by what this one took. With the best value any plan can reach, and whether the whole program proved to have no
    plan at all."""
    deadline = time.perf_counter() + time_limit
    objective = program.objective(values)
    bound = relaxed.value
    while True:
        started = time.perf_counter()
        core = _core(program, objective, relaxed, size, max(deadline - started, 0.0), best)
        took = time.perf_counter() - started
        if core.paid is not None:
            found = _solution(program, values, core.paid)
            if not best.feasible or found.value > best.value:
                best = found
        bound = min(bound, core.bound)
        proven = best.feasible and bound - best.value <= RELATIVE_GAP * abs(bound)
        # HiGHS keeps to its time limit only roughly on a large core (its first relaxation alone can outlast it),
        # so a core is not begun that would need more than twice the time the last took.
        if core.whole or not core.solved or proven or deadline - time.perf_counter() < 2 * took:
            return best, bound, core.whole and core.solved and core.paid is None
        size *= 4


def _run(
    highs: highspy.Highs, program: _Program, values: np.ndarray, start: Solution | None, time_limit: float
) -> tuple[Solution, float | None]:
    """The whole program solved from `start` (when it meets every constraint): the best plan found and the best
    value HiGHS proved any plan can reach (None if it proved none)."""
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
            return Solution(feasible=False), None
        raise SolverTimeout(f"No plan found within {time_limit:g} s.")
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    chosen = [
        int(k) for k in np.flatnonzero(np.asarray(highs.getSolution().col_value)[: program.candidate_count] > 0.5)
    ]
    if start is not None and start.feasible and set(chosen) == set(start.chosen):
        return start, bound
    found = _paid(program, values, chosen, left)
    if found is not None and (start is None or not start.feasible or found.value >= start.value):
        return found, bound
    if start is not None and start.feasible:
        return start, bound
    raise UnsplittableFunding(
        "The best plan found would have to split actions' costs between pools; widen the pools' action kinds or limits."
    )


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
    core_size: int = CORE_SIZE,
) -> Solution:
    """The best plan, or `Solution(feasible=False)` when no plan meets every constraint (see `explain`).

    Solved over the relaxation's cores (see `_cores`), started from the greedy plan; at full size the first core
    alone gives a plan within a fraction of a percent of the best possible in a few seconds, and a small program
    is its own first core. At the time limit, the best plan found so far, with the gap proved; `SolverTimeout` if
    none was found. Without values to weigh (`feasibility_only`), HiGHS on the whole program."""
    if not candidates:
        return _empty(constraints)
    started = time.perf_counter()
    program = _program(candidates, constraints)
    values = np.array([candidate.value for candidate in candidates], dtype=float)
    if feasibility_only:
        highs = _highs(program, np.zeros(program.column_count), time_limit)
        return _run(highs, program, values, None, time_limit)[0]
    best = greedy(candidates, constraints)
    relaxation = _Relaxation(program, values)
    relaxed = relaxation.solve(values)
    if relaxed is None:
        if relaxation.infeasible:
            return Solution(feasible=False)
        # HiGHS did not finish the relaxation: the whole program, as it stands, for the time left.
        left = max(1.0, time_limit - (time.perf_counter() - started))
        solution, proved = _run(_highs(program, program.objective(values), left), program, values, best, left)
        return _proved(solution, proved) if solution.feasible else solution
    left = time_limit - (time.perf_counter() - started)
    best, bound, infeasible = _cores(program, values, relaxed, left, best, core_size)
    if infeasible:
        return Solution(feasible=False)
    if not best.feasible:
        raise SolverTimeout(f"No plan found within {time_limit:g} s.")
    return _proved(best, bound)


def solve_samples(
    candidates: Sequence[Candidate],
    constraints: Constraints,
    samples: np.ndarray,
    start: Solution,
    *,
    time_limit: float = SAMPLE_TIME_LIMIT_SECONDS,
    core_size: int = CORE_SIZE,
    progress: Callable[[float], None] | None = None,
) -> list[Solution]:
    """The best plan under each row of candidate values (samples × candidates), found over the relaxation's cores
    under that row's values within `time_limit` seconds, from `start` (a plan meeting every constraint, which the
    values do not change): each worth at least `start` there, with the best value any plan could reach there."""
    if not candidates:
        return [_empty(constraints) for _row in samples]
    program = _program(candidates, constraints)
    relaxation = _Relaxation(program, samples[0])
    found = []
    for row, values in enumerate(samples):
        best, bound = _solution(program, values, start.chosen), None
        relaxed = relaxation.solve(values)
        if relaxed is not None:
            best, bound, _infeasible = _cores(program, values, relaxed, time_limit, best, core_size)
        found.append(_proved(best, bound))
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
