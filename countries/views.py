"""Pages for context indicators: the list, one indicator across countries, and importing new series."""

import math
import secrets
import zlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from .forms import IndicatorImportForm
from .indicator_files import read_indicator_file
from .models import Indicator, IndicatorImport
from .selectors import STALE_AFTER_YEARS, histogram, indicators_overview, latest_values
from .services import indicators_import

# The files a preview checked wait in the cache (compressed) until the same user confirms them, at most an hour.
PENDING_KEY = "indicator-import:{user}:{token}"
PENDING_SECONDS = 3600
# Imports listed under the form, newest first.
RECENT_IMPORTS = 10


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
    recent = IndicatorImport.objects.select_related("imported_by")[:RECENT_IMPORTS]
    context = {"form": form, "outcome": outcome, "token": token, "recent": recent}
    return render(request, "countries/indicator_import.html", context, status=status)


def indicator_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "countries/indicator_list.html", {"indicators": indicators_overview()})


def _rounded(value: float, step: float | None = None) -> str:
    """Three significant figures, written out with thousands separators rather than in e-notation; on a linear
    scale, to the precision of the bins' width (`step`), so that edges read alike (−0.39, 0.00, 0.38)."""
    if step:
        decimals = max(0, 1 - math.floor(math.log10(step)))
        return f"{value:,.{decimals}f}"
    if value == 0 or abs(value) < 1000:
        return f"{value:.3g}"
    return f"{round(value, 2 - math.floor(math.log10(abs(value)))):,.0f}"


def _bin_label(low: float, high: float, logarithmic: bool) -> str:
    step = None if logarithmic else high - low
    return f"{_rounded(low, step)} – {_rounded(high, step)}"


def indicator_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """One indicator across countries: each country's latest value, ranked, and how the values are spread."""
    indicator = get_object_or_404(Indicator.objects.select_related("last_import"), code=code)
    rows = latest_values(indicator)
    spread = histogram(row.value for row in rows)
    chart = None
    if spread is not None:
        edges = spread.edges
        chart = {
            "labels": [_bin_label(edges[i], edges[i + 1], spread.logarithmic) for i in range(len(spread.counts))],
            "counts": spread.counts,
        }
    context = {
        "indicator": indicator,
        "rows": rows,
        "histogram": spread,
        "chart": chart,
        "stale_after": STALE_AFTER_YEARS,
        "stale_count": sum(row.stale for row in rows),
    }
    return render(request, "countries/indicator_detail.html", context)
