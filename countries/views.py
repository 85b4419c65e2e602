"""Pages for context indicators: importing World Bank and other series."""

import secrets
import zlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from .forms import IndicatorImportForm
from .indicator_files import read_indicator_file
from .services import indicators_import

# The files a preview checked wait in the cache (compressed) until the same user confirms them, at most an hour.
PENDING_KEY = "indicator-import:{user}:{token}"
PENDING_SECONDS = 3600


def indicator_import_view(request: AuthenticatedRequest) -> HttpResponse:
    """Upload → preview with every problem by file, line and column → import every file, or none."""
    require(request, "countries.import_indicators")
    form = IndicatorImportForm()
    outcome = None
    token = ""
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        key = PENDING_KEY.format(user=request.user.pk, token=request.POST.get("token", "")[:64])
        stored = cache.get(key)
        if stored is None:
            messages.error(request, _("Upload the files again: the preview has expired."))
            return redirect(reverse("indicator-import"))
        cache.delete(key)
        files = [read_indicator_file(name, zlib.decompress(content)) for name, content in stored]
        outcome = indicators_import(files, by=request.user, commit=True)
        if not outcome.problems:
            messages.success(
                request,
                _("Imported: %(created)d new values, %(updated)d changed.")
                % {"created": outcome.created, "updated": outcome.updated},
            )
            return redirect(reverse("indicator-import"))
        status = 400
    elif request.method == "POST":
        form = IndicatorImportForm(request.POST, request.FILES)
        if form.is_valid():
            uploads = [(upload.name, upload.read()) for upload in form.cleaned_data["indicator_files"]]
            outcome = indicators_import([read_indicator_file(name, content) for name, content in uploads], commit=False)
            if outcome.problems:
                status = 400
            else:
                # The very bytes previewed are imported on confirmation.
                token = secrets.token_urlsafe(16)
                key = PENDING_KEY.format(user=request.user.pk, token=token)
                cache.set(key, [(name, zlib.compress(content)) for name, content in uploads], PENDING_SECONDS)
        else:
            status = 400
    return render(
        request, "countries/indicator_import.html", {"form": form, "outcome": outcome, "token": token}, status=status
    )
