"""Plans are computed by the workers: a large plan's solve takes longer than a page should wait."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError

from .models import Plan, PlanStatus
from .services import (
    PLAN_SOFT_TIME_LIMIT_SECONDS,
    PLAN_TIME_LIMIT_SECONDS,
    plan_compute,
    plan_fail,
    plans_fail_abandoned,
)


@shared_task(
    name="plans.compute_plan", soft_time_limit=PLAN_SOFT_TIME_LIMIT_SECONDS, time_limit=PLAN_TIME_LIMIT_SECONDS
)
def compute_plan(plan_id: int) -> dict[str, object]:
    """Compute one queued plan. A plan no longer queued (computed meanwhile, or edited back to a draft) is left."""
    if not Plan.objects.filter(pk=plan_id, status=PlanStatus.QUEUED).exists():
        return {"plan": plan_id, "status": "skipped"}
    try:
        plan = plan_compute(plan=Plan(pk=plan_id))
    except ValidationError as refused:
        plan_fail(plan_id=plan_id, error=" ".join(refused.messages))
        return {"plan": plan_id, "status": PlanStatus.FAILED}
    except SoftTimeLimitExceeded:
        plan_fail(plan_id=plan_id, error="The computation ran past its time limit.")
        raise
    except Exception as error:
        plan_fail(plan_id=plan_id, error=f"{type(error).__name__}: {error}")
        raise
    return {"plan": plan.pk, "status": plan.status, "value": plan.outcome.get("value")}


@shared_task(name="plans.fail_abandoned_plans")
def fail_abandoned_plans() -> int:
    return plans_fail_abandoned()
