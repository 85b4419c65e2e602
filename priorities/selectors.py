"""Cross-model reads for the prioritisation pages: each returns a queryset with its related rows fetched, or
aggregates computed in SQL, so that a page runs the same queries whatever the number of countries."""

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.models import Country, Indicator, IndicatorImport, IndicatorValue
from hipoc.cache import cache_is_shared, current_generation, new_generation
from hipoc.i18n import in_japanese, local_name_expression
from programs.models import CooperationArea, CooperationProgram, MissionReport, ProgramStatus, StakeholderNeed

from .criteria import CONTEXT_PREFIX, exclusion_reason, need_counts
from .models import AreaResult, PolicyPriority, PolicySource, RankingResult, RankingRun, RunStatus, WeightProfile
from .profile_settings import (
    FIELD_NEED,
    FIELD_READINESS,
    HISTORY_CONTINUITY,
    HISTORY_NEXT_STEP,
    HISTORY_STAGE,
    NEEDS_STAKEHOLDER,
    POLICY,
)
from .profiles import criterion_label
from .scoring.ranking import spearman_rho

# The columns a run's API representation depends on, read before deciding whether to build it.
RUN_STATE = ("pk", "status", "progress", "is_published", "ready_to_publish", "finished_at")
PUBLISHED_STATE_KEY = "hipoc:published-run:"
PUBLICATION_GENERATION_KEY = "hipoc:publication-generation"
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def overview_counts() -> dict[str, int]:
    """How much evidence HIPOC holds, in one aggregate query per table."""
    countries = Country.objects.aggregate(
        total=Count("iso3"), oda_eligible=Count("iso3", filter=~Q(oda_category=Country.OdaCategory.NOT_ELIGIBLE))
    )
    reports = MissionReport.objects.aggregate(
        total=Count("id"), awaiting_review=Count("id", filter=Q(status=MissionReport.Status.SUBMITTED))
    )
    return {
        "countries": countries["total"],
        "oda_eligible_countries": countries["oda_eligible"],
        "areas": CooperationArea.objects.count(),
        "programs": CooperationProgram.objects.count(),
        "reports": reports["total"],
        "reports_awaiting_review": reports["awaiting_review"],
        "open_needs": StakeholderNeed.objects.filter(status=StakeholderNeed.Status.OPEN).count(),
        "policy_sources": PolicySource.objects.count(),
        "weight_profiles": WeightProfile.objects.count(),
    }


def stage_reached(country_field: str = "country_id") -> Subquery:
    """The highest stage on the independence ladder that an ongoing or completed program reached in the country
    (the same rule as the `history.stage` criterion)."""
    return Subquery(
        CooperationProgram.objects.filter(countries=OuterRef(country_field))
        .exclude(status__in=[ProgramStatus.CANCELLED, ProgramStatus.PLANNED])
        .order_by()
        .values("countries")
        .annotate(top=Max("stage"))
        .values("top")[:1]
    )


def published_runs(profile_slug: str | None = None) -> QuerySet[RankingRun]:
    """The published run of the profile named, or of the default profile: at most one row, in one query."""
    runs = RankingRun.objects.filter(is_published=True)
    return runs.filter(profile_slug=profile_slug) if profile_slug else runs.filter(profile__is_default=True)


def published_run_state(profile_slug: str | None = None) -> dict[str, Any] | None:
    """What a published run's API representation depends on (RUN_STATE), kept in the shared cache so that a
    partner's repeat pull finds it without a query (one round trip to the cache).

    Each cached state carries the publication generation it was read in, and every publication starts a new
    one (`forget_published_run_states`): a state read from the database just before a publication committed
    is of an old generation, and is read again rather than believed.
    """
    if profile_slug and not SLUG.fullmatch(profile_slug):
        return None  # no profile has such a slug; and what a client sends does not become a cache key
    if not cache_is_shared():  # another process may publish, and could not tell this one's memory
        return published_runs(profile_slug).values(*RUN_STATE).first()
    key = PUBLISHED_STATE_KEY + (profile_slug or "")
    cached = cache.get_many([PUBLICATION_GENERATION_KEY, key])
    generation = current_generation(PUBLICATION_GENERATION_KEY, cached)
    entry = cached.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    state = published_runs(profile_slug).values(*RUN_STATE).first()
    if state is not None:  # only runs that exist are kept: unknown slugs must not fill the cache
        cache.set(key, (generation, state), timeout=settings.API_BODY_CACHE_SECONDS)
    return state


def forget_published_run_states() -> None:
    """After a publication commits: every cached published-run state may be out of date (the run published
    may be the default profile's too)."""
    new_generation(PUBLICATION_GENERATION_KEY)


def published_run(profile_slug: str | None = None) -> RankingRun | None:
    """The run partners see for the profile named, or for the default profile."""
    return published_runs(profile_slug).select_related("profile", "published_by", "created_by").first()


def ranked_countries(run: RankingRun, countries: QuerySet[Country] | None = None) -> QuerySet[RankingResult]:
    """The run's ranked countries with their stage and movement, in rank order."""
    rows = (
        RankingResult.objects.filter(run=run, rank__isnull=False)
        .select_related("country")
        .annotate(stage=stage_reached(), movement=F("previous_rank") - F("rank"))
    )
    if countries is not None:
        rows = rows.filter(country__in=countries)
    return rows.order_by("rank", "country__name")


def ranked_in_area(
    run: RankingRun, area: CooperationArea, countries: QuerySet[Country] | None = None
) -> QuerySet[AreaResult]:
    """The run's ranking of countries within one area, with the same columns as the country ranking."""
    rows = (
        AreaResult.objects.filter(run=run, area=area, rank_in_area__isnull=False)
        .select_related("country")
        .annotate(
            rank=F("rank_in_area"),
            previous_rank=F("previous_rank_in_area"),
            movement=F("previous_rank_in_area") - F("rank_in_area"),
            stage=stage_reached(),
        )
    )
    if countries is not None:
        rows = rows.filter(country__in=countries)
    return rows.order_by("rank_in_area", "country__name")


def insufficient_data(run: RankingRun, countries: QuerySet[Country] | None = None) -> QuerySet[RankingResult]:
    """Countries the run could not rank, with the criteria they lack."""
    rows = RankingResult.objects.filter(run=run, rank__isnull=True).select_related("country")
    if countries is not None:
        rows = rows.filter(country__in=countries)
    return rows.order_by("country__name")


def excluded_by_reason(run: RankingRun, countries: QuerySet[Country] | None = None) -> list[dict[str, Any]]:
    """The countries the run's candidate pool left out, grouped by the rule that left them out, largest group first;
    read from the run itself (no query), or one query to keep only the countries filtered; on Japanese pages one more
    for the countries' Japanese names (the run records the English ones)."""
    entries = run.excluded or []
    if countries is not None:
        shown = set(countries.values_list("iso3", flat=True))
        entries = [entry for entry in entries if entry["iso3"] in shown]
    if entries and in_japanese():
        japanese = dict(Country.objects.exclude(name_ja="").values_list("iso3", "name_ja"))
        entries = [{**entry, "name": japanese.get(entry["iso3"], entry["name"])} for entry in entries]
    groups: dict[str, list[dict[str, str]]] = {}
    for entry in sorted(entries, key=lambda entry: entry["name"]):
        groups.setdefault(exclusion_reason(entry), []).append(entry)
    return [
        {"reason": reason, "countries": members}
        for reason, members in sorted(groups.items(), key=lambda group: (-len(group[1]), group[0]))
    ]


def country_standing(run: RankingRun, iso3: str, result: RankingResult | None) -> dict[str, Any]:
    """Where a country stands in a run: ranked; outside the candidate pool, with the rule that left it out;
    short of data, with what it lacks; or absent (recorded after the run)."""
    if result is not None and result.rank is not None:
        return {"status": "ranked"}
    excluded = next((entry for entry in run.excluded or [] if entry["iso3"] == iso3), None)
    if excluded is not None:
        return {"status": "excluded", "reason": exclusion_reason(excluded), "rule": excluded.get("rule", "")}
    if result is not None:
        return {"status": "insufficient_data", "missing": result.missing}
    return {"status": "absent"}


def areas_by_code() -> dict[str, CooperationArea]:
    return {area.code: area for area in CooperationArea.objects.select_related("stakeholder_group")}


def policy_source_codes() -> list[str]:
    """The policy sources in their order: each becomes a `policy.<source>` criterion."""
    return list(PolicySource.objects.order_by("position", "code").values_list("code", flat=True))


def policy_source_names() -> dict[str, str]:
    """Policy source code → name in the reader's language, and `context.<indicator>` → the indicator's name, for
    criterion labels; in one query."""
    indicators = (
        Indicator.objects.order_by()
        .annotate(key=Concat(Value(CONTEXT_PREFIX), "code"), name_ja=Value(""))
        .values_list("key", "name", "name_ja")
    )
    rows = PolicySource.objects.order_by().values_list("code", "name", "name_ja").union(indicators, all=True)
    japanese = in_japanese()
    return {code: name_ja if japanese and name_ja else name for code, name, name_ja in rows}


def policy_priorities_naming(country: Country) -> QuerySet[PolicyPriority]:
    """Policy priorities that name the country, or a group it belongs to, with the areas they favour."""
    return (
        PolicyPriority.objects.filter(Q(countries=country) | Q(country_groups__countries=country))
        .select_related("source")
        .prefetch_related("area_links__area")
        .distinct()
        .order_by("source__position", "position", "code")
    )


def country_result(run: RankingRun, country: Country) -> RankingResult | None:
    return RankingResult.objects.filter(run=run, country=country).first()


def country_areas(run: RankingRun, country: Country) -> QuerySet[AreaResult]:
    """The country's areas in the run, best first; areas with insufficient data last."""
    return (
        AreaResult.objects.filter(run=run, country=country)
        .select_related("area")
        .order_by(F("rank_in_country").asc(nulls_last=True), "area__position")
    )


def runs_visible_to(user: User) -> QuerySet[RankingRun]:
    """The runs a user may see, on pages and in the API alike: staff every run, everyone else published ones."""
    runs = RankingRun.objects.all()
    if user.has_perm("priorities.manage_rankings"):
        return runs
    return runs.filter(published_at__isnull=False, status=RunStatus.SUCCEEDED)


# The places that count as "the top" when a comparison says who entered or left it.
TOP_PLACES = 10


def rank_changes(first: RankingRun, second: RankingRun) -> dict[str, Any]:
    """How ranks moved from `second` to `first`, country by country, what matters first: who entered and who left
    the top ten, the biggest movers, then who became ranked or unranked; countries unranked in both are only
    counted. With Spearman's rho over the countries both runs ranked."""
    ranks: dict[str, dict] = {}
    results = RankingResult.objects.filter(run__in=[first, second])
    for run_id, iso3, name, rank in results.annotate(country_name=local_name_expression("country__name")).values_list(
        "run_id", "country_id", "country_name", "rank"
    ):
        ranks.setdefault(iso3, {"iso3": iso3, "name": name, "first": None, "second": None})
        ranks[iso3]["first" if run_id == first.pk else "second"] = rank
    rows = sorted(ranks.values(), key=lambda row: (row["first"] is None, row["first"] or 0, row["name"]))
    for row in rows:
        both = row["first"] is not None and row["second"] is not None
        row["change"] = row["second"] - row["first"] if both else None
    common = [row for row in rows if row["change"] is not None]
    rho = spearman_rho(np.array([row["first"] for row in common]), np.array([row["second"] for row in common]))

    def in_top(rank: int | None) -> bool:
        return rank is not None and rank <= TOP_PLACES

    movers = sorted((row for row in common if row["change"]), key=lambda row: (-abs(row["change"]), row["first"]))
    return {
        "rows": rows,
        "rho": None if np.isnan(rho) else rho,
        "common": len(common),
        "moved": len(movers),
        "top": TOP_PLACES,
        "entered_top": [row for row in rows if in_top(row["first"]) and not in_top(row["second"])],
        "left_top": sorted(
            (row for row in rows if in_top(row["second"]) and not in_top(row["first"])), key=lambda row: row["second"]
        ),
        "movers": movers,
        "unchanged": [row for row in common if not row["change"]],
        "newly_ranked": [row for row in rows if row["first"] is not None and row["second"] is None],
        "no_longer_ranked": sorted(
            (row for row in rows if row["first"] is None and row["second"] is not None), key=lambda row: row["second"]
        ),
        "unranked_in_both": sum(1 for row in rows if row["first"] is None and row["second"] is None),
    }


# At most this many changed records of each kind are listed as the reasons for a comparison's movements.
CHANGES_LISTED = 500


def evidence_changes(since: datetime, until: datetime) -> dict[str, list[dict[str, Any]]]:
    """The evidence that changed after `since` and up to `until`, by country: mission reports reviewed or returned,
    stakeholder needs recorded or changed, cooperation programs changed, latest first. Three queries."""
    window = {"updated_at__gt": since, "updated_at__lte": until}
    changes: dict[str, list[dict[str, Any]]] = {}

    def add(iso3: str, **change: Any) -> None:
        changes.setdefault(iso3, []).append(change)

    reports = (
        MissionReport.objects.filter(
            **window, status__in=[MissionReport.Status.REVIEWED, MissionReport.Status.RETURNED]
        )
        .only("pk", "kind", "country_id", "visit_start", "status", "updated_at")
        .order_by("-updated_at")[:CHANGES_LISTED]
    )
    for report in reports:
        add(report.country_id, kind="report", record=report, status=report.get_status_display(), at=report.updated_at)
    needs = (
        StakeholderNeed.objects.filter(**window)
        .select_related("area", "stakeholder_group")
        .order_by("-updated_at")[:CHANGES_LISTED]
    )
    for need in needs:
        add(need.country_id, kind="need", record=need, status=need.get_status_display(), at=need.updated_at)
    links = (
        CooperationProgram.countries.through.objects.filter(
            cooperationprogram__updated_at__gt=since, cooperationprogram__updated_at__lte=until
        )
        .select_related("cooperationprogram")
        .order_by("-cooperationprogram__updated_at")[:CHANGES_LISTED]
    )
    for link in links:
        program = link.cooperationprogram
        add(link.country_id, kind="program", record=program, status=program.get_status_display(), at=program.updated_at)
    for listed in changes.values():
        listed.sort(key=lambda change: change["at"], reverse=True)
    return changes


def setting_changes(first: RankingRun, second: RankingRun) -> list[dict[str, Any]]:
    """What the two runs were asked to compute differently: the settings, method, samples, seed and evidence date
    that differ, each with its value in `second` and in `first`."""
    settings_class = WeightProfile.settings_class
    differences = [
        {"label": str(label), "second": getattr(second, field), "first": getattr(first, field)}
        for field, label in (
            ("profile_version", _("profile version")),
            ("method", RankingRun._meta.get_field("method").verbose_name),
            ("samples", RankingRun._meta.get_field("samples").verbose_name),
            ("seed", RankingRun._meta.get_field("seed").verbose_name),
            ("as_of", RankingRun._meta.get_field("as_of").verbose_name),
            ("code_version", RankingRun._meta.get_field("code_version").verbose_name),
        )
        if getattr(first, field) != getattr(second, field)
    ]
    for spec in settings_class.specs():
        before, after = second.profile_settings.get(spec.name), first.profile_settings.get(spec.name)
        if before != after:
            differences.append({"label": str(spec.metadata["label"]), "second": before, "first": after})
    return differences


def criterion_evidence(
    run: RankingRun,
    result: RankingResult | None,
    *,
    reports: Sequence[MissionReport],
    needs: Sequence[StakeholderNeed],
    programs: Sequence[CooperationProgram],
    priorities: Sequence[PolicyPriority],
    source_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Each criterion of the run with its label, weight, the country's contribution and the evidence behind it:
    reports for field criteria, needs, programs for history, the source's priorities for policy."""
    contributions = (result.contributions if result else {}) or {}
    criteria = []
    for criterion in run.criteria:
        code = criterion["code"]
        kind, _separator, name = code.partition(".")
        evidence: dict[str, object]
        if code in (FIELD_NEED, FIELD_READINESS):
            evidence = {"reports": reports}
        elif code == NEEDS_STAKEHOLDER:
            # Only the needs the criterion counts: not met or withdrawn ones, not those of unreviewed reports.
            evidence = {"needs": [need for need in needs if need_counts(need)]}
        elif code in (HISTORY_CONTINUITY, HISTORY_STAGE, HISTORY_NEXT_STEP):
            evidence = {"programs": programs}
        elif kind == POLICY:
            evidence = {"priorities": [item for item in priorities if item.source.code == name]}
        else:
            evidence = {"indicator": name}
        criteria.append(
            {
                "code": code,
                "label": criterion_label(code, source_names),
                "weight": criterion["weight"],
                "direction": criterion["direction"],
                "contribution": contributions.get(code),
                "evidence": evidence,
            }
        )
    return criteria


def evidence_changed_at() -> datetime | None:
    """When the evidence rankings are made from (reviewed reports, needs, programs, indicator values) last changed."""
    stamps = [
        MissionReport.objects.filter(status=MissionReport.Status.REVIEWED).aggregate(at=Max("updated_at"))["at"],
        StakeholderNeed.objects.aggregate(at=Max("updated_at"))["at"],
        CooperationProgram.objects.aggregate(at=Max("updated_at"))["at"],
        # Indicator values are read by the context criteria: an import that added or changed some counts too.
        IndicatorImport.objects.filter(Q(created__gt=0) | Q(updated__gt=0)).aggregate(at=Max("imported_at"))["at"],
    ]
    present = [stamp for stamp in stamps if stamp is not None]
    return max(present) if present else None


def stale_countries(run: RankingRun) -> set[str]:
    """Countries whose evidence (reports, needs, programs, indicator values) changed after the run began: their place
    in it may no longer hold."""
    since = run.created_at
    changed = set(
        MissionReport.objects.filter(updated_at__gt=since, status__in=[MissionReport.Status.REVIEWED, "returned"])
        .values_list("country", flat=True)
        .distinct()
    )
    changed |= set(StakeholderNeed.objects.filter(updated_at__gt=since).values_list("country", flat=True).distinct())
    changed |= set(
        CooperationProgram.countries.through.objects.filter(cooperationprogram__updated_at__gt=since)
        .values_list("country", flat=True)
        .distinct()
    )
    changed |= set(
        IndicatorValue.objects.filter(source_import__imported_at__gt=since).values_list("country", flat=True).distinct()
    )
    return changed


def ranking_is_stale(run: RankingRun | None) -> bool:
    """True when evidence changed after the run began, or there is no run at all."""
    if run is None:
        return True
    changed = evidence_changed_at()
    return changed is not None and changed > run.created_at


def runs_ready_to_publish(profile_slug: str) -> QuerySet[RankingRun]:
    """The profile's automatic run waiting for staff to publish or discard it (at most one)."""
    return RankingRun.objects.filter(profile_slug=profile_slug, ready_to_publish=True).order_by("-created_at")


def runs_in_flight(profile_slug: str) -> QuerySet[RankingRun]:
    """The profile's runs still queued or computing."""
    return RankingRun.objects.filter(profile_slug=profile_slug, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])


# How many places either side of a country the "why this rank" forest plot shows, and its drawing: room for the
# names, the length of the rank axis and the height of a row (SVG user units).
NEIGHBOURS = 3
FOREST_LABELS, FOREST_AXIS, FOREST_ROW = 160, 290, 20


def why_this_rank(run: RankingRun, result: RankingResult, source_names: Mapping[str, str]) -> dict[str, Any]:
    """Why a country ranks where it does: its value on each criterion (the mean over its top areas of their
    normalised values) against the median of the ranked countries and the countries just above and below it, and
    its rank interval beside its neighbours'. Three queries."""
    rank = result.rank or 0
    nearby = list(
        RankingResult.objects.filter(run=run, rank__gte=rank - NEIGHBOURS, rank__lte=rank + NEIGHBOURS)
        .select_related("country")
        .order_by("rank", "country")
    )
    top = {row.country_id: row.top_areas for row in RankingResult.objects.filter(run=run, rank__isnull=False)}
    top_pairs = AreaResult.objects.filter(run=run, country__in=list(top), score__isnull=False).values_list(
        "country_id", "area__code", "normalized"
    )
    codes = [criterion["code"] for criterion in run.criteria]
    values: dict[str, list[dict]] = {}
    for iso3, area, normalized in top_pairs:
        if area in top.get(iso3, []):
            values.setdefault(iso3, []).append(normalized)

    def profile_of(iso3: str) -> dict[str, float | None]:
        pairs = values.get(iso3, [])
        return {
            code: float(np.mean([v for pair in pairs if (v := pair.get(code)) is not None]))
            if any(pair.get(code) is not None for pair in pairs)
            else None
            for code in codes
        }

    profiles = {iso3: profile_of(iso3) for iso3 in values}
    above = next((row for row in nearby if row.rank == rank - 1), None)
    below = next((row for row in nearby if row.rank == rank + 1), None)
    rows = []
    for code in codes:
        ranked_values = [value for profile in profiles.values() if (value := profile[code]) is not None]
        rows.append(
            {
                "label": criterion_label(code, source_names),
                "value": profiles.get(result.country_id, {}).get(code),
                "median": float(np.median(ranked_values)) if ranked_values else None,
                "above": profiles.get(above.country_id, {}).get(code) if above else None,
                "below": profiles.get(below.country_id, {}).get(code) if below else None,
            }
        )
    last = max((row.rank_p95 or row.rank or 0 for row in nearby), default=rank) + 1
    first = max(min((row.rank_p05 or row.rank or 1 for row in nearby), default=1) - 1, 0)
    span = max(last - first, 1)

    def at(position: float) -> float:
        """Where a rank sits on the axis, from rank `first` at its left end to `last` at its right."""
        return round(FOREST_LABELS + FOREST_AXIS * (position - first) / span, 1)

    forest: list[dict[str, Any]] = []
    for row in nearby:
        if row.rank is None:
            continue
        low, high = row.rank_p05 or row.rank, row.rank_p95 or row.rank
        forest.append(
            {
                "name": row.country.local_name,
                "rank": row.rank,
                "low": low,
                "high": high,
                "is_this": row.country_id == result.country_id,
                "x_low": at(low),
                "width": round(at(high) - at(low), 1),
                "x": at(row.rank),
                "y": FOREST_ROW * len(forest) + FOREST_ROW // 2,
            }
        )
    return {
        "rows": rows,
        "above": above,
        "below": below,
        "forest": forest,
        "first": first,
        "last": last,
        "label_x": FOREST_LABELS - 6,
        "width": FOREST_LABELS + FOREST_AXIS + 10,
        "height": FOREST_ROW * len(forest),
    }
