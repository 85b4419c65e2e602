"""Pages for cooperation programs: the filtered list, a program with its activities, and staff's edits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hipoc.forms import add_service_errors
from hipoc.http import AuthenticatedRequest
from hipoc.pagination import paginate_table
from hipoc.permissions import require

from ..filtersets import CooperationProgramFilterSet
from ..forms import CooperationProgramForm
from ..models import CooperationActivity, CooperationProgram
from ..selectors import programs_with_relations
from ..services import program_create, program_update
from ..tables import CooperationProgramTable


def program_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "programs.browse_programs")
    filterset = CooperationProgramFilterSet(request.GET, queryset=programs_with_relations())
    table = CooperationProgramTable(filterset.qs.distinct())
    errors = paginate_table(request, table)
    context = {"filter": filterset, "table": table, "page_size_errors": errors}
    return render(request, "programs/cooperationprogram_list.html", context, status=400 if errors else 200)


def program_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request, "programs.browse_programs")
    activities = CooperationActivity.objects.select_related("country", "area").order_by("start_date", "id")
    program = get_object_or_404(
        programs_with_relations().prefetch_related(Prefetch("activities", queryset=activities)), pk=pk
    )
    return render(request, "programs/cooperationprogram_detail.html", {"program": program})


def _save(request: AuthenticatedRequest, form: CooperationProgramForm, program: CooperationProgram | None):
    try:
        if program is None:
            return program_create(fields=form.program_fields())
        return program_update(program=program, fields=form.program_fields())
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def program_form(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """Staff record a new program or change one."""
    require(request, "programs.manage_programs")
    program = get_object_or_404(CooperationProgram, pk=pk) if pk else None
    form = CooperationProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, program)):
        messages.success(request, _("Program saved."))
        return redirect("program-detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/cooperationprogram_form.html", {"form": form, "program": program}, status=status)
