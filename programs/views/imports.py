"""The page flow every spreadsheet import shares: upload → preview with every row's errors → import all rows or none,
the very bytes previewed being what a confirmation imports."""

import base64
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hipoc.http import AuthenticatedRequest

from ..forms import NeedImportForm, dataset_from_upload
from ..services import ImportOutcome


def spreadsheet_import_page(
    request: AuthenticatedRequest,
    *,
    form_class: type[NeedImportForm],
    run: Callable[..., ImportOutcome],
    session_key: str,
    page: str,
    template: str,
    done: Callable[[ImportOutcome], tuple[str, str]],
) -> HttpResponse:
    """`run(dataset, commit=…)` checks or imports; `page` is the import page's URL name; `done(outcome)` gives the
    success message and the URL name to go to once imported."""
    form = form_class()
    outcome = None
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.pop(session_key, None)
        if stored is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect(page)
        dataset = dataset_from_upload(stored["kind"], base64.b64decode(stored["content"]))
        try:
            outcome = run(dataset, commit=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(page)
        if outcome.committed:
            message, destination = done(outcome)
            messages.success(request, message)
            return redirect(destination)
        status = 400
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        dataset = None
        if form.is_valid():
            try:
                kind, content = form.upload()
                dataset = dataset_from_upload(kind, content)
            except ValidationError as error:
                form.add_error("file", error)
        if dataset is not None:
            outcome = run(dataset, commit=False)
            if not outcome.has_errors:
                request.session[session_key] = {"kind": kind, "content": base64.b64encode(content).decode("ascii")}
        if not form.is_valid() or (outcome and outcome.has_errors):
            status = 400
    return render(request, template, {"form": form, "outcome": outcome}, status=status)
