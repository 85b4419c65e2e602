"""`/plans/`: the cooperation plans staff made, the editor of a plan's constraints, computing a plan on the
workers, and one plan — what it funds, from which pool, where and why; `/plans/actions/`: the catalogue of
action templates, edited one by one or imported from a spreadsheet."""

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require
from hipoc.spreadsheets import spreadsheet_row
from programs.views.imports import spreadsheet_import_page

from .forms import ActionTemplateForm, ActionTemplateImportForm, PlanComparisonForm, PlanEditor
from .models import ActionTemplate, Plan
from .resources import ActionTemplateResource
from .selectors import action_templates_listed, plan_comparison, plan_summary, plans_comparable, plans_listed
from .services import action_templates_import, plan_compute_request, plan_programs_create, plan_programs_pending

IMPORT_SESSION_KEY = "action-templates-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def action_template_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "plans.browse_plans")
    return render(request, "plans/action_template_list.html", {"templates": action_templates_listed()})


def _template_edit(request: AuthenticatedRequest, template: ActionTemplate | None) -> HttpResponse:
    require(request, "plans.change_plans")
    form = ActionTemplateForm(request.POST or None, instance=template)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("Action template “%(name)s” saved.") % {"name": saved.local_name})
            return redirect("action-template-list")
        messages.error(request, _("The template was not saved: correct the fields marked below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/action_template_form.html", {"form": form, "template": template}, status=status)


def action_template_create(request: AuthenticatedRequest) -> HttpResponse:
    return _template_edit(request, None)


def action_template_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _template_edit(request, get_object_or_404(ActionTemplate, pk=pk))


def action_template_export(request: AuthenticatedRequest) -> HttpResponse:
    """The catalogue as an XLSX file, in the columns the import reads."""
    require(request, "plans.browse_plans")
    dataset = ActionTemplateResource().export(queryset=action_templates_listed())
    response = HttpResponse(dataset.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="action-templates.xlsx"'
    return response


def action_template_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview with every row's errors → import all rows, or none."""
    require(request, "plans.change_plans")
    return spreadsheet_import_page(
        request,
        form_class=ActionTemplateImportForm,
        run=lambda dataset, commit: action_templates_import(dataset=dataset, commit=commit),
        session_key=IMPORT_SESSION_KEY,
        page="action-template-import",
        template="plans/action_template_import.html",
        done=lambda outcome: (
            _("%(new)d templates added, %(updated)d updated.")
            % {"new": outcome.totals.get("new", 0), "updated": outcome.totals.get("update", 0)},
            "action-template-list",
        ),
    )


def plan_programs(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The chosen actions to be made into planned programs (GET), and making them, once confirmed (POST)."""
    require(request, "plans.change_plans")
    plan = get_object_or_404(Plan, pk=pk)
    if request.method == "POST":
        try:
            made = plan_programs_create(plan=plan)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
            return redirect("plan-detail", plan.pk)
        messages.success(request, _("%(count)d planned programs made from the plan.") % {"count": len(made)})
        return redirect("plan-detail", plan.pk)
    pending = plan_programs_pending(plan)
    return render(request, "plans/plan_programs.html", {"plan": plan, "pending": pending})


def plan_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The plan as an XLSX workbook: its chosen actions, its pools and where the money goes."""
    require(request, "plans.browse_plans")
    plan = get_object_or_404(Plan.objects.select_related("run"), pk=pk)
    summary = plan_summary(plan)
    actions = tablib.Dataset(
        headers=[
            _("Country"),
            "ISO3",
            _("Region"),
            _("Area"),
            _("Action"),
            _("Activity type"),
            _("Value"),
            _("Cost (JPY)"),
            _("Expert-days"),
            _("Paid from"),
            _("Chosen in the samples"),
        ],
        title=_("Actions")[:31],
    )
    for action in summary["actions"]:
        actions.append(
            spreadsheet_row(
                [
                    action.country.local_name,
                    action.country_id,
                    action.country.region_label,
                    action.template.area.local_name,
                    action.template.local_name,
                    action.template.get_kind_display(),
                    round(action.value, 6),
                    action.cost_jpy,
                    action.expert_days,
                    action.pool.name if action.pool else "",
                    action.probability,
                ]
            )
        )
    pools = tablib.Dataset(
        headers=[
            _("Pool"),
            _("Limit (JPY)"),
            _("Continuing programs (JPY)"),
            _("Chosen actions (JPY)"),
            _("Left (JPY)"),
        ],
        title=_("Pools")[:31],
    )
    for row in summary["pools"]:
        pools.append(
            spreadsheet_row([row["pool"].name, row["pool"].limit_jpy, row["committed"], row["chosen"], row["left"]])
        )
    regions = tablib.Dataset(headers=[_("Region"), _("Actions"), _("Cost (JPY)")], title=_("Regions")[:31])
    for region in summary["regions"]:
        regions.append(spreadsheet_row([region["region"], region["actions"], region["cost"]]))
    workbook = tablib.Databook([actions, pools, regions])
    response = HttpResponse(workbook.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-fy{plan.fiscal_year}.xlsx"'
    return response


def plan_compare(request: AuthenticatedRequest) -> HttpResponse:
    """Two solved plans side by side, chosen in the page (`?first=ID&second=ID`)."""
    require(request, "plans.browse_plans")
    form = PlanComparisonForm(request.GET or None, plans=plans_comparable())
    comparison, status = None, 200
    if form.is_bound and "second" in request.GET:
        if form.is_valid():
            comparison = plan_comparison(form.cleaned_data["first"], form.cleaned_data["second"])
        else:
            status = 400
    context = {"form": form, "comparison": comparison, "first": form.cleaned_data.get("first") if comparison else None}
    if comparison:
        context["second"] = form.cleaned_data["second"]
    return render(request, "plans/plan_compare.html", context, status=status)
