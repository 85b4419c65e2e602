"""Run history: every ranking run with who started it and how long it took, comparison of two runs, publishing."""

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from ..models import RankingRun, RunStatus
from ..selectors import rank_changes, runs_visible_to
from ..services import RunNotPublishableError, ranking_run_publish

RUNS_PER_PAGE = 50


class CompareForm(forms.Form):
    first = forms.ModelChoiceField(
        queryset=RankingRun.objects.none(), label=gettext_lazy("Run"), empty_label=gettext_lazy("Choose a run")
    )
    second = forms.ModelChoiceField(
        queryset=RankingRun.objects.none(),
        label=gettext_lazy("Compared with"),
        empty_label=gettext_lazy("Choose a run"),
    )

    def __init__(self, *args, runs: QuerySet[RankingRun], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        finished = runs.filter(status=RunStatus.SUCCEEDED).order_by("-created_at")
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
        .select_related("created_by", "published_by")
        .defer("profile_settings", "excluded")
        .order_by("-created_at", "-id")[:RUNS_PER_PAGE]
    )
    form = CompareForm(runs=runs_visible_to(request.user))
    return render(request, "priorities/rankingrun_list.html", {"runs": runs, "form": form})


def run_compare(request: AuthenticatedRequest) -> HttpResponse:
    """Compare any two succeeded runs: each country's rank in both, the change, and Spearman's rho."""
    require(request, "priorities.browse_rankings")
    form = CompareForm(request.GET or None, runs=runs_visible_to(request.user))
    comparison = None
    if form.is_valid():
        comparison = rank_changes(form.cleaned_data["first"], form.cleaned_data["second"])
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "priorities/rankingrun_compare.html", {"form": form, "comparison": comparison}, status=status
    )


@require_POST
def run_publish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Staff make a succeeded run the one partners see for its profile."""
    require(request, "priorities.manage_rankings")
    run = get_object_or_404(RankingRun, pk=pk)
    try:
        ranking_run_publish(run=run, by=request.user)
    except RunNotPublishableError:
        messages.error(request, _("Only a run that succeeded can be published."))
    else:
        messages.success(
            request,
            _("Run %(id)s is now the published ranking of %(profile)s.") % {"id": run.pk, "profile": run.profile_slug},
        )
    return redirect("run-list")
