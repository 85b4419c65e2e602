"""The ranked dashboard: the published ranking with its uncertainty, filters, chart, exports and recompute."""

from dataclasses import dataclass

import tablib
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from countries.filtersets import CountryFilterSet
from countries.models import Country
from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require
from hipoc.spreadsheets import spreadsheet_row
from programs.models import CooperationArea

from ..forms import RankingViewForm
from ..models import RankingRun, RunStatus, RunTrigger, WeightProfile
from ..profiles import filled_by
from ..scoring import ScoringError
from ..selectors import (
    areas_by_code,
    excluded_by_reason,
    insufficient_data,
    overview_counts,
    policy_source_names,
    published_run,
    ranked_countries,
    ranked_in_area,
    ranking_is_stale,
    runs_in_flight,
    runs_ready_to_publish,
    stale_countries,
)
from ..services import default_profile, ranking_run_request
from ..tables import RankingTable, robustness_verdict

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class RankingView:
    """What the filters select: a profile's published run, optionally one area, and the countries shown."""

    form: RankingViewForm
    countries: CountryFilterSet
    profile: WeightProfile | None
    area: CooperationArea | None
    run: RankingRun | None

    @classmethod
    def from_request(cls, request: AuthenticatedRequest) -> "RankingView":
        form = RankingViewForm(request.GET)
        countries = CountryFilterSet(request.GET, queryset=Country.objects.all())
        data = form.cleaned_data if form.is_valid() else {}
        profile = data.get("profile")
        run = published_run(profile.slug if profile else None)
        return cls(form=form, countries=countries, profile=profile, area=data.get("area"), run=run)

    def country_filter(self) -> QuerySet[Country] | None:
        if not self.countries.is_valid() or not any(self.countries.form.cleaned_data.values()):
            return None
        return self.countries.qs

    def rows(self):
        if self.run is None:
            return []
        if self.area is not None:
            return ranked_in_area(self.run, self.area, self.country_filter())
        return ranked_countries(self.run, self.country_filter())


def overview_items() -> list[tuple[str, int]]:
    counts = overview_counts()
    return [
        (_("Countries"), counts["countries"]),
        (_("ODA recipients"), counts["oda_eligible_countries"]),
        (_("Cooperation areas"), counts["areas"]),
        (_("Policy sources"), counts["policy_sources"]),
        (_("Cooperation programs"), counts["programs"]),
        (_("Mission reports"), counts["reports"]),
        (_("Reports awaiting review"), counts["reports_awaiting_review"]),
        (_("Open stakeholder needs"), counts["open_needs"]),
        (_("Weight profiles"), counts["weight_profiles"]),
    ]


def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """`/`: who ranks where, how sure that is, and what is missing."""
    require(request, "priorities.browse_rankings")
    view = RankingView.from_request(request)
    areas = areas_by_code()
    rows = view.rows()
    area_code = view.area.code if view.area else None
    table = RankingTable(rows, areas=areas, top_area_codes=(lambda record: [area_code]) if area_code else None)
    RequestConfig(request, paginate=False).configure(table)
    context = {
        "view": view,
        "table": table,
        "areas": areas,
        "overview_items": overview_items(),
        "query": request.GET.urlencode(),
    }
    if view.run is not None:
        shown = list(table.rows.data)
        source_names = policy_source_names()
        excluded = excluded_by_reason(view.run, view.country_filter())
        context.update(
            chart=[
                {
                    "iso3": row.country_id,
                    "country": row.country.local_name,
                    "rank": row.rank,
                    "median": row.rank_median,
                    "p05": row.rank_p05,
                    "p95": row.rank_p95,
                    "verdict": robustness_verdict(row)[0],
                }
                for row in sorted(shown, key=lambda row: row.rank)
            ],
            insufficient=[
                {"row": row, "filled_by": filled_by(row.missing, source_names)}
                for row in insufficient_data(view.run, view.country_filter())
            ],
            excluded=excluded,
            excluded_count=sum(len(group["countries"]) for group in excluded),
            source_names=source_names,
            stale=ranking_is_stale(view.run),
            stale_count=len(stale_countries(view.run)),
            in_flight=runs_in_flight(view.run.profile_slug).first(),
        )
        if request.user.has_perm("priorities.manage_rankings"):
            context["ready"] = runs_ready_to_publish(view.run.profile_slug).only("pk", "trigger", "created_at").first()
    return render(request, "priorities/dashboard.html", context)


def ranking_export(request: AuthenticatedRequest) -> HttpResponse:
    """The ranking shown on the dashboard, with the same filters, as CSV or XLSX."""
    require(request, "priorities.browse_rankings")
    kind = request.GET.get("format", "csv")
    if kind not in EXPORT_TYPES:
        return HttpResponse(_("Choose csv or xlsx."), status=400, content_type="text/plain")
    view = RankingView.from_request(request)
    if view.run is None:
        return HttpResponse(_("No ranking has been published for this profile."), status=404, content_type="text/plain")
    # Headed and filled for a reader, in the page's language (the API gives the codes).
    headers = [
        _("Rank"),
        _("ISO 3166-1 alpha-3"),
        _("Country"),
        _("Score"),
        _("Rank, 5th percentile"),
        _("Median rank"),
        _("Rank, 95th percentile"),
        _("P(top 10)"),
        _("Previous rank"),
        _("Area") if view.area else _("Top areas"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Ranking")[:31])
    area_names = {area.code: area.local_name for area in CooperationArea.objects.all()}
    for row in view.rows():
        where = view.area.local_name if view.area else "; ".join(area_names.get(code, code) for code in row.top_areas)
        dataset.append(
            spreadsheet_row(
                [
                    row.rank,
                    row.country_id,
                    row.country.local_name,
                    row.score,
                    row.rank_p05,
                    row.rank_median,
                    row.rank_p95,
                    row.p_top10,
                    row.previous_rank,
                    where,
                ]
            )
        )
    body = dataset.export(kind)
    response = HttpResponse(body.encode("utf-8") if isinstance(body, str) else body, content_type=EXPORT_TYPES[kind])
    suffix = f"-{view.area.code}" if view.area else ""
    response["Content-Disposition"] = f'attachment; filename="hipoc-ranking-run{view.run.pk}{suffix}.{kind}"'
    return response


@require_POST
def ranking_recompute(request: AuthenticatedRequest) -> HttpResponse:
    """Staff start a run of a profile that is published when it succeeds; the page follows its progress."""
    require(request, "priorities.manage_rankings")
    slug = request.POST.get("profile")
    profile = get_object_or_404(WeightProfile, slug=slug) if slug else default_profile()
    try:
        run = ranking_run_request(profile=profile, by=request.user, trigger=RunTrigger.MANUAL, publish=True)
    except ScoringError as error:
        messages.error(request, error.message)
        return redirect(reverse("home"))
    if request.htmx:
        return render(request, "priorities/_run_progress.html", {"run": RankingRun.objects.get(pk=run.pk)})
    messages.info(request, _("Ranking run %(id)s started.") % {"id": run.pk})
    return redirect(f"{reverse('home')}?profile={profile.slug}")


def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A run's progress, polled by the page while it is in flight; the page reloads when the run succeeds."""
    require(request, "priorities.manage_rankings")
    run = get_object_or_404(RankingRun, pk=pk)
    response = render(request, "priorities/_run_progress.html", {"run": run})
    # A run identical to the published one changes nothing on the page: it stays, saying so.
    unchanged = run.identical_to_id is not None and not run.is_published
    if run.status == RunStatus.SUCCEEDED and request.htmx and not unchanged:
        response["HX-Refresh"] = "true"
    return response
