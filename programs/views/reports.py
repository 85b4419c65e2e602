"""Pages of the experts' workflow: mission reports, their review and their history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from hipoc.http import AuthenticatedRequest
from hipoc.pagination import paginate_table
from hipoc.permissions import require

from ..filtersets import MissionReportFilterSet
from ..forms import AssessmentFormSet, MissionReportForm, NeedFormSet, ReviewForm
from ..models import MissionReport
from ..selectors import history_changes, reports_awaiting_review, reports_visible_to, reports_with_rows
from ..services import (
    StaleReportError,
    mission_report_approve,
    mission_report_create,
    mission_report_delete,
    mission_report_reopen,
    mission_report_return,
    mission_report_submit,
    mission_report_update,
)
from ..tables import MissionReportTable

ASSESSMENTS = "assessments"
NEEDS = "needs"


def report_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.list_reports")
    filterset = MissionReportFilterSet(request.GET, queryset=reports_visible_to(request.user))
    table = MissionReportTable(filterset.qs)
    errors = paginate_table(request, table)
    title = _("All mission reports") if request.user.has_perm("programs.read_every_report") else _("My reports")
    context = {"filter": filterset, "table": table, "title": title, "page_size_errors": errors}
    return render(request, "programs/missionreport_list.html", context, status=400 if errors else 200)


def report_review_queue(request: AuthenticatedRequest) -> HttpResponse:
    """`/reports/review/`: the submitted reports staff have still to approve or return, the longest waiting first."""
    require(request, "programs.read_every_report")
    reports = list(reports_awaiting_review())
    return render(request, "programs/review_queue.html", {"reports": reports, "now": timezone.now()})


def _apply_errors(error: ValidationError, form, assessments, needs) -> None:
    """Show a service's refusal next to the field it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages_)
        elif field in (ASSESSMENTS, NEEDS):
            target = assessments if field == ASSESSMENTS else needs
            target._non_form_errors = target.error_class(messages_)
        elif field.startswith(f"{ASSESSMENTS}-") or field.startswith(f"{NEEDS}-"):
            prefix, number, name = field.split("-", 2)
            formset = assessments if prefix == ASSESSMENTS else needs
            kept = [row for row in formset.forms if row.has_changed() and not row.cleaned_data.get("DELETE")]
            position = int(number) - 1
            if 0 <= position < len(kept):
                kept[position].add_error(name if name in kept[position].fields else None, messages_)
            else:
                form.add_error(None, messages_)
        else:
            form.add_error(None, messages_)


def _save_and_maybe_submit(request, report, form, assessments, needs) -> MissionReport:
    if report is None:
        report = mission_report_create(
            author=request.user, fields=form.report_fields(), assessments=assessments.rows(), needs=needs.rows()
        )
    else:
        report = mission_report_update(
            report=report,
            by=request.user,
            version=form.cleaned_data["version"] or 0,
            fields=form.report_fields(),
            assessments=assessments.rows(),
            needs=needs.rows(),
        )
    if "submit" in request.POST:
        report = mission_report_submit(report=report, by=request.user)
        messages.success(request, _("Report submitted for review."))
    else:
        messages.success(request, _("Draft saved."))
    return report


def _edit(request: AuthenticatedRequest, report: MissionReport | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = MissionReportForm(request.POST, instance=report)
        assessments = AssessmentFormSet(request.POST, prefix=ASSESSMENTS)
        needs = NeedFormSet(request.POST, prefix=NEEDS)
        if form.is_valid() and assessments.is_valid() and needs.is_valid():
            try:
                # Saving and submitting succeed or fail together: a refused submission saves nothing.
                with transaction.atomic():
                    report = _save_and_maybe_submit(request, report, form, assessments, needs)
                return redirect(report)
            except StaleReportError:
                status = 409
                form.add_error(None, StaleReportError.message)
                form.stale = True  # type: ignore[attr-defined]  # read by the template to offer a reload
            except ValidationError as error:
                _apply_errors(error, form, assessments, needs)
        if status == 200:
            status = 400
    else:
        form = MissionReportForm(instance=report)
        assessments = AssessmentFormSet(
            prefix=ASSESSMENTS,
            initial=[
                {name: getattr(row, name) for name in ("area", "need_level", "readiness", "commitment", "comment")}
                for row in report.assessments.select_related("area")
            ]
            if report
            else None,
        )
        needs = NeedFormSet(
            prefix=NEEDS,
            initial=[
                {name: getattr(row, name) for name in ("area", "stakeholder_group", "description", "urgency")}
                for row in report.needs.select_related("area", "stakeholder_group")
            ]
            if report
            else None,
        )
    context = {"form": form, "assessments": assessments, "needs": needs, "report": report}
    return render(request, "programs/missionreport_form.html", context, status=status)


def report_create(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.file_report")
    return _edit(request, None)


def report_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissionReport, pk=pk)
    require(request, "programs.edit_report", report)
    return _edit(request, report)


def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_with_rows(), pk=pk)
    require(request, "programs.read_report", report)
    return render(request, "programs/missionreport_detail.html", {"report": report, "review_form": ReviewForm()})


@require_POST
def report_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissionReport, pk=pk)
    require(request, "programs.edit_report", report)
    try:
        mission_report_submit(report=report, by=request.user)
        messages.success(request, _("Report submitted for review."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


def _staff_decision(request: AuthenticatedRequest, pk: int, permission: str, decide) -> HttpResponse:
    """Run a staff decision on a report; a refusal is shown under the comment box."""
    report = get_object_or_404(MissionReport, pk=pk)
    require(request, permission, report)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            message = decide(report, form.cleaned_data["comment"])
            messages.success(request, message)
            return redirect(report)
        except ValidationError as error:
            for text in error.messages:
                form.add_error("comment", text)
    report = get_object_or_404(reports_with_rows(), pk=pk)
    return render(request, "programs/missionreport_detail.html", {"report": report, "review_form": form}, status=400)


@require_POST
def report_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def decide(report: MissionReport, comment: str) -> str:
        decision = request.POST.get("decision")
        if decision not in ("approve", "return"):
            raise ValidationError(_("Choose to approve the report or to return it to its author."))
        if decision == "approve":
            mission_report_approve(report=report, by=request.user)
            return _("Report approved: it now counts in the ranking.")
        mission_report_return(report=report, by=request.user, comment=comment)
        return _("Report returned to its author.")

    return _staff_decision(request, pk, "programs.review_report", decide)


@require_POST
def report_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    def decide(report: MissionReport, comment: str) -> str:
        mission_report_reopen(report=report, by=request.user, comment=comment)
        return _("Report reopened and returned to its author.")

    return _staff_decision(request, pk, "programs.reopen_report", decide)


@require_POST
def report_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissionReport, pk=pk)
    require(request, "programs.remove_report", report)
    try:
        mission_report_delete(report=report, by=request.user)
    except ValidationError as error:
        # Submitted meanwhile (in another tab or request): it is no longer a draft to delete.
        messages.error(request, " ".join(error.messages))
        return redirect(report)
    messages.success(request, _("Report deleted."))
    return redirect(reverse("report-list"))


def report_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MissionReport.objects.select_related("country"), pk=pk)
    require(request, "programs.read_report", report)
    reviewers = report.history.exclude(reviewer=None).values_list("reviewer", flat=True).distinct()
    people = {user.pk: str(user) for user in User.objects.filter(pk__in=list(reviewers))}
    changes = history_changes(report, names={"reviewer": people}, hidden=("version", "updated_at"))
    return render(request, "programs/missionreport_history.html", {"report": report, "changes": changes})
