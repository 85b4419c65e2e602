"""Tasks run on a real worker through a real broker: `celery -A hipoc worker` in another process."""

import os
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from celery import Celery
from django.core.management import call_command
from django.db import connection

from countries.models import Country
from hipoc.celery import app, ping
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.tasks import deliver_webhook
from plans.models import FundingPool, Plan
from plans.tasks import compute_plan
from priorities.models import AreaResult, RankingResult, RankingRun
from priorities.services import default_profile, ranking_run_request, reference_data_load
from priorities.tasks import compute_ranking, reference_data_refresh
from programs.models import ActivityKind
from tests.conftest import skip_or_fail
from tests.factories import RankingRunFactory, UserFactory
from tests.notifications.receiver import webhook_receiver
from tests.priorities.test_api import computed_run

BROKER_URL = os.environ.get("HIPOC_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
# Redis keeps results itself; with RabbitMQ results travel back over the broker (rpc).
RESULT_BACKEND = BROKER_URL if BROKER_URL.startswith("redis") else "rpc://"
ROOT = Path(__file__).resolve().parents[2]


def broker_reachable() -> bool:
    try:
        with app.connection_for_write(BROKER_URL) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


def database_url_of_test_database() -> str:
    """Where the worker finds the database this test writes to."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def start_worker(queue: str) -> subprocess.Popen:
    """`celery -A hipoc worker` in another process, on the test database, consuming one queue."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hipoc.settings.test",
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": RESULT_BACKEND,
        "DATABASE_URL": database_url_of_test_database(),
        # Webhook retries a second apart, so that a retry through the broker is seen within the test.
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
        # Redis hands an unacknowledged task to another worker after this long (a worker that died).
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hipoc",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environment,
    )


@pytest.fixture
def broker_queue(transactional_db, django_db_serialized_rollback):
    """A fresh queue on the real broker, and a client that sends tasks to it."""
    if not broker_reachable():
        skip_or_fail(f"needs a Celery broker at {BROKER_URL} (set HIPOC_TEST_BROKER_URL)")
    queue = f"hipoc-test-{uuid.uuid4().hex[:8]}"
    # A client of its own: the project's app runs tasks in-process in the test settings.
    # Not the current app: shared tasks queued by later tests must still reach the project's (eager) app.
    client = Celery("hipoc-test-client", broker=BROKER_URL, backend=RESULT_BACKEND, set_as_current=False)
    client.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json")
    try:
        yield queue, client
    finally:
        client.close()


@pytest.fixture
def worker(broker_queue):
    process = start_worker(broker_queue[0])
    try:
        yield broker_queue
    finally:
        process.terminate()
        process.wait(timeout=30)


def result_of(task, worker, timeout: int):
    queue, client = worker
    return client.send_task(task.name, queue=queue).get(timeout=timeout)


def test_every_scheduled_task_is_one_the_workers_know(settings):
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "plans.fail_abandoned_plans" in scheduled
    assert scheduled <= set(app.tasks)


def test_worker_answers_a_ping(worker):
    assert result_of(ping, worker, timeout=60) == "pong"


def test_reference_data_refresh_runs_on_the_worker(worker):
    Country.objects.all().delete()
    counts = result_of(reference_data_refresh, worker, timeout=120)
    assert counts["countries"] == 249
    assert counts["policy_sources"] == 7
    assert Country.objects.count() == 249


def test_a_webhook_notice_is_retried_through_the_broker_until_accepted(worker):
    queue, client = worker
    run = RankingRunFactory(status="succeeded")
    endpoint = WebhookEndpoint.objects.create(partner=UserFactory(role="partner-system"), url="http://127.0.0.1:9/")
    with webhook_receiver([503, 200]) as receiver:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, run=run, event="ranking.published", payload={})
        client.send_task(deliver_webhook.name, args=[delivery.pk], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status != "pending":
                break
            time.sleep(0.2)
    assert delivery.status == "delivered"
    assert [attempt.status_code for attempt in delivery.attempts.all()] == [503, 200]
    first, second = delivery.attempts.all()
    assert (second.attempted_at - first.attempted_at).total_seconds() >= 0.9


@pytest.mark.django_db
def test_a_task_queued_in_a_transaction_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ping.delay_on_commit()
    assert len(callbacks) == 1


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_run_whose_worker_is_killed_is_finished_by_another_and_the_published_ranking_stays(broker_queue):
    queue, client = broker_queue
    reference_data_load()  # an earlier transactional test may have flushed it
    call_command(
        "seed_demo",
        "--countries",
        "40",
        "--reports",
        "200",
        "--needs",
        "100",
        "--programs",
        "40",
        "--seed",
        "3",
        "--replace",
        stdout=StringIO(),
    )
    published = computed_run(publish=True)
    before = published_digest()
    # Enough Monte Carlo samples that the computation lasts seconds, long enough to kill the worker inside it.
    # The test process computes a run as soon as it is requested (eager tasks); make it a queued one again.
    run = RankingRun.objects.get(pk=ranking_run_request(profile=default_profile(), samples=6000, seed=5).pk)
    RankingResult.objects.filter(run=run).delete()
    AreaResult.objects.filter(run=run).delete()
    RankingRun.objects.filter(pk=run.pk).update(status="queued", progress=0, inputs_digest="", timings={})
    first = start_worker(queue)
    try:
        client.send_task(compute_ranking.name, args=[run.pk], queue=queue)
        assert wait_for(lambda: RankingRun.objects.filter(pk=run.pk, status="running", progress=40).exists(), 60)
        first.kill()  # SIGKILL in the middle of the computation: no chance to clean up
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert RankingRun.objects.get(pk=run.pk).status == "running"
    assert published_digest() == before
    second = start_worker(queue)
    try:
        assert wait_for(lambda: RankingRun.objects.get(pk=run.pk).status == "succeeded", 120)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert RankingRun.objects.get(is_published=True).pk == published.pk
    assert published_digest() == before


def published_digest() -> str:
    rows = (
        RankingResult.objects.filter(run__is_published=True)
        .order_by("country")
        .values_list("run_id", "country_id", "rank", "score")
    )
    return repr(list(rows))


def test_a_plan_is_computed_on_the_worker_with_its_progress_recorded(worker):
    queue, client = worker
    reference_data_load()  # an earlier transactional test may have flushed it
    call_command(
        "seed_demo",
        *("--countries", "15", "--reports", "80", "--needs", "40", "--programs", "20", "--seed", "3", "--replace"),
        stdout=StringIO(),
    )
    run = computed_run(publish=True)
    plan = Plan.objects.create(name="FY2027", fiscal_year=2027, run=run, total_expert_days=200, status="queued")
    FundingPool.objects.create(plan=plan, code="jpo", name="JPO", limit_jpy=80_000_000, kinds=ActivityKind.values)
    outcome = client.send_task(compute_plan.name, args=[plan.pk], queue=queue).get(timeout=120)
    plan.refresh_from_db()
    assert outcome == {"plan": plan.pk, "status": "succeeded", "value": plan.outcome["value"]}
    assert (plan.status, plan.progress) == ("succeeded", 100)
    assert 0 < sum(plan.actions.filter(chosen=True).values_list("cost_jpy", flat=True)) <= 80_000_000
    # The worker solved it again under the run's samples too.
    assert plan.outcome["robust"]["samples"] == plan.samples > 0
    assert not plan.actions.filter(probability__isnull=True).exists()
    # A plan no longer queued (edited back to a draft meanwhile) is left as it is.
    Plan.objects.filter(pk=plan.pk).update(status="draft")
    assert client.send_task(compute_plan.name, args=[plan.pk], queue=queue).get(timeout=60)["status"] == "skipped"
