"""Criteria extraction: the raw decision matrix built from the database with aggregate queries.

The number of SQL queries is fixed, whatever the number of reports, needs or programs: every
criterion is one GROUP BY over its table, and recency weights are computed inside the database.
"""

import dataclasses
import hashlib
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Func, Max, Q, Sum, Value, When
from django.db.models.functions import Least, Power
from django.utils import translation
from django.utils.translation import gettext_lazy

from countries.models import Country, CountryGroup, IndicatorValue, Treaty, TreatyMembership
from programs.models import (
    AreaAssessment,
    CooperationActivity,
    CooperationArea,
    CooperationProgram,
    MissionReport,
    NeedStatus,
    ProgramStatus,
    ReportStatus,
    Stage,
    StakeholderNeed,
    area_rung,
)

from .models import PolicyPriority, PolicyPriorityArea
from .profile_settings import (
    DENOMINATORS,
    FIELD_NEED,
    FIELD_READINESS,
    FOLLOW_PROFILE,
    GDP_PER_CAPITA,
    HISTORY_CONTINUITY,
    HISTORY_NEXT_STEP,
    HISTORY_STAGE,
    NEEDS_STAKEHOLDER,
    POLICY,
    POPULATION,
    TREATY_PREFIX,
    TREATY_YEARS_GOALPOST,
    ContextTransform,
    Imputation,
    PriorGroup,
    ProfileSettings,
)
from .scoring import Criterion, DecisionProblem, ScoringError

# A priority that names countries or groups applies fully there; one that names no place applies
# everywhere, but says less about any one country.
APPLICABILITY_NAMED = 1.0
APPLICABILITY_GENERAL = 0.5
# An activity counts for a quarter of a program in the continuity of cooperation.
ACTIVITY_WEIGHT = 0.25
RAW_DECIMALS = 10
# 0.5 ** 1000 ≈ 9e-302, still a normal double.
MAX_HALF_LIVES = 1000.0
CONTEXT_PREFIX = "context."
# Needs still to be met: the others (met, withdrawn) no longer call for cooperation.
COUNTED_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.BEING_ADDRESSED)
# An indicator the profile names without options is read as published, however old.
NO_CONTEXT_OPTIONS = {"transform": ContextTransform.NONE.value, "max_age_years": None}


class DaysBefore(Func):
    """Days from a date column to a fixed date, as a float (positive when the column is earlier)."""

    output_field = FloatField()

    def __init__(self, as_of: date, expression: Any) -> None:
        super().__init__(Value(as_of.isoformat()), expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST((%(expressions)s) AS double precision)",
            arg_joiner="::date - ",
            **extra_context,
        )


def recency_weight(as_of: date, date_field: str, half_life_days: int):
    """0.5 ** (age in days / half-life): evidence loses half its weight every half-life.

    The age is capped at MAX_HALF_LIVES half-lives: beyond that the weight is negligible anyway, and PostgreSQL
    refuses a power that underflows a double (a need dated 1900 under a one-day half-life) instead of giving 0.
    """
    half_lives = DaysBefore(as_of, F(date_field)) / Value(float(half_life_days))
    return Power(Value(0.5), Least(half_lives, Value(MAX_HALF_LIVES)))


@dataclass(frozen=True)
class CandidatePool:
    countries: list[dict[str, Any]]
    excluded: list[dict[str, str]]


@dataclass(frozen=True)
class ExtractedInputs:
    problem: DecisionProblem
    countries: list[dict[str, Any]]
    areas: list[Any]
    excluded: list[dict[str, str]]
    digest: str
    # What stands behind each pair's field evidence: reviewed reports assessing it, and the latest evidence date.
    pair_reports: np.ndarray
    pair_latest: list[date | None]
    # Per country: effective amount of evidence (its reviewed reports' recency weights), reports, latest date.
    country_evidence: list[dict[str, Any]]


# The candidate-pool rules, by the code a run records for each country one of them leaves out, with the reason as
# the run stores it (English, for the API) and as people read it on the pages.
EXCLUSION_RULES = {
    "oda": ("Not on the OECD-DAC list of ODA recipients", gettext_lazy("Not on the OECD-DAC list of ODA recipients")),
    "wipo": ("Not recorded as a WIPO member", gettext_lazy("Not recorded as a WIPO member")),
    "treaty": ("Not a party to a required treaty", gettext_lazy("Not a party to a required treaty")),
    "profile": ("Excluded by the weight profile", gettext_lazy("Excluded by the weight profile")),
}


def exclusion_reason(entry: Mapping[str, Any]) -> str:
    """Why a run left a country out, in the reader's language (a run recorded before rules had codes: as stored)."""
    rule = EXCLUSION_RULES.get(entry.get("rule", ""))
    if rule is None:
        return entry.get("reason", "")
    if entry.get("treaties"):
        names = ", ".join(str(Treaty(code).label) for code in entry["treaties"] if code in Treaty.values)
        return f"{rule[1]}: {names}"
    if entry.get("note"):
        return f"{rule[1]}: {entry['note']}"
    return str(rule[1])


def _treaty_parties(codes: Sequence[str]) -> dict[str, set[str]]:
    """Per treaty, the countries party to it."""
    parties: dict[str, set[str]] = {code: set() for code in codes}
    rows = TreatyMembership.objects.filter(treaty__in=codes).values_list("treaty", "country_id")
    for treaty, iso3 in rows.order_by():
        parties[treaty].add(iso3)
    return parties


def candidate_pool(settings: ProfileSettings) -> CandidatePool:
    """Countries the profile lets into the ranking, and the others with the rule and reason each is left out by."""
    manual = settings.excluded_countries
    parties = _treaty_parties(settings.required_treaties) if settings.required_treaties else {}
    countries, excluded = [], []
    fields = ("iso3", "name", "region", "subregion", "income_group", "oda_category", "wipo_member")
    for country in Country.objects.order_by("iso3").values(*fields):
        lacking = [code for code in settings.required_treaties if country["iso3"] not in parties[code]]
        if settings.oda_eligible_only and country["oda_category"] == Country.OdaCategory.NOT_ELIGIBLE:
            rule = "oda"
        elif settings.wipo_members_only and country["wipo_member"] is not True:
            rule = "wipo"
        elif lacking:
            rule = "treaty"
        elif country["iso3"] in manual:
            rule = "profile"
        else:
            countries.append(country)
            continue
        entry = {"iso3": country["iso3"], "name": country["name"], "rule": rule, "reason": EXCLUSION_RULES[rule][0]}
        if rule == "treaty":
            entry["treaties"] = lacking
            with translation.override("en"):
                entry["reason"] += ": " + ", ".join(str(Treaty(code).label) for code in lacking)
        elif rule == "profile" and manual[country["iso3"]]:
            # Staff's own words, in the language they wrote them.
            entry["note"] = manual[country["iso3"]]
            entry["reason"] += ": " + entry["note"]
        excluded.append(entry)
    return CandidatePool(countries=countries, excluded=excluded)


def _policy_alignment(
    sources: Sequence[str], country_index: Mapping[str, int], area_index: Mapping[int, int]
) -> dict[str, np.ndarray]:
    """Per source: (countries × areas) alignment 1 − Π (1 − relevance × applicability) over the source's priorities.

    Each priority that favours the area in the country adds to the alignment without ever taking it past 1 (the
    chance that at least one of them calls for cooperation there, were each a coin weighted by its relevance), so
    the scale is bounded and a source with many priority items does not outweigh one with few.
    """
    priorities = list(PolicyPriority.objects.order_by("id").values_list("id", "source__code"))
    position = {priority_id: row for row, (priority_id, _) in enumerate(priorities)}
    relevance = np.zeros((len(priorities), len(area_index)))
    for priority_id, area_id, value in PolicyPriorityArea.objects.values_list("priority_id", "area_id", "relevance"):
        if area_id in area_index:
            relevance[position[priority_id], area_index[area_id]] = value
    named = np.zeros((len(priorities), len(country_index)), dtype=bool)
    names_a_place = np.zeros(len(priorities), dtype=bool)
    for priority_id, iso3 in PolicyPriority.countries.through.objects.values_list("policypriority_id", "country_id"):
        names_a_place[position[priority_id]] = True
        if iso3 in country_index:
            named[position[priority_id], country_index[iso3]] = True
    group_members = CountryGroup.countries.through.objects.values_list("countrygroup_id", "country_id")
    members: dict[int, list[str]] = defaultdict(list)
    for group_id, iso3 in group_members:
        members[group_id].append(iso3)
    for priority_id, group_id in PolicyPriority.country_groups.through.objects.values_list(
        "policypriority_id", "countrygroup_id"
    ):
        names_a_place[position[priority_id]] = True
        for iso3 in members[group_id]:
            if iso3 in country_index:
                named[position[priority_id], country_index[iso3]] = True
    applicability = np.where(named, APPLICABILITY_NAMED, 0.0)
    applicability[~names_a_place] = APPLICABILITY_GENERAL
    source_of = np.array([source for _, source in priorities])
    alignment = {}
    for source in sources:
        mine = source_of == source
        # Σ_p log(1 − a_pc × r_pa) as one matrix product per applicability level (a is 0, ½ or 1).
        log_untouched = np.zeros((len(country_index), len(area_index)))
        for level in (APPLICABILITY_GENERAL, APPLICABILITY_NAMED):
            log_untouched += (applicability[mine] == level).T.astype(float) @ np.log(
                np.maximum(1.0 - level * relevance[mine], np.finfo(float).tiny)
            )
        alignment[source] = 1.0 - np.exp(log_untouched)
    return alignment


def _assessment_sums(as_of: date, half_life: int):
    weight = recency_weight(as_of, "report__visit_end", half_life)
    return (
        AreaAssessment.objects.filter(report__status=ReportStatus.REVIEWED, report__visit_end__lte=as_of)
        .values("report__country", "area")
        .annotate(
            weight_total=Sum(weight),
            reports=Count("report", distinct=True),
            latest=Max("report__visit_end"),
            need_total=Sum(ExpressionWrapper(weight * F("need_level"), output_field=FloatField())),
            readiness_total=Sum(
                ExpressionWrapper(weight * (F("readiness") + F("commitment")) / 2.0, output_field=FloatField())
            ),
        )
        .order_by()
    )


def _report_sums(as_of: date, half_life: int):
    """Per country: its reviewed reports' recency weights added up, their number and the latest visit. A report
    looks at every area of its country, so it is also the evidence that an area without recorded needs has none."""
    return (
        MissionReport.objects.filter(status=ReportStatus.REVIEWED, visit_end__lte=as_of)
        .values("country")
        .annotate(
            weight_total=Sum(recency_weight(as_of, "visit_end", half_life)),
            reports=Count("id"),
            latest=Max("visit_end"),
        )
        .order_by()
    )


def _standalone_need_sums(as_of: date, half_life: int):
    """Per (country, area): needs recorded outside a report, whatever their status now, as evidence someone
    looked there."""
    return (
        StakeholderNeed.objects.filter(report__isnull=True, raised_on__lte=as_of)
        .values("country", "area")
        .annotate(weight_total=Sum(recency_weight(as_of, "raised_on", half_life)), latest=Max("raised_on"))
        .order_by()
    )


def _counted_needs():
    """Needs that count as evidence: recorded on their own, or heard in a report that has been reviewed (a draft's
    needs count once the report does)."""
    return StakeholderNeed.objects.filter(Q(report__isnull=True) | Q(report__status=ReportStatus.REVIEWED))


def need_counts(need: StakeholderNeed) -> bool:
    """Whether a need counts in `needs.stakeholder`, as `_need_sums` counts them: open or being addressed, and
    recorded on its own or heard in a reviewed report (select `report` with the need)."""
    report = need.report
    return need.status in COUNTED_NEED_STATUSES and (report is None or report.status == ReportStatus.REVIEWED)


def _need_sums(as_of: date, half_life: int):
    weight = recency_weight(as_of, "raised_on", half_life)
    return (
        _counted_needs()
        .filter(status__in=COUNTED_NEED_STATUSES, raised_on__lte=as_of)
        .values("country", "area")
        .annotate(
            urgency_total=Sum(ExpressionWrapper(weight * F("urgency"), output_field=FloatField())),
            groups=Count("stakeholder_group", distinct=True),
        )
        .order_by()
    )


def _program_sums(as_of: date, half_life: int):
    weight = Case(
        When(Q(end_date__isnull=True) | Q(end_date__gte=as_of), then=Value(1.0)),
        default=recency_weight(as_of, "end_date", half_life),
        output_field=FloatField(),
    )
    return (
        CooperationProgram.objects.filter(start_date__lte=as_of)
        .exclude(status__in=[ProgramStatus.CANCELLED, ProgramStatus.PLANNED])
        .values("countries", "areas")
        .annotate(weight_total=Sum(weight))
        .order_by()
    )


def _activity_sums(as_of: date, half_life: int):
    weight = Case(
        When(end_date__gte=as_of, then=Value(1.0)),
        default=recency_weight(as_of, "end_date", half_life),
        output_field=FloatField(),
    )
    return (
        CooperationActivity.objects.filter(start_date__lte=as_of, area__isnull=False)
        .values("country", "area")
        .annotate(weight_total=Sum(weight))
        .order_by()
    )


def _stages(as_of: date):
    return (
        CooperationProgram.objects.filter(start_date__lte=as_of)
        .exclude(status__in=[ProgramStatus.CANCELLED, ProgramStatus.PLANNED])
        .values("countries")
        .annotate(stage=Max("stage"))
        .order_by()
    )


# How well an area fits a country's place on the independence ladder: the next rung is where cooperation should
# go; rungs already climbed still merit consolidating; rungs beyond the next are premature.
NEXT_RUNG, CLIMBED_RUNG, LATER_RUNG = 1.0, 0.5, 0.0


def next_step(stage: np.ndarray, areas: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """(countries × areas): NEXT_RUNG where the area is on the rung after the country's stage (a country at the
    top stays on it), CLIMBED_RUNG on a rung it has reached, LATER_RUNG beyond the next."""
    rung = np.array([area_rung(area["code"], area["stakeholder_group__code"]) for area in areas], dtype=float)
    following = np.minimum(stage + 1, Stage.SOUTH_SOUTH)[:, None]
    return np.where(rung == following, NEXT_RUNG, np.where(rung < following, CLIMBED_RUNG, LATER_RUNG))


def _read_context(
    value: float, transform: str, year: int, denominators: Mapping[str, Mapping[int, float]]
) -> float | None:
    """One context value as a profile scores it (None when it cannot be: a log of a negative value, or no
    denominator in the same year)."""
    if transform == ContextTransform.LOG:
        return math.log10(1 + value) if value >= 0 else None
    if transform == ContextTransform.PER_CAPITA:
        people = denominators.get(POPULATION, {}).get(year)
        return value / people * 1e6 if people else None
    if transform == ContextTransform.PER_GDP:
        per_person = denominators.get(GDP_PER_CAPITA, {}).get(year)
        people = denominators.get(POPULATION, {}).get(year)
        return value / (per_person * people) * 1e9 if per_person and people else None
    return value


def context_values(settings: ProfileSettings, codes: Sequence[str], as_of: date) -> dict[str, dict[str, float]]:
    """Each context indicator's value per country as the profile scores it, in one query: the latest year up to
    `as_of` within the indicator's maximum age whose value (and denominator, that same year) can be read,
    transformed as the profile says."""
    options = {code: settings.context_transforms.get(code, NO_CONTEXT_OPTIONS) for code in codes}
    wanted = set(codes) | {extra for option in options.values() for extra in DENOMINATORS[option["transform"]]}
    series: dict[str, dict[str, dict[int, float]]] = {}
    rows = IndicatorValue.objects.filter(indicator__code__in=wanted, year__lte=as_of.year).values_list(
        "indicator__code", "country_id", "year", "value"
    )
    for code, iso3, year, value in rows.order_by():
        series.setdefault(iso3, {}).setdefault(code, {})[year] = value
    result: dict[str, dict[str, float]] = {code: {} for code in codes}
    for iso3, by_code in series.items():
        for code in codes:
            transform, age = options[code]["transform"], options[code]["max_age_years"]
            for year in sorted(by_code.get(code, {}), reverse=True):
                if age is not None and year < as_of.year - age:
                    break
                read = _read_context(by_code[code][year], transform, year, by_code)
                if read is not None:
                    result[code][iso3] = read
                    break
    return result


DAYS_PER_YEAR = 365.25


def treaty_years(codes: Sequence[str], country_index: Mapping[str, int], as_of: date) -> dict[str, np.ndarray]:
    """Per treaty, each country's years of membership on `as_of`, up to the goalpost (0 for a country not yet
    party to it: WIPO Lex lists every party, so a country it does not list is known not to be one)."""
    years = {code: np.zeros(len(country_index)) for code in codes}
    rows = TreatyMembership.objects.filter(treaty__in=codes, in_force_date__lte=as_of).values_list(
        "treaty", "country_id", "in_force_date"
    )
    for treaty, iso3, in_force in rows.order_by():
        if iso3 in country_index:
            years[treaty][country_index[iso3]] = min((as_of - in_force).days / DAYS_PER_YEAR, TREATY_YEARS_GOALPOST)
    return years


@dataclass(frozen=True)
class RecencyColumns:
    """The criteria that depend on the half-life, (countries × areas) each, with what stands behind them."""

    columns: dict[str, np.ndarray]
    amounts: dict[str, np.ndarray]
    pair_reports: np.ndarray
    pair_latest: dict[tuple[int, int], date]
    country_evidence: list[dict[str, Any]]


def _recency_columns(
    country_index: Mapping[str, int], area_index: Mapping[int, int], *, as_of: date, half_life: int
) -> RecencyColumns:
    """Field evidence, open needs and cooperation to build on, weighted by recency under one half-life."""
    shape = (len(country_index), len(area_index))
    need = np.full(shape, np.nan)
    readiness = np.full(shape, np.nan)
    assessed = np.zeros(shape)
    pair_reports = np.zeros(shape, dtype=int)
    pair_latest: dict[tuple[int, int], date] = {}
    for row in _assessment_sums(as_of, half_life):
        iso3, area_id = row["report__country"], row["area"]
        if iso3 in country_index and area_id in area_index and row["weight_total"]:
            cell = (country_index[iso3], area_index[area_id])
            need[cell] = row["need_total"] / row["weight_total"]
            readiness[cell] = row["readiness_total"] / row["weight_total"]
            assessed[cell] = row["weight_total"]
            pair_reports[cell] = row["reports"]
            pair_latest[cell] = row["latest"]

    # Needs are known to be absent (0) only where someone has looked: a reviewed report of the country looked at
    # all its areas, a need recorded on its own at one. Both make up the evidence behind the needs of a pair.
    looked = np.zeros(shape)
    country_evidence = [{"amount": 0.0, "reports": 0, "latest": None} for _ in country_index]
    for row in _report_sums(as_of, half_life):
        if row["country"] in country_index:
            looked[country_index[row["country"]]] += row["weight_total"]
            country_evidence[country_index[row["country"]]] = {
                "amount": row["weight_total"],
                "reports": row["reports"],
                "latest": row["latest"],
            }
    for row in _standalone_need_sums(as_of, half_life):
        if row["country"] in country_index and row["area"] in area_index:
            cell = (country_index[row["country"]], area_index[row["area"]])
            looked[cell] += row["weight_total"]
            pair_latest[cell] = max(filter(None, (pair_latest.get(cell), row["latest"])))
            known = country_evidence[cell[0]]
            known["latest"] = max(filter(None, (known["latest"], row["latest"])))
    needs = np.where(looked > 0, 0.0, np.nan)
    for row in _need_sums(as_of, half_life):
        iso3, area_id = row["country"], row["area"]
        if iso3 in country_index and area_id in area_index:
            # Breadth: needs voiced by several stakeholder groups weigh more (square root of their number).
            needs[country_index[iso3], area_index[area_id]] = row["urgency_total"] * np.sqrt(row["groups"])

    continuity = np.zeros(shape)
    for row in _program_sums(as_of, half_life):
        if row["countries"] in country_index and row["areas"] in area_index:
            continuity[country_index[row["countries"]], area_index[row["areas"]]] += row["weight_total"]
    for row in _activity_sums(as_of, half_life):
        if row["country"] in country_index and row["area"] in area_index:
            continuity[country_index[row["country"]], area_index[row["area"]]] += ACTIVITY_WEIGHT * row["weight_total"]

    return RecencyColumns(
        columns={
            FIELD_NEED: need,
            FIELD_READINESS: readiness,
            NEEDS_STAKEHOLDER: needs,
            HISTORY_CONTINUITY: continuity,
        },
        amounts={FIELD_NEED: assessed, FIELD_READINESS: assessed, NEEDS_STAKEHOLDER: looked},
        pair_reports=pair_reports,
        pair_latest=pair_latest,
        country_evidence=country_evidence,
    )


def extract(settings: ProfileSettings, criteria: Sequence[Criterion], *, as_of: date) -> ExtractedInputs:
    """The candidate pool and raw (country × area) matrix of the given criteria, for one profile at one date.

    The criteria come worked out already (a run fixes them when it is requested), so the matrix has exactly
    their columns even if a policy source was added or removed since.
    """
    if not criteria:
        raise ScoringError("Give at least one criterion.", field="criteria")
    prefix = f"{POLICY}."
    sources = [criterion.code.removeprefix(prefix) for criterion in criteria if criterion.code.startswith(prefix)]
    pool = candidate_pool(settings)
    areas = list(
        CooperationArea.objects.order_by("position", "code").values("id", "code", "name", "stakeholder_group__code")
    )
    country_index = {country["iso3"]: row for row, country in enumerate(pool.countries)}
    area_index = {area["id"]: column for column, area in enumerate(areas)}
    shape = (len(country_index), len(area_index))
    columns: dict[str, np.ndarray] = {}

    alignment = _policy_alignment(sources, country_index, area_index)
    for source in sources:
        columns[f"{POLICY}.{source}"] = alignment[source]

    recency = _recency_columns(country_index, area_index, as_of=as_of, half_life=settings.recency_half_life_days)
    columns.update(recency.columns)
    amounts = recency.amounts

    stage = np.zeros(shape[0])
    for row in _stages(as_of):
        if row["countries"] in country_index:
            stage[country_index[row["countries"]]] = row["stage"]
    columns[HISTORY_STAGE] = np.repeat(stage[:, None], shape[1], axis=1)
    columns[HISTORY_NEXT_STEP] = next_step(stage, areas)

    treaty_codes = [c.code.removeprefix(TREATY_PREFIX) for c in criteria if c.code.startswith(TREATY_PREFIX)]
    for code, years in treaty_years(treaty_codes, country_index, as_of).items():
        columns[f"{TREATY_PREFIX}{code}"] = np.repeat(years[:, None], shape[1], axis=1)

    context_codes = [c.code.removeprefix(CONTEXT_PREFIX) for c in criteria if c.code.startswith(CONTEXT_PREFIX)]
    if context_codes:
        read = context_values(settings, context_codes, as_of)
        for code in context_codes:
            column = np.full(shape, np.nan)
            for iso3, row in country_index.items():
                if iso3 in read[code]:
                    column[row] = read[code][iso3]
            columns[f"context.{code}"] = column

    country_of_pair = np.repeat(np.arange(shape[0]), shape[1])
    area_of_pair = np.tile(np.arange(shape[1]), shape[0])
    raw = np.round(np.column_stack([columns[criterion.code].reshape(-1) for criterion in criteria]), RAW_DECIMALS)
    evidence = np.round(
        np.column_stack([amounts.get(criterion.code, np.zeros(shape)).reshape(-1) for criterion in criteria]),
        RAW_DECIMALS,
    )
    if raw.size == 0:
        raw, evidence = raw.reshape(0, len(criteria)), evidence.reshape(0, len(criteria))

    groups = _imputation_groups(settings, criteria, pool.countries, country_of_pair, area_of_pair, shape[1])
    prior_groups = None
    if settings.prior_group != PriorGroup.ALL:
        prior_groups = _group_labels(pool.countries, settings.prior_group)[country_of_pair]

    problem = DecisionProblem(
        raw=raw,
        country_of_pair=country_of_pair,
        area_of_pair=area_of_pair,
        country_count=shape[0],
        area_count=shape[1],
        criteria=tuple(criteria),
        impute_group_of_pair=groups,
        evidence=evidence,
        prior_group_of_pair=prior_groups,
    )
    return ExtractedInputs(
        problem=problem,
        countries=pool.countries,
        areas=areas,
        excluded=pool.excluded,
        digest=inputs_digest(problem, pool.countries, areas, settings, as_of),
        pair_reports=recency.pair_reports.reshape(-1),
        pair_latest=[
            recency.pair_latest.get((int(c), int(a))) for c, a in zip(country_of_pair, area_of_pair, strict=True)
        ],
        country_evidence=recency.country_evidence,
    )


def with_readings(
    inputs: ExtractedInputs,
    criteria: Sequence[Criterion],
    *,
    as_of: date,
    half_lives: Sequence[int],
) -> DecisionProblem:
    """The problem with the same evidence read under other half-lives too, for the Monte Carlo to draw among. Only
    the criteria that depend on the half-life are read again."""
    country_index = {country["iso3"]: row for row, country in enumerate(inputs.countries)}
    area_index = {area["id"]: column for column, area in enumerate(inputs.areas)}
    problem = inputs.problem
    variants = []
    for days in half_lives:
        recency = _recency_columns(country_index, area_index, as_of=as_of, half_life=days)
        raw, evidence = (
            problem.raw.copy(),
            np.zeros_like(problem.raw) if problem.evidence is None else problem.evidence.copy(),
        )
        for column, criterion in enumerate(criteria):
            if criterion.code in recency.columns:
                raw[:, column] = np.round(recency.columns[criterion.code].reshape(-1), RAW_DECIMALS)
            if criterion.code in recency.amounts:
                evidence[:, column] = np.round(recency.amounts[criterion.code].reshape(-1), RAW_DECIMALS)
        variants.append((raw, evidence))
    return dataclasses.replace(problem, variants=tuple(variants))


def _imputation_groups(
    settings: ProfileSettings,
    criteria: Sequence[Criterion],
    countries: Sequence[Mapping[str, Any]],
    country_of_pair: np.ndarray,
    area_of_pair: np.ndarray,
    area_count: int,
) -> np.ndarray | None:
    """Each pair's group for imputing each criterion (pairs × criteria; −1: left missing), or None when nothing is
    imputed. A group is a region or income group within one area. Context criteria may say their own way
    (`context_transforms[…]["missing"]`); every other criterion follows the profile's imputation."""
    choices: list[str] = []
    for criterion in criteria:
        choice: str = settings.imputation
        if criterion.code.startswith(CONTEXT_PREFIX):
            own = settings.context_transforms.get(criterion.code.removeprefix(CONTEXT_PREFIX), {}).get("missing")
            choice = choice if own in (None, FOLLOW_PROFILE) else own
        choices.append(choice)
    if all(choice == Imputation.NONE for choice in choices):
        return None
    labels: dict[str, np.ndarray] = {
        key: _group_labels(countries, key)[country_of_pair] * max(area_count, 1) + area_of_pair
        for key in (Imputation.REGION.value, Imputation.INCOME_GROUP.value)
        if key in choices
    }
    none = np.full(country_of_pair.shape, -1)
    return np.column_stack([labels.get(choice, none) for choice in choices])


def _group_labels(countries: Sequence[Mapping[str, Any]], key: str) -> np.ndarray:
    """An integer label per country for its region or income group."""
    labels = {value: label for label, value in enumerate(sorted({country[key] for country in countries}))}
    return np.array([labels[country[key]] for country in countries], dtype=int)


def inputs_digest(problem: DecisionProblem, countries, areas, settings: ProfileSettings, as_of: date) -> str:
    """SHA-256 over everything the scores depend on except the method, samples and seed."""
    digest = hashlib.sha256()
    digest.update(repr([country["iso3"] for country in countries]).encode())
    digest.update(repr([area["code"] for area in areas]).encode())
    criteria = [
        (c.code, round(c.weight, 12), c.direction, c.low, c.high, c.transform, c.evidence) for c in problem.criteria
    ]
    digest.update(repr(criteria).encode())
    digest.update(repr(sorted((key, repr(value)) for key, value in settings.scoring_json().items())).encode())
    digest.update(as_of.isoformat().encode())
    digest.update(np.ascontiguousarray(problem.raw).tobytes())
    for labels in (problem.evidence, problem.impute_group_of_pair, problem.prior_group_of_pair):
        if labels is not None:
            digest.update(np.ascontiguousarray(labels).tobytes())
    return digest.hexdigest()
