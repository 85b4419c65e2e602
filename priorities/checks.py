"""System checks for settings that must agree with each other (run at start-up and by `check --deploy`)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from .services.runs import FAILURE_GRACE_SECONDS, ranking_time_limit


@register()
def ranking_time_limits_agree(app_configs, **kwargs) -> list[CheckMessage]:
    """A ranking run must be stopped by its own limit, with time to record the failure, before Celery's task limit
    kills it and before Redis hands the unacknowledged task to another worker."""
    errors: list[CheckMessage] = []
    hard_limit = ranking_time_limit()
    if hard_limit > settings.CELERY_TASK_TIME_LIMIT:
        errors.append(
            Error(
                f"RANKING_SOFT_TIME_LIMIT ({settings.RANKING_SOFT_TIME_LIMIT} s) leaves no room under "
                f"CELERY_TASK_TIME_LIMIT ({settings.CELERY_TASK_TIME_LIMIT} s): a run needs "
                f"{hard_limit} s including the time to record that it failed.",
                hint=f"Lower RANKING_SOFT_TIME_LIMIT to at most "
                f"{settings.CELERY_TASK_TIME_LIMIT - FAILURE_GRACE_SECONDS} or raise CELERY_TASK_TIME_LIMIT.",
                id="priorities.E001",
            )
        )
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if visibility is not None and visibility <= hard_limit:
        errors.append(
            Error(
                f"CELERY_VISIBILITY_TIMEOUT ({visibility} s) is not longer than a ranking run may take "
                f"({hard_limit} s): the broker would hand a run still computing to a second worker.",
                hint="Raise CELERY_VISIBILITY_TIMEOUT above the ranking time limit.",
                id="priorities.E002",
            )
        )
    return errors
