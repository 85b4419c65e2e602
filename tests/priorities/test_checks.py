"""Settings that must agree are checked at start-up, and the abandoned-run cleanup waits as long as a run may take."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from priorities.models import RankingRun
from priorities.services import ranking_runs_fail_abandoned, ranking_time_limit
from tests.factories import RankingRunFactory


def test_the_default_time_limits_agree():
    call_command("check", "--fail-level", "ERROR")


def test_a_ranking_limit_with_no_room_under_the_task_limit_stops_start_up(settings):
    settings.RANKING_SOFT_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
    with pytest.raises(SystemCheckError, match=r"priorities\.E001.*RANKING_SOFT_TIME_LIMIT"):
        call_command("check")
    with pytest.raises(SystemCheckError, match=r"priorities\.E001"):
        call_command("check", "--deploy")


def test_a_visibility_timeout_shorter_than_a_run_stops_start_up(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": ranking_time_limit() - 1}
    with pytest.raises(SystemCheckError, match=r"priorities\.E002"):
        call_command("check")


@pytest.mark.django_db
def test_a_run_within_its_own_time_limit_is_not_given_up(settings):
    """Regression: the cleanup measured against CELERY_TASK_TIME_LIMIT, so raising RANKING_SOFT_TIME_LIMIT above it
    marked a run still computing abandoned and threw its results away."""
    settings.RANKING_SOFT_TIME_LIMIT = 3000
    settings.CELERY_TASK_TIME_LIMIT = 3100
    started = timezone.now() - timedelta(seconds=2000)
    computing = RankingRunFactory(status="running", started_at=started)
    RankingRun.objects.filter(pk=computing.pk).update(created_at=started)
    assert ranking_runs_fail_abandoned() == 0
    assert RankingRun.objects.get(pk=computing.pk).status == "running"
    RankingRun.objects.filter(pk=computing.pk).update(
        created_at=timezone.now() - timedelta(seconds=4000), started_at=timezone.now() - timedelta(seconds=4000)
    )
    assert ranking_runs_fail_abandoned() == 1
