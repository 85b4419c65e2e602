"""`/plans/`: the cooperation plans staff made, the editor of a plan's constraints, computing a plan on the
workers, and one plan — what it funds, from which pool, where and why."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from .forms import PlanEditor
from .models import Plan
from .selectors import plan_summary, plans_listed
from .services import plan_compute_request


def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "plans.browse_plans")
    return render(request, "plans/plan_list.html", {"plans": plans_listed()})


def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request, "plans.browse_plans")
    plan = get_object_or_404(Plan.objects.select_related("run", "run__profile"), pk=pk)
    return render(request, "plans/plan_detail.html", {"plan": plan, **plan_summary(plan)})


def _edit(request: AuthenticatedRequest, plan: Plan | None) -> HttpResponse:
    require(request, "plans.change_plans")
    editor = PlanEditor(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST":
        if editor.is_valid():
            created = editor.plan.pk is None
            if created:
                editor.form.instance.created_by = request.user
            saved = editor.save()
            messages.success(
                request,
                _("Plan saved. Add the programs that continue, then compute it.")
                if created
                else _("Plan saved. Compute it to choose its actions under the new constraints."),
            )
            return redirect("plan-edit", saved.pk) if created else redirect("plan-detail", saved.pk)
        messages.error(request, _("The plan was not saved: correct the fields marked below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_form.html", {"editor": editor, "plan": plan}, status=status)


def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    return _edit(request, None)


def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Plan, pk=pk))


@require_POST
def plan_compute(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request, "plans.change_plans")
    plan = get_object_or_404(Plan, pk=pk)
    try:
        plan_compute_request(plan=plan)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("plan-edit", plan.pk)
    return redirect("plan-detail", plan.pk)


def plan_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The plan's state, polled by the plan page while the workers compute it."""
    require(request, "plans.browse_plans")
    plan = get_object_or_404(Plan, pk=pk)
    return render(request, "plans/_plan_progress.html", {"plan": plan})
