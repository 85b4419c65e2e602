"""Run history: every ranking run with who started it and how long it took, comparison of two runs, publishing."""

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hipoc.exceptions import ConflictError
from hipoc.http import AuthenticatedRequest
from hipoc.i18n import local_name_expression
from hipoc.permissions import require

from ..models import RankingResult, RankingRun, RunStatus
from ..profiles import DRIVER_LABELS, criterion_label
from ..selectors import (
    evidence_changes,
    policy_source_names,
    published_run,
    rank_changes,
    runs_visible_to,
    setting_changes,
)
from ..services import (
    IdenticalToPublishedError,
    PublishedMeanwhileError,
    RunNotDiscardableError,
    RunNotPublishableError,
    ranking_run_discard,
    ranking_run_publish,
)

RUNS_PER_PAGE = 50


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RankingRun) -> str:
        return _("Run %(id)s · %(profile)s v%(version)s · %(method)s") % {
            "id": obj.pk,
            "profile": obj.profile.local_name,
            "version": obj.profile_version,
            "method": obj.get_method_display(),
        }


class CompareForm(forms.Form):
    first = RunChoiceField(
        queryset=RankingRun.objects.none(), label=gettext_lazy("Run"), empty_label=gettext_lazy("Choose a run")
    )
    second = RunChoiceField(
        queryset=RankingRun.objects.none(),
        label=gettext_lazy("Compared with"),
        empty_label=gettext_lazy("Choose a run"),
    )

    def __init__(self, *args, runs: QuerySet[RankingRun], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        finished = runs.filter(status=RunStatus.SUCCEEDED).select_related("profile").order_by("-created_at")
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
            field.queryset = finished

    def clean(self):
        data = super().clean() or {}
        if data.get("first") and data.get("first") == data.get("second"):
            self.add_error("second", _("Choose two different runs."))
        return data


def run_list(request: AuthenticatedRequest) -> HttpResponse:
    """`/rankings/`: runs with status, timings, profile, method and who started them, newest first."""
    require(request, "priorities.browse_rankings")
    runs = (
        runs_visible_to(request.user)
        .select_related("created_by", "published_by", "profile")
        .defer("profile_settings", "excluded", "robustness", "scale")
        .order_by("-created_at", "-id")[:RUNS_PER_PAGE]
    )
    form = CompareForm(runs=runs_visible_to(request.user))
    # A run identical to a published one offers no Publish button: it would publish the same ranking twice.
    published_ids = list(RankingRun.objects.filter(is_published=True).values_list("pk", flat=True))
    return render(
        request, "priorities/rankingrun_list.html", {"runs": runs, "form": form, "published_ids": published_ids}
    )


def comparison_of(request: AuthenticatedRequest, first: RankingRun, second: RankingRun) -> dict:
    """How `first` differs from `second`: the rank changes, what the runs were asked to compute differently, and,
    for staff (who may read every report), the evidence that changed between them, by country."""
    comparison = rank_changes(first, second)
    comparison["first_run"], comparison["second_run"] = first, second
    comparison["settings"] = setting_changes(first, second)
    if request.user.has_perm("priorities.manage_rankings"):
        earlier, later = sorted((first, second), key=lambda run: (run.created_at, run.pk))
        changes = evidence_changes(earlier.started_at or earlier.created_at, later.started_at or later.created_at)
        comparison["evidence_shown"] = True
        comparison["changed_countries"] = len(changes)
        for row in comparison["rows"]:
            row["evidence"] = changes.get(row["iso3"], [])
    return comparison


def run_compare(request: AuthenticatedRequest) -> HttpResponse:
    """Compare any two succeeded runs: who entered or left the top, the biggest movers and why, Spearman's rho."""
    require(request, "priorities.browse_rankings")
    form = CompareForm(request.GET or None, runs=runs_visible_to(request.user))
    comparison = None
    if form.is_valid():
        comparison = comparison_of(request, form.cleaned_data["first"], form.cleaned_data["second"])
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "priorities/rankingrun_compare.html", {"form": form, "comparison": comparison}, status=status
    )


def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """`/rankings/<id>/`: one run, what it was asked to compute, whether it is identical to an earlier run, and
    what it changes against the published ranking of its profile; a run waiting for staff is published or
    discarded here."""
    require(request, "priorities.browse_rankings")
    run = get_object_or_404(
        runs_visible_to(request.user)
        .select_related("created_by", "published_by", "discarded_by", "identical_to", "profile")
        .defer("robustness", "scale", "excluded"),
        pk=pk,
    )
    published = published_run(run.profile_slug)
    comparison = None
    if published is not None and published.pk != run.pk and run.status == RunStatus.SUCCEEDED:
        comparison = comparison_of(request, run, published)
    return render(
        request,
        "priorities/rankingrun_detail.html",
        {"run": run, "published": published, "comparison": comparison},
    )


def _back_to(request: AuthenticatedRequest, run: RankingRun) -> HttpResponse:
    """Back where the action was taken: the run's own page, or the run history."""
    if request.POST.get("next") == "detail":
        return redirect(reverse("run-detail", args=[run.pk]))
    return redirect("run-list")


def _refused(request: AuthenticatedRequest, conflict: ConflictError) -> HttpResponse:
    """The run history with why the action was refused, answered 409: the run is not in the state it was seen in."""
    messages.error(request, str(conflict.message))
    response = run_list(request)
    response.status_code = 409
    return response


@require_POST
def run_publish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff make a succeeded run the one partners see for its profile."""
    require(request, "priorities.manage_rankings")
    run = get_object_or_404(RankingRun, pk=pk)
    try:
        ranking_run_publish(run=run, by=request.user)
    except RunNotPublishableError:
        messages.error(request, _("Only a run that succeeded can be published."))
    except (PublishedMeanwhileError, IdenticalToPublishedError) as conflict:
        return _refused(request, conflict)
    else:
        messages.success(
            request,
            _("Run %(id)s is now the published ranking of %(profile)s.") % {"id": run.pk, "profile": run.profile_slug},
        )
    return _back_to(request, run)


@require_POST
def run_discard_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff decide that a run waiting to be published is not to be; the published ranking stays as it is."""
    require(request, "priorities.manage_rankings")
    run = get_object_or_404(RankingRun, pk=pk)
    try:
        ranking_run_discard(run=run, by=request.user)
    except RunNotDiscardableError as refusal:
        return _refused(request, refusal)
    messages.success(request, _("Run %(id)s was discarded; the published ranking is unchanged.") % {"id": run.pk})
    return _back_to(request, run)


# Shown width of a stability bar (SVG user units): a share of 1 spans all of it.
BAR_WIDTH = 300
# The correlation heatmap: room for the criteria's names, and the side of one cell.
HEATMAP_LABELS, HEATMAP_CELL = 240, 28


# The sensitivity heatmap: room for the countries' names, one cell, and the slanted input names above the cells.
SOBOL_LABELS, SOBOL_CELL_WIDTH, SOBOL_CELL_HEIGHT, SOBOL_HEADER = 190, 26, 16, 210
# Room on the right for the last slanted input name.
SOBOL_RIGHT = 170
# Darkest fill of an index of 1 (Bootstrap's blue, darkened).
SOBOL_DARK = (8, 69, 148)


def _index_colour(value: float | None) -> str:
    """A sequential fill for an index in [0, 1]: white at 0, dark blue at 1."""
    strength = min(max(value or 0.0, 0.0), 1.0)
    red, green, blue = (round(255 + (dark - 255) * strength) for dark in SOBOL_DARK)
    return f"#{red:02x}{green:02x}{blue:02x}"


def _sensitivity_heatmap(sensitivity: dict, names: dict[str, str], input_label) -> dict:
    """The countries × inputs grid of total indices of each ranked country's rank, with where each cell goes."""
    inputs = sensitivity["inputs"]
    rows = []
    for row, country in enumerate(sensitivity["countries"]):
        indices = country["rank"]
        top = SOBOL_HEADER + SOBOL_CELL_HEIGHT * row
        rows.append(
            {
                "iso3": country["iso3"],
                "name": names.get(country["iso3"], country["iso3"]),
                "y": top + SOBOL_CELL_HEIGHT - 4,
                "cells": [
                    {
                        "x": SOBOL_LABELS + SOBOL_CELL_WIDTH * column,
                        "y": top,
                        "fill": _index_colour(indices["total"][column]),
                        "input": input_label(name),
                        "first": indices["first"][column],
                        "first_conf": indices["first_conf"][column],
                        "total": indices["total"][column],
                        "total_conf": indices["total_conf"][column],
                    }
                    for column, name in enumerate(inputs)
                ],
            }
        )
    columns = [
        {"label": input_label(name), "x": SOBOL_LABELS + SOBOL_CELL_WIDTH * column + SOBOL_CELL_WIDTH // 2 + 4}
        for column, name in enumerate(inputs)
    ]
    return {
        **sensitivity,
        "rows": rows,
        "columns": columns,
        "width": SOBOL_LABELS + SOBOL_CELL_WIDTH * len(inputs) + SOBOL_RIGHT,
        "height": SOBOL_HEADER + SOBOL_CELL_HEIGHT * len(rows),
        "header_y": SOBOL_HEADER - 6,
        "label_x": SOBOL_LABELS - 6,
        "cell_width": SOBOL_CELL_WIDTH - 1,
        "cell_height": SOBOL_CELL_HEIGHT - 1,
        "legend": [{"value": step / 4, "fill": _index_colour(step / 4)} for step in range(5)],
        "doubled": 2 * sensitivity["base_samples"],
    }


def _correlation_colour(value: float | None) -> str:
    """A diverging fill for a correlation: white at 0, red toward +1, blue toward −1."""
    if value is None:
        return "#eeeeee"
    strength = min(abs(value), 1.0)
    fade = round(255 * (1 - strength))
    return f"#ff{fade:02x}{fade:02x}" if value >= 0 else f"#{fade:02x}{fade:02x}ff"


def run_robustness(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """`/rankings/<id>/robustness/`: leave one out, weight stability, rank reversal and criteria diagnostics."""
    require(request, "priorities.browse_rankings")
    run = get_object_or_404(runs_visible_to(request.user).defer("profile_settings", "excluded"), pk=pk)
    checks = run.robustness or {}
    source_names = policy_source_names()
    names = dict(
        RankingResult.objects.filter(run=run)
        .annotate(country_name=local_name_expression("country__name"))
        .values_list("country_id", "country_name")
    )

    def group_label(group: str) -> str:
        return _("Policy alignment (all sources)") if group == "policy" else criterion_label(group, source_names)

    def input_label(name: str) -> str:
        if name.startswith("weight:"):
            return _("Weight: %(criteria)s") % {"criteria": group_label(name.removeprefix("weight:"))}
        return capfirst(str(DRIVER_LABELS.get(name, name)))

    leave_one_out = [
        {
            "label": group_label(row["group"]),
            "mean_shift": row["mean_shift"],
            "moved": [{**item, "name": names.get(item["iso3"], item["iso3"])} for item in row["moved"]],
        }
        for row in checks.get("leave_one_out", [])
    ]
    stability = [
        {
            **row,
            "label": group_label(row["group"]),
            "x": round(row["low"] * BAR_WIDTH, 1),
            "width": round(max(row["high"] - row["low"], 0.0) * BAR_WIDTH, 1),
            "at": round(row["share"] * BAR_WIDTH, 1),
        }
        for row in checks.get("stability", [])
    ]
    reversal = [
        {
            **row,
            "removed_name": names.get(row["removed"], row["removed"]),
            "largest_names": row["largest"]
            and (names.get(row["largest"]["first"], ""), names.get(row["largest"]["second"], "")),
        }
        for row in checks.get("rank_reversal", [])
    ]
    taus = [row["kendall_tau"] for row in reversal if row["kendall_tau"] is not None]
    worst = max(reversal, key=lambda row: row["largest"]["places"] if row["largest"] else 0, default=None)
    diagnostics = checks.get("diagnostics", {})
    codes = diagnostics.get("criteria", [])
    flagged = {code for code, shape in (run.scale.get("distribution") or {}).items() if shape.get("flagged")}
    heatmap = [
        {
            "label": criterion_label(code, source_names),
            "cells": [
                {
                    "value": value,
                    "fill": _correlation_colour(value),
                    "x": HEATMAP_LABELS + HEATMAP_CELL * column,
                    "y": HEATMAP_CELL * row,
                }
                for column, value in enumerate(values)
            ],
            "y": HEATMAP_CELL * row + HEATMAP_CELL // 2 + 4,
        }
        for row, (code, values) in enumerate(zip(codes, diagnostics.get("correlations", []), strict=False))
    ]
    context = {
        "run": run,
        "checks": bool(checks),
        "leave_one_out": leave_one_out,
        "stability": stability,
        "bar_width": BAR_WIDTH,
        "reversal": reversal,
        "lowest_tau": min(taus) if taus else None,
        "worst": worst if worst and worst["largest"] else None,
        "sensitivity": checks.get("sensitivity") and _sensitivity_heatmap(checks["sensitivity"], names, input_label),
        "heatmap": heatmap,
        "heatmap_height": HEATMAP_CELL * len(codes),
        "heatmap_width": HEATMAP_LABELS + HEATMAP_CELL * len(codes),
        "heatmap_label_x": HEATMAP_LABELS - 6,
        "heatmap_cell": HEATMAP_CELL - 1,
        "cronbach": diagnostics.get("cronbach_alpha", {}),
        "effective_weights": [
            {**row, "label": criterion_label(row["code"], source_names), "flagged": row["code"] in flagged}
            for row in diagnostics.get("effective_weights", [])
        ],
    }
    return render(request, "priorities/rankingrun_robustness.html", context)
