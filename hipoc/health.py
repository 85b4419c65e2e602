"""`/healthz`: whether the database, the cache and the Celery broker answer, for load balancers and monitors.

Open without login (a load balancer has none) and saying nothing beyond "ok" or "unavailable" per part.
"""

import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app

BROKER_TIMEOUT_SECONDS = 2


def database_state() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def cache_state() -> str:
    key = f"hipoc:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    answered = cache.get(key) == "1"
    cache.delete(key)
    return "ok" if answered else "unavailable"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"  # no broker configured: tasks run in the web process
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    return "ok"


CHECKS = {"database": database_state, "cache": cache_state, "broker": broker_state}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {}
    started = time.perf_counter()
    for name, check in CHECKS.items():
        try:
            parts[name] = check()
        except Exception:
            parts[name] = "unavailable"
    healthy = all(state != "unavailable" for state in parts.values())
    body = {"status": "ok" if healthy else "unavailable", **parts, "seconds": round(time.perf_counter() - started, 3)}
    return JsonResponse(body, status=200 if healthy else 503)
