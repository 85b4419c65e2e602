"""Registering webhook endpoints and delivering signed publication notices to them.

A notice is signed with HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, so the receiver can
check that HIPOC sent it and that it is fresh (see the README for how to verify it).
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from hipoc.queue import enqueue_on_commit
from priorities.models import RankingRun

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .targets import InvalidIPAddress, scheme_allowed, webhook_session

SIGNATURE_HEADER = "X-Hipoc-Signature"
TIMESTAMP_HEADER = "X-Hipoc-Timestamp"
EVENT_HEADER = "X-Hipoc-Event"
DELIVERY_HEADER = "X-Hipoc-Delivery"
# Answers worth trying again: the endpoint is down, overloaded or asks us to slow down.
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# A pending notice whose next attempt is this late is queued again.
REQUEUE_AFTER_MINUTES = 10

DELIVER_TASK = "notifications.deliver_webhook"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@transaction.atomic
def webhook_endpoint_register(
    *, partner: User, url: str, description: str = "", by: User | None = None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(partner=partner, url=url, description=description, created_by=by)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def publication_notice(run: RankingRun) -> dict:
    return {
        "event": WebhookEvent.RANKING_PUBLISHED,
        "run": {
            "id": run.pk,
            "profile": run.profile_slug,
            "method": run.method,
            "inputs_digest": run.inputs_digest,
            "published_at": run.published_at.isoformat() if run.published_at else None,
            "url": settings.HIPOC_BASE_URL.rstrip("/") + reverse("api:ranking-detail", args=[run.pk]),
        },
    }


@transaction.atomic
def publication_notify(*, run_id: int) -> list[int]:
    """Record one delivery per active endpoint for a published run and queue them once this commits.

    Safe to call twice for the same run: an endpoint already notified of it is not notified again.
    """
    run = RankingRun.objects.get(pk=run_id)
    notice = publication_notice(run)
    queued = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, run=run, event=WebhookEvent.RANKING_PUBLISHED, defaults={"payload": notice}
        )
        if created:
            queued.append(delivery.pk)
            # Left pending when the broker is down; the periodic sweep queues it again.
            enqueue_on_commit(DELIVER_TASK, delivery.pk)
    return queued


@dataclass(frozen=True)
class AttemptOutcome:
    delivered: bool
    retryable: bool
    detail: str
    attempts: int


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptOutcome:
    """POST the notice once and log the attempt. Sends nothing for a delivery that has already ended."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return AttemptOutcome(
            delivered=delivery.status == DeliveryStatus.DELIVERED,
            retryable=False,
            detail="ended",
            attempts=delivery.attempt_count,
        )
    body = json.dumps({**delivery.payload, "delivery": delivery.pk}, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HIPOC-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret=delivery.endpoint.secret, timestamp=timestamp, body=body),
    }
    started = time.perf_counter()
    status_code = None
    error = ""
    refused = False
    try:
        # The address is checked again here and the connection made to the address checked; redirects are not
        # followed: a notice goes only where staff registered it.
        if not scheme_allowed(delivery.endpoint.url):
            # Registered while http was allowed (a development setting): not sent in the clear now.
            raise InvalidIPAddress(delivery.endpoint.url)
        with webhook_session() as session:
            answer = session.post(delivery.endpoint.url, data=body, headers=headers)
        status_code = answer.status_code
    except InvalidIPAddress:
        # Not worth trying again: the address will not become public by waiting.
        refused = True
        error = "refused: not a public https address"
    except requests.RequestException as failure:
        # The kind of failure only: how a connection failed (reset, refused, timed out at which stage) would let
        # the log probe what listens where.
        error = type(failure).__name__
    duration_ms = int((time.perf_counter() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    retryable = not delivered and not refused and (status_code is None or status_code in RETRYABLE_STATUS)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempt_count += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
        delivery.next_attempt_at = None
        if delivered:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
        elif not retryable:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempt_count", "next_attempt_at", "status", "delivered_at"])
    return AttemptOutcome(
        delivered=delivered,
        retryable=retryable,
        detail=error or f"HTTP {status_code}",
        attempts=delivery.attempt_count,
    )


def webhook_delivery_schedule_retry(*, delivery_id: int, countdown: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now() + timedelta(seconds=countdown)
    )


def webhook_delivery_give_up(*, delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )


def retry_countdown(attempts_so_far: int) -> int:
    """Exponential backoff after each failed attempt: base, 2×base, 4×base, … capped at an hour."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts_so_far - 1, 0), 3600)


def webhook_deliveries_requeue() -> int:
    """Queue again the pending notices whose next attempt is overdue (their task was lost with the broker or a
    worker). The delivery log counts the attempts, so no notice gets more than its share."""
    overdue = timezone.now() - timedelta(minutes=REQUEUE_AFTER_MINUTES)
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=overdue).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=overdue)
    )
    ids = list(pending.values_list("pk", flat=True))
    for delivery_id in ids:
        enqueue_on_commit(DELIVER_TASK, delivery_id)
    return len(ids)
