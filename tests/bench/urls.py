"""HIPOC's URLs plus the benchmark's baseline (a bare view that returns precomputed JSON) and its ceiling for a
conditional answer (a bare view that answers 304 Not Modified, doing nothing else)."""

import os
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import path

from hipoc.urls import urlpatterns as hipoc_urlpatterns

BASELINE_BODY = Path(os.environ["BENCH_BASELINE_BODY"]).read_bytes()


@login_not_required
def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BASELINE_BODY, content_type="application/json")


@login_not_required
def not_modified(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotModified()


urlpatterns = [path("bench/baseline/", baseline), path("bench/not-modified/", not_modified), *hipoc_urlpatterns]
