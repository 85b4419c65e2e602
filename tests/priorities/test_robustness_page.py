"""The Robustness page of a run, as staff and partners read it."""

import pytest
from django.test import TestCase

from priorities.services import default_profile, ranking_run_request
from tests.factories import UserFactory
from tests.priorities.test_ranking_runs import AS_OF, seed


@pytest.mark.django_db
def test_staff_read_each_check_with_how_to_read_it(client, checked_run):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{checked_run.pk}/robustness/").content.decode()
    for heading in ("Leave one out", "Weight stability", "Rank reversal", "Criteria diagnostics"):
        assert heading in page
    assert "A large mean shift means the ranking leans on that group" in page
    assert "Policy alignment (all sources)" in page and "Need assessed on mission" in page
    assert page.count("<rect") > 7 * 3  # three shapes per stability bar, and the heatmap's cells
    assert "Kendall" in page and "Cronbach" in page
    listed = client.get("/rankings/").content.decode()
    assert f'href="/rankings/{checked_run.pk}/robustness/"' in listed


@pytest.mark.django_db
def test_a_run_without_checks_says_so(client, db):
    seed(countries=6, reports=20, needs=10, programs=5)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10)
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{run.pk}/robustness/").content.decode()
    assert "This run has no robustness checks" in page


@pytest.mark.django_db
def test_partners_see_only_a_published_runs_robustness(client, checked_run):
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft = ranking_run_request(profile=default_profile(), as_of=AS_OF, samples=10, seed=4)
    client.force_login(UserFactory(role="partner-system"))
    assert client.get(f"/rankings/{checked_run.pk}/robustness/").status_code == 200
    assert client.get(f"/rankings/{draft.pk}/robustness/").status_code == 404


@pytest.mark.django_db
def test_the_page_in_japanese(client, checked_run):
    client.force_login(UserFactory(role="jpo-staff"))
    page = client.get(f"/rankings/{checked_run.pk}/robustness/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Leave one out" not in page and "頑健性" in page
