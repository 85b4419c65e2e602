"""From the engine's arrays to the rows a run stores: one RankingResult per country, one AreaResult per
(country, area) alternative, with each country's and pair's rank in the run published before it."""

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np

from .criteria import ExtractedInputs
from .models import AreaResult, RankingResult, RankingRun
from .scoring import Outcome
from .scoring.robustness import Robustness
from .scoring.sobol import CONFIDENCE, Indices, Sensitivity

BATCH_SIZE = 2000


def json_number(value: float | None) -> float | None:
    """A float JSON and the database can hold: NaN and infinities become null."""
    return None if value is None or not np.isfinite(value) else float(value)


def _by_code(codes: list[str], values: Iterable[float]) -> dict[str, float | None]:
    return {code: json_number(value) for code, value in zip(codes, values, strict=True)}


def _evidence(amount: float, reports: int, latest: date | None) -> dict[str, Any]:
    latest_date = latest.isoformat() if latest else None
    return {"amount": round(float(amount), 6), "reports": int(reports), "latest": latest_date}


def run_scale(inputs: ExtractedInputs, outcome: Outcome) -> dict[str, dict[str, Any]]:
    """The ends of each criterion's normalised scale, and the shape of its distribution, as the run stores them."""
    codes = [criterion.code for criterion in inputs.problem.criteria]
    shape = outcome.shape
    distribution = {
        code: {
            name: bool(values[column]) if values.dtype == bool else json_number(round(float(values[column]), 6))
            for name, values in shape.items()
        }
        for column, code in enumerate(codes)
    }
    return {
        "lower": _by_code(codes, outcome.lower),
        "upper": _by_code(codes, outcome.upper),
        "distribution": distribution,
    }


# How many of the countries that move most a leave-one-out row names.
MOST_MOVED = 5


def robustness_json(inputs: ExtractedInputs, checks: Robustness) -> dict[str, Any]:
    """A run's robustness checks as it stores them, countries by ISO3 and criteria by code."""
    iso3 = [country["iso3"] for country in inputs.countries]
    codes = [criterion.code for criterion in inputs.problem.criteria]

    def shifts(row: np.ndarray) -> list[dict[str, Any]]:
        moved = np.nan_to_num(np.abs(row - checks.baseline_rank), nan=0.0)
        order = np.argsort(-moved, kind="stable")[:MOST_MOVED]
        return [
            {"iso3": iso3[c], "rank": int(checks.baseline_rank[c]), "rank_without": int(row[c])}
            for c in order
            if moved[c] > 0
        ]

    def reversal(check: dict[str, Any]) -> dict[str, Any]:
        largest = check["largest"]
        return {
            "removed": iso3[check["removed"]],
            "kendall_tau": json_number(check["kendall_tau"]),
            "reversals": check["reversals"],
            "largest": largest
            and {"first": iso3[largest["first"]], "second": iso3[largest["second"]], "places": largest["places"]},
        }

    return {
        "leave_one_out": [
            {"group": group, "mean_shift": json_number(checks.leave_one_out_shift[g]), "moved": shifts(row)}
            for g, (group, row) in enumerate(zip(checks.groups, checks.leave_one_out_ranks, strict=True))
        ],
        "stability": [
            {
                "group": group,
                "share": json_number(checks.nominal_share[g]),
                "low": json_number(checks.stable_low[g]),
                "high": json_number(checks.stable_high[g]),
            }
            for g, group in enumerate(checks.groups)
        ],
        "rank_reversal": [reversal(check) for check in checks.reversal],
        "diagnostics": {
            "criteria": codes,
            "correlations": [[json_number(value) for value in row] for row in checks.correlations],
            "cronbach_alpha": {family: json_number(alpha) for family, alpha in checks.cronbach.items()},
            "effective_weights": [
                {"code": code, "nominal": json_number(criterion.weight), "effective": json_number(effective)}
                for code, criterion, effective in zip(
                    codes, inputs.problem.criteria, checks.effective_weight, strict=True
                )
            ],
        },
    }


def _driver(name: str, first_order: float, total: float | None) -> dict[str, Any]:
    driver = {"input": name, "first_order": round(first_order, 4)}
    if total is not None:
        driver["total"] = round(total, 4)
    return driver


def _rounded(values: np.ndarray) -> list[float | None]:
    # Four decimals: the indices' confidence intervals are wider than that, and a run with 150 countries keeps
    # about 12,000 of them.
    return [json_number(round(float(value), 4)) for value in values]


def sensitivity_json(inputs: ExtractedInputs, found: Sensitivity, ranked: np.ndarray) -> dict[str, Any]:
    """A run's Sobol indices as it stores them: per ranked country (best rank first), per input, the first-order
    and total indices of its rank and of its score with their confidence half-widths."""
    iso3 = [country["iso3"] for country in inputs.countries]

    def indices(found_indices: Indices, country: int) -> dict[str, list[float | None]]:
        return {
            "first": _rounded(found_indices.first[:, country]),
            "total": _rounded(found_indices.total[:, country]),
            "first_conf": _rounded(found_indices.first_conf[:, country]),
            "total_conf": _rounded(found_indices.total_conf[:, country]),
        }

    order = [int(c) for c in np.argsort(np.where(np.isnan(ranked), np.inf, ranked), kind="stable") if ranked[c] > 0]
    return {
        "inputs": found.inputs,
        "base_samples": found.base_samples,
        "evaluations": found.evaluations,
        "confidence": CONFIDENCE,
        "tolerance": found.tolerance,
        "largest_difference": json_number(round(found.largest_difference, 4)),
        "converged": found.converged,
        "countries": [
            {"iso3": iso3[c], "rank": indices(found.rank, c), "score": indices(found.score, c)} for c in order
        ],
    }


def _previous_ranks(run: RankingRun) -> tuple[dict[str, int | None], dict[tuple[str, int], int | None]]:
    """Each country's rank, and each (country, area)'s rank in its area, in the run compared with."""
    if not run.compared_with_id:
        return {}, {}
    countries = RankingResult.objects.filter(run_id=run.compared_with_id, rank__isnull=False)
    areas = AreaResult.objects.filter(run_id=run.compared_with_id, rank_in_area__isnull=False)
    return (
        dict(countries.values_list("country_id", "rank")),
        {(iso3, area_id): rank for iso3, area_id, rank in areas.values_list("country_id", "area_id", "rank_in_area")},
    )


def area_result_rows(
    run: RankingRun, inputs: ExtractedInputs, outcome: Outcome, previous_in_area: dict[tuple[str, int], int | None]
) -> tuple[list[AreaResult], dict[int, set[str]]]:
    """One row per alternative, and the criteria each country lacks anywhere (for the insufficient-data list)."""
    criteria = inputs.problem.criteria
    codes = [criterion.code for criterion in criteria]
    estimated = [index for index, criterion in enumerate(criteria) if criterion.evidence]
    estimates = outcome.estimates
    summary = outcome.pair_area_summary
    rows = []
    missing_by_country: dict[int, set[str]] = {}
    for pair, (country_row, area_column) in enumerate(
        zip(inputs.problem.country_of_pair, inputs.problem.area_of_pair, strict=True)
    ):
        iso3 = inputs.countries[country_row]["iso3"]
        area = inputs.areas[area_column]
        raw = inputs.problem.raw[pair]
        observed = estimates.observed[pair]
        missing = [code for code, seen in zip(codes, observed, strict=True) if not seen]
        missing_by_country.setdefault(int(country_row), set()).update(missing)
        sufficient = bool(outcome.sufficient[pair])
        evidence = _evidence(
            estimates.amount[pair, estimated[0]] if estimated else 0.0,
            inputs.pair_reports[pair],
            inputs.pair_latest[pair],
        )
        evidence["standard_error"] = {codes[j]: json_number(estimates.standard_error[pair, j]) for j in estimated}
        rows.append(
            AreaResult(
                run=run,
                country_id=iso3,
                area_id=area["id"],
                score=json_number(outcome.pair_score[pair]),
                coverage=float(np.clip(outcome.coverage[pair], 0, 1)),
                rank_in_area=int(outcome.pair_rank_in_area[pair]) if sufficient else None,
                rank_in_country=int(outcome.pair_rank_in_country[pair]) if sufficient else None,
                rank_median=json_number(summary["rank_median"][pair]),
                rank_p05=json_number(summary["rank_p05"][pair]),
                rank_p95=json_number(summary["rank_p95"][pair]),
                p_top10=json_number(summary["p_top"][pair]),
                raw=_by_code(codes, raw),
                normalized=_by_code(codes, outcome.normalized[pair]),
                values=_by_code(codes, outcome.aggregated[pair]),
                imputed=[code for code, filled in zip(codes, outcome.imputed[pair], strict=True) if filled],
                evidence=evidence,
                contributions=_by_code(codes, outcome.pair_contributions[pair]) if sufficient else {},
                missing=missing,
                previous_rank_in_area=previous_in_area.get((iso3, area["id"])),
            )
        )
    return rows, missing_by_country


def country_result_rows(
    run: RankingRun,
    inputs: ExtractedInputs,
    outcome: Outcome,
    previous: dict[str, int | None],
    missing_by_country: dict[int, set[str]],
) -> list[RankingResult]:
    """One row per country in the candidate pool; a country without a score is listed with what it lacks."""
    codes = [criterion.code for criterion in inputs.problem.criteria]
    area_codes = [area["code"] for area in inputs.areas]
    summary = outcome.country_summary
    rows = []
    for row, country in enumerate(inputs.countries):
        ranked = bool(np.isfinite(outcome.country_score[row]))
        rows.append(
            RankingResult(
                run=run,
                country_id=country["iso3"],
                rank=int(outcome.country_rank[row]) if ranked else None,
                score=json_number(outcome.country_score[row]),
                rank_median=json_number(summary["rank_median"][row]),
                rank_p05=json_number(summary["rank_p05"][row]),
                rank_p95=json_number(summary["rank_p95"][row]),
                p_top10=json_number(summary["p_top"][row]),
                contributions=_by_code(codes, outcome.country_contributions[row]) if ranked else {},
                top_areas=[area_codes[area] for area in outcome.country_top_areas[row]],
                missing=[] if ranked else sorted(missing_by_country.get(row, set())),
                evidence=_evidence(**inputs.country_evidence[row]),
                drivers=[_driver(*driver) for driver in outcome.country_drivers[row]] if ranked else [],
                previous_rank=previous.get(country["iso3"]),
            )
        )
    return rows


def results_store(*, run: RankingRun, inputs: ExtractedInputs, outcome: Outcome) -> None:
    """Write a computed run's results in bulk (called inside the run's transaction)."""
    previous, previous_in_area = _previous_ranks(run)
    pair_rows, missing_by_country = area_result_rows(run, inputs, outcome, previous_in_area)
    RankingResult.objects.bulk_create(
        country_result_rows(run, inputs, outcome, previous, missing_by_country), batch_size=BATCH_SIZE
    )
    AreaResult.objects.bulk_create(pair_rows, batch_size=BATCH_SIZE)


def _copied_fields(model: type[RankingResult] | type[AreaResult]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if field.name not in ("id", "run")]


def results_copy(*, source: RankingRun, run: RankingRun) -> None:
    """Give a run the results of an earlier run with the same inputs, computed with the same code."""
    country_fields, area_fields = _copied_fields(RankingResult), _copied_fields(AreaResult)
    RankingResult.objects.bulk_create(
        [
            RankingResult(run=run, **{name: getattr(row, name) for name in country_fields})
            for row in source.results.all()
        ],
        batch_size=BATCH_SIZE,
    )
    AreaResult.objects.bulk_create(
        [
            AreaResult(run=run, **{name: getattr(row, name) for name in area_fields})
            for row in source.area_results.all()
        ],
        batch_size=BATCH_SIZE,
    )
