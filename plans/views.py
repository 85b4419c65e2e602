"""`/plans/`: the cooperation plans staff made, and one plan — what it funds, from which pool, where and why."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from .models import Plan
from .selectors import plan_summary, plans_listed


def plan_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "plans.browse_plans")
    return render(request, "plans/plan_list.html", {"plans": plans_listed()})


def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request, "plans.browse_plans")
    plan = get_object_or_404(Plan.objects.select_related("run", "run__profile"), pk=pk)
    return render(request, "plans/plan_detail.html", {"plan": plan, **plan_summary(plan)})
