"""Plans are computed by the workers: a large plan's solve takes longer than a page should wait."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError

from .models import Plan, PlanStatus
from .services import plan_compute, plan_fail


@shared_task(name="plans.compute_plan", soft_time_limit=15 * 60, time_limit=16 * 60)
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
