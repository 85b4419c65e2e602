"""A country's page (why it ranks where it does, with the evidence) and an area's ranking of countries."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_tables2 import RequestConfig

from countries.filtersets import CountryFilterSet
from countries.models import Country
from countries.selectors import PeerComparison, country_indicators
from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require
from programs.models import CooperationArea
from programs.selectors import (
    activities_of_country,
    cooperation_timeline,
    independence_ladder,
    needs_visible_to,
    programs_of_country,
    reports_visible_to,
)

from ..forms import RankingViewForm
from ..profiles import CONTRIBUTION_AXIS, CONTRIBUTION_MEANING, driver_label, filled_by
from ..selectors import (
    areas_by_code,
    country_areas,
    country_result,
    country_standing,
    criterion_evidence,
    policy_priorities_naming,
    policy_source_names,
    published_run,
    ranked_in_area,
    why_this_rank,
)
from ..tables import RankingTable


@dataclass(frozen=True)
class IndicatorCard:
    """One small multiple on the country page: the comparison, its chart's data and the id that joins them."""

    comparison: PeerComparison
    chart: dict
    chart_id: str


def indicator_cards(country: Country) -> list[IndicatorCard]:
    return [
        IndicatorCard(
            comparison,
            {
                "years": comparison.years,
                "country": comparison.values,
                "income": comparison.income_medians,
                "region": comparison.region_medians,
            },
            f"indicator-chart-{number}",
        )
        for number, comparison in enumerate(country_indicators(country), start=1)
    ]


def indicator_sources(cards: list[IndicatorCard]) -> list[str]:
    """The distinct source and licence statements of the indicators shown, for a page's footnotes: CC BY 4.0 asks
    that every use of a value name its source and licence."""
    sources: list[str] = []
    for card in cards:
        indicator = card.comparison.indicator
        release = f" ({indicator.vintage})" if indicator.vintage and indicator.vintage not in indicator.source else ""
        statement = f"{indicator.source or indicator.code}{release}; {indicator.licence or '—'}"
        if statement not in sources:
            sources.append(statement)
    return sources


def country_detail(request: AuthenticatedRequest, iso3: str) -> HttpResponse:
    """`/countries/<iso3>/`: classification, score by criterion, areas, evidence, history, ladder, context."""
    require(request, "priorities.browse_rankings")
    country = get_object_or_404(Country, iso3=iso3.upper())
    form = RankingViewForm(request.GET)
    profile = form.cleaned_data.get("profile") if form.is_valid() else None
    run = published_run(profile.slug if profile else None)
    programs = list(programs_of_country(country))
    activities = list(activities_of_country(country))
    reports = list(
        reports_visible_to(request.user)
        .filter(country=country, status="reviewed")
        .prefetch_related("assessments__area")
        .order_by("-visit_start")
    )
    needs = list(needs_visible_to(request.user).filter(country=country).order_by("-raised_on"))
    priorities = list(policy_priorities_naming(country))
    source_names = policy_source_names()
    result = country_result(run, country) if run else None
    cards = indicator_cards(country)
    sources = indicator_sources(cards)
    criteria = (
        criterion_evidence(
            run,
            result,
            reports=reports,
            needs=needs,
            programs=programs,
            priorities=priorities,
            source_names=source_names,
        )
        if run is not None
        else []
    )
    context = {
        "country": country,
        "treaties": list(country.treaty_memberships.order_by("in_force_date", "treaty")),
        "form": form,
        "run": run,
        "result": result,
        "areas": list(country_areas(run, country)) if run else [],
        "criteria": criteria,
        "chart": [
            {"label": item["label"], "value": round(item["contribution"] or 0, 5)}
            for item in criteria
            if result and result.rank is not None
        ],
        "why": why_this_rank(run, result, source_names) if run and result and result.rank else None,
        "drivers": [
            {
                "label": driver_label(item["input"], source_names),
                "share": item["first_order"],
                "total": item.get("total"),
            }
            for item in (result.drivers if result else [])
        ],
        "contribution_meaning": CONTRIBUTION_MEANING[run.method] if run else "",
        "contribution_axis": CONTRIBUTION_AXIS[run.method] if run else "",
        "standing": country_standing(run, country.iso3, result) if run else None,
        "filled_by": filled_by(result.missing, source_names) if result and result.rank is None else [],
        "ladder": independence_ladder(programs),
        "timeline": cooperation_timeline(programs, activities, timezone.localdate()),
        "source_names": source_names,
        "indicator_cards": cards,
        "indicator_sources": sources,
        "reports": reports,
        "needs": needs,
        "programs": programs,
    }
    template = (
        "priorities/country_brief.html" if request.GET.get("view") == "brief" else "priorities/country_detail.html"
    )
    return render(request, template, context)


def area_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """`/areas/<code>/`: countries ranked for one area, with their intervals and movements."""
    require(request, "priorities.browse_rankings")
    area = get_object_or_404(CooperationArea.objects.select_related("stakeholder_group"), code=code)
    form = RankingViewForm(request.GET)
    profile = form.cleaned_data.get("profile") if form.is_valid() else None
    run = published_run(profile.slug if profile else None)
    countries = CountryFilterSet(request.GET, queryset=Country.objects.all())
    chosen = countries.qs if countries.is_valid() and any(countries.form.cleaned_data.values()) else None
    rows = ranked_in_area(run, area, chosen) if run else []
    table = RankingTable(rows, areas=areas_by_code(), top_area_codes=lambda record: [area.code])
    table.exclude = ("top_areas",)
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "priorities/area_detail.html",
        {"area": area, "run": run, "table": table, "form": form, "countries": countries},
    )
