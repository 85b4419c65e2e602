"""Fixtures shared by the priorities tests."""

import pytest
from django.test import TestCase

from priorities.models import RankingRun
from priorities.services import default_profile, ranking_run_request
from tests.priorities.test_ranking_runs import AS_OF, seed


@pytest.fixture
def checked_run(db, settings) -> RankingRun:
    """A published run of the default profile on 30 countries, with its robustness checks (the Sobol analysis on
    64 base samples, enough to show which inputs matter)."""
    settings.RANKING_ROBUSTNESS = True
    seed(countries=30, reports=150, needs=100, programs=60)
    profile = default_profile()
    profile.settings["sensitivity_samples"] = 64
    profile.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(profile=profile, as_of=AS_OF, samples=50, publish=True)
    return RankingRun.objects.get(pk=run.pk)
