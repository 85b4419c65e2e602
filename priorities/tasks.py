"""Celery tasks of the prioritisation app. Thin: each calls one service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from .models import RunTrigger
from .scoring import ScoringError
from .services import (
    default_profile,
    ranking_run_execute,
    ranking_run_fail,
    ranking_run_request,
    ranking_runs_fail_abandoned,
    ranking_time_limit,
    reference_data_load,
    reopen_recompute_window,
)


@shared_task(name="priorities.reference_data_refresh", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def reference_data_refresh() -> dict[str, int]:
    """Reload the shipped reference data (after an upgrade brings new classifications)."""
    return reference_data_load()


@shared_task(
    bind=True,
    name="priorities.compute_ranking",
    max_retries=3,
    soft_time_limit=settings.RANKING_SOFT_TIME_LIMIT,
    time_limit=ranking_time_limit(),
)
def compute_ranking(self, run_id: int) -> dict[str, object]:
    """Compute one queued run. Idempotent: a run already finished is left as it is."""
    try:
        run = ranking_run_execute(run_id=run_id)
    except ScoringError:
        return {"run": run_id, "status": "failed"}
    except SoftTimeLimitExceeded:
        ranking_run_fail(run_id=run_id, error="The computation ran past its time limit.")
        raise
    except DatabaseError as error:
        # A passing database fault: try again later with exponential backoff, then give up and say so.
        if self.request.retries >= self.max_retries:
            ranking_run_fail(run_id=run_id, error=f"Database error: {error}")
            raise
        raise self.retry(exc=error, countdown=min(2 ** (self.request.retries + 2), 300)) from error
    except Exception as error:
        ranking_run_fail(run_id=run_id, error=f"{type(error).__name__}: {error}")
        raise
    return {"run": run.pk, "status": run.status, "digest": run.inputs_digest}


def _request_default(trigger: str) -> int:
    """An automatic run of the default profile: published at once if the profile says so, else it waits for staff."""
    profile = default_profile()
    run = ranking_run_request(profile=profile, trigger=trigger, publish=profile.config.auto_publish)
    return run.pk


@shared_task(name="priorities.recompute_default_ranking")
def recompute_default_ranking(reopen_window: bool = True) -> int:
    """Recompute the default profile after evidence changed; reopens the debounce window when asked to."""
    if reopen_window:
        reopen_recompute_window()
    return _request_default(RunTrigger.DATA_CHANGE)


@shared_task(name="priorities.nightly_ranking")
def nightly_ranking() -> int:
    return _request_default(RunTrigger.SCHEDULE)


@shared_task(name="priorities.fail_abandoned_runs")
def fail_abandoned_runs() -> int:
    return ranking_runs_fail_abandoned()
