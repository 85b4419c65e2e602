"""Cross-model reads for the prioritisation pages: each returns a queryset with its related rows fetched, or
aggregates computed in SQL, so that a page runs the same queries whatever the number of countries."""

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery

from countries.models import Country
from programs.models import CooperationArea, CooperationProgram, MissionReport, ProgramStatus, StakeholderNeed

from .models import AreaResult, PolicySource, RankingResult, RankingRun, WeightProfile


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


def areas_by_code() -> dict[str, CooperationArea]:
    return {area.code: area for area in CooperationArea.objects.select_related("stakeholder_group")}


def policy_priorities_naming(country: Country) -> QuerySet:
    """Policy priorities that name the country, or a group it belongs to, with the areas they favour."""
    from .models import PolicyPriority

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
