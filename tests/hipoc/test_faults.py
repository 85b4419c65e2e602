"""Faults: the broker down while people work, runs no worker finished, a dropped database connection."""

import io
from datetime import timedelta

import psycopg2
import pytest
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from hipoc.celery import app
from priorities.models import RankingRun
from priorities.services import RECOMPUTE_LOCK, default_profile, ranking_runs_fail_abandoned
from priorities.tasks import fail_abandoned_runs
from programs.models import MissionReport, StakeholderNeed
from programs.services import mission_report_submit
from tests.factories import (
    AreaAssessmentFactory,
    MissionReportFactory,
    RankingRunFactory,
    UserFactory,
)
from tests.priorities.test_api import computed_run, seed
from tests.programs.test_needs import need_form

UNREACHABLE_BROKER = "amqp://guest:guest@127.0.0.1:9//"  # nothing listens on port 9


@pytest.fixture
def broker_down(settings):
    """Tasks go to a broker that cannot be reached, as in production with the broker down."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = UNREACHABLE_BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_producers()
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    forget_producers()


def forget_producers() -> None:
    """Celery keeps its connection and producer pools for the broker it first used; start them afresh."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_approving_a_report_with_the_broker_down_saves_it_and_flags_the_ranking_stale(client, broker_down):
    seed(reports=20, needs=10, countries=5)
    published = RankingRun.objects.filter(is_published=True).first() or None
    report = MissionReportFactory()
    AreaAssessmentFactory(report=report)
    mission_report_submit(report=report, by=report.author)
    staff = UserFactory(role="jpo-staff")
    client.force_login(staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/reports/{report.pk}/review/", {"decision": "approve"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == MissionReport.Status.REVIEWED
    # The recompute could not be queued: the window is open again for the next change to try.
    assert cache.get(RECOMPUTE_LOCK) is None
    assert published is None or client.get("/").context["stale"]


@pytest.mark.django_db
def test_recording_a_need_with_the_broker_down_saves_it(client, broker_down):
    expert = UserFactory(role="expert")
    client.force_login(expert)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/needs/new/", need_form())
    assert response.status_code == 302
    assert StakeholderNeed.objects.filter(created_by=expert).count() == 1


@pytest.mark.django_db
def test_a_recompute_asked_for_with_the_broker_down_says_it_failed(client, broker_down):
    client.force_login(UserFactory(role="jpo-staff"))
    default_profile()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/rankings/recompute/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    run = RankingRun.objects.get()
    assert run.status == "failed"
    assert "task queue could not be reached" in run.error
    assert "failed" in client.get(f"/rankings/{run.pk}/progress/").content.decode()


@pytest.mark.django_db
def test_runs_no_worker_finished_are_given_up_and_the_published_one_stays(settings):
    seed(reports=20, needs=10, countries=5)
    published = computed_run(publish=True)
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 3600)
    stuck = RankingRunFactory(status="running", started_at=long_ago)
    never_started = RankingRunFactory(status="queued")
    recent = RankingRunFactory(status="running", started_at=timezone.now())
    RankingRun.objects.filter(pk__in=[stuck.pk, never_started.pk]).update(created_at=long_ago)
    assert fail_abandoned_runs.delay().get() == 2
    statuses = dict(RankingRun.objects.values_list("pk", "status"))
    assert (statuses[stuck.pk], statuses[never_started.pk], statuses[recent.pk]) == ("failed", "failed", "running")
    assert RankingRun.objects.get(is_published=True).pk == published.pk
    assert ranking_runs_fail_abandoned() == 0


def wsgi_get(path: str) -> int:
    """A request through Django's WSGI handler, with its connection housekeeping (the test client skips it)."""
    statuses = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    body = get_wsgi_application()(environ, lambda status, headers: statuses.append(int(status.split()[0])))
    b"".join(body)
    body.close()
    return statuses[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("health_checks", "expected"), [(True, 200), (False, 503)])
def test_after_the_database_drops_the_connection_the_next_request_recovers(postgres_only, health_checks, expected):
    settings_dict = connection.settings_dict
    saved = (settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"])
    settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"] = 60, health_checks
    connection.close()
    try:
        assert wsgi_get("/healthz") == 200
        backend = connection.connection.get_backend_pid()  # the persistent connection the request left open
        admin = psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
            password=settings_dict["PASSWORD"] or None,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        admin.close()
        # With health checks Django notices the dead connection and opens a new one; without, the database is
        # reported unavailable until the connection is recycled.
        assert wsgi_get("/healthz") == expected
    finally:
        settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"] = saved
        connection.close()


@pytest.mark.django_db
def test_submitting_a_report_with_the_broker_down_saves_it(client, broker_down):
    report = MissionReportFactory()
    AreaAssessmentFactory(report=report)
    client.force_login(report.author)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/reports/{report.pk}/submit/")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == MissionReport.Status.SUBMITTED
    assert client.get(f"/reports/{report.pk}/").status_code == 200
