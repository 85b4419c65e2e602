"""Pages for stakeholder needs: the filtered list, recording and editing, statuses, import and export."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipoc.forms import add_service_errors
from hipoc.http import AuthenticatedRequest
from hipoc.pagination import paginate_table
from hipoc.permissions import require

from ..filtersets import StakeholderNeedFilterSet
from ..forms import NeedImportForm, NeedStatusForm, StakeholderNeedForm
from ..models import NeedStatus, StakeholderNeed
from ..resources import StakeholderNeedResource
from ..selectors import history_changes, needs_visible_to
from ..services import need_change_status, need_create, need_update, needs_import
from ..services.needs import TRANSITIONS
from ..tables import StakeholderNeedTable
from .imports import spreadsheet_import_page

IMPORT_SESSION_KEY = "needs-import"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def need_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.list_needs")
    filterset = StakeholderNeedFilterSet(request.GET, queryset=needs_visible_to(request.user))
    table = StakeholderNeedTable(filterset.qs)
    errors = paginate_table(request, table)
    context = {"filter": filterset, "table": table, "page_size_errors": errors}
    return render(request, "programs/stakeholderneed_list.html", context, status=400 if errors else 200)


def need_create_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.record_need")
    form = StakeholderNeedForm(request.POST or None, initial={"raised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            need = need_create(by=request.user, record=form.record())
            messages.success(request, _("Need recorded."))
            return redirect(need)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/stakeholderneed_form.html", {"form": form, "need": None}, status=status)


def need_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(StakeholderNeed.objects.select_related("report"), pk=pk)
    require(request, "programs.edit_need", need)
    form = StakeholderNeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_update(need=need, by=request.user, changes=form.record().__dict__)
            messages.success(request, _("Need updated."))
            return redirect(need)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/stakeholderneed_form.html", {"form": form, "need": need}, status=status)


def need_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(
        StakeholderNeed.objects.select_related("country", "area", "stakeholder_group", "report__author", "created_by"),
        pk=pk,
    )
    require(request, "programs.read_need", need)
    allowed = TRANSITIONS[NeedStatus(need.status)]
    form = NeedStatusForm()
    status = form.fields["status"]
    assert isinstance(status, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    status.choices = [(value, label) for value, label in NeedStatus.choices if value in allowed]
    return render(request, "programs/stakeholderneed_detail.html", {"need": need, "status_form": form})


@require_POST
def need_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(StakeholderNeed.objects.select_related("report"), pk=pk)
    require(request, "programs.edit_need", need)
    form = NeedStatusForm(request.POST)
    if form.is_valid():
        try:
            need_change_status(need=need, by=request.user, status=form.cleaned_data["status"])
            messages.success(request, _("Status changed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a status."))
    return redirect(need)


def need_history(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(StakeholderNeed.objects.select_related("report", "country", "area"), pk=pk)
    require(request, "programs.read_need", need)
    changes = history_changes(need, hidden=("updated_at",))
    return render(request, "programs/stakeholderneed_history.html", {"need": need, "changes": changes})


def needs_export(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.list_needs")
    kind = request.GET.get("format", "csv")
    if kind not in EXPORT_TYPES:
        return HttpResponse(_("Choose csv or xlsx."), status=400, content_type="text/plain")
    filterset = StakeholderNeedFilterSet(request.GET, queryset=needs_visible_to(request.user))
    dataset = StakeholderNeedResource().export(queryset=filterset.qs)
    body = dataset.export(kind)
    response = HttpResponse(body if isinstance(body, bytes) else body.encode("utf-8"), content_type=EXPORT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="stakeholder-needs.{kind}"'
    return response


def needs_import_view(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview with every row's errors → import all rows, or none."""
    require(request, "programs.import_needs")
    return spreadsheet_import_page(
        request,
        form_class=NeedImportForm,
        run=lambda dataset, commit: needs_import(by=request.user, dataset=dataset, commit=commit),
        session_key=IMPORT_SESSION_KEY,
        page="needs-import",
        template="programs/stakeholderneed_import.html",
        done=lambda outcome: (
            _("%(count)d needs imported.") % {"count": outcome.totals.get("new", 0)},
            "need-list",
        ),
    )
