"""Decision problems for the engine's tests: one row per (country, area) pair, countries in order."""

import numpy as np

from priorities.scoring import Criterion, DecisionProblem


def decision_problem(raw, criteria: tuple[Criterion, ...] | list[Criterion], *, areas: int = 1, **fields):
    """`raw` (pairs × criteria) for `len(raw) // areas` countries with `areas` areas each; `fields` sets the
    problem's other fields (evidence, variants, prior groups)."""
    raw = np.asarray(raw, dtype=float)
    countries = raw.shape[0] // areas
    return DecisionProblem(
        raw=raw,
        country_of_pair=np.repeat(np.arange(countries), areas),
        area_of_pair=np.tile(np.arange(areas), countries),
        country_count=countries,
        area_count=areas,
        criteria=tuple(criteria),
        **fields,
    )
