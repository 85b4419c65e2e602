"""Celery tasks of the notifications app. Thin: each calls one service."""

from celery import shared_task
from django.conf import settings

from .services import (
    retry_countdown,
    webhook_deliveries_requeue,
    webhook_delivery_attempt,
    webhook_delivery_give_up,
    webhook_delivery_schedule_retry,
)


class DeliveryNotYetAccepted(Exception):
    """The endpoint did not accept the notice this time."""


@shared_task(bind=True, name="notifications.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """Deliver one notice, retrying with exponential backoff until it is accepted or the attempts run out.

    Attempts are counted from the delivery log, so a redelivered task does not get extra tries.
    """
    while True:
        outcome = webhook_delivery_attempt(delivery_id=delivery_id)
        if outcome.delivered:
            return "delivered"
        if not outcome.retryable or outcome.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            webhook_delivery_give_up(delivery_id=delivery_id)
            return "failed"
        countdown = retry_countdown(outcome.attempts)
        webhook_delivery_schedule_retry(delivery_id=delivery_id, countdown=countdown)
        if not self.request.is_eager:
            raise self.retry(exc=DeliveryNotYetAccepted(outcome.detail), countdown=countdown)
        # Without a broker (development) nothing would run a delayed retry: try again at once.


@shared_task(name="notifications.requeue_overdue_deliveries")
def requeue_overdue_deliveries() -> int:
    return webhook_deliveries_requeue()
