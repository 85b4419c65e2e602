"""`/plans/`: the cooperation plans staff made, the editor of a plan's constraints, computing a plan on the
workers, and one plan — what it funds, from which pool, where and why; `/plans/actions/`: the catalogue of
action templates, edited one by one or imported from a spreadsheet."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require
from programs.forms import dataset_from_upload

from .forms import ActionTemplateForm, ActionTemplateImportForm, PlanEditor
from .models import ActionTemplate, Plan
from .resources import ActionTemplateResource
from .selectors import action_templates_listed, plan_summary, plans_listed
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
    form = ActionTemplateImportForm()
    outcome = None
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.pop(IMPORT_SESSION_KEY, None)
        if stored is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("action-template-import")
        dataset = dataset_from_upload(stored["kind"], base64.b64decode(stored["content"]))
        try:
            outcome = action_templates_import(dataset=dataset, commit=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("action-template-import")
        if outcome.committed:
            messages.success(
                request,
                _("%(new)d templates added, %(updated)d updated.")
                % {"new": outcome.totals.get("new", 0), "updated": outcome.totals.get("update", 0)},
            )
            return redirect("action-template-list")
        status = 400
    elif request.method == "POST":
        form = ActionTemplateImportForm(request.POST, request.FILES)
        dataset = None
        if form.is_valid():
            try:
                kind, content = form.upload()
                dataset = dataset_from_upload(kind, content)
            except ValidationError as error:
                form.add_error("file", error)
        if dataset is not None:
            outcome = action_templates_import(dataset=dataset, commit=False)
            if not outcome.has_errors:
                # The very bytes previewed are imported on confirmation.
                request.session[IMPORT_SESSION_KEY] = {
                    "kind": kind,
                    "content": base64.b64encode(content).decode("ascii"),
                }
        if not form.is_valid() or (outcome and outcome.has_errors):
            status = 400
    return render(request, "plans/action_template_import.html", {"form": form, "outcome": outcome}, status=status)


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
