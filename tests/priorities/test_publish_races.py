"""Two staff members publishing two runs of one profile at the same moment: one wins, the other is told so (409),
and the profile keeps exactly one published run — never a 500 (PostgreSQL, one connection per request)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from priorities.models import RankingRun
from priorities.services import PublishedMeanwhileError, ranking_run_publish
from tests.factories import UserFactory
from tests.priorities.test_api import computed_run, seed

ROUNDS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_end_in_one_published_run_and_a_clear_answer(postgres_only):
    from priorities.services import reference_data_load

    reference_data_load()
    seed(reports=20, needs=10, countries=5)
    runs = [computed_run(publish=False, seed_value=value) for value in (1, 2, 3)]
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory(role="jpo-staff"))
        clients.append(client)

    def publish(client: Client, run: RankingRun, barrier: threading.Barrier, answers: list) -> None:
        try:
            barrier.wait()
            answers.append(client.post(f"/rankings/{run.pk}/publish/").status_code)
        finally:
            connection.close()

    statuses = []
    for round_number in range(ROUNDS):
        # Two runs that are not the published one race to replace it.
        published = RankingRun.objects.filter(is_published=True).first()
        contenders = [run for run in runs if published is None or run.pk != published.pk][:2]
        barrier = threading.Barrier(2)
        answers: list[int] = []
        threads = [
            threading.Thread(target=publish, args=(client, run, barrier, answers))
            for client, run in zip(clients, contenders, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses.extend(answers)
        assert sorted(answers) in ([302, 302], [302, 409]), (round_number, answers)
        assert RankingRun.objects.filter(profile_slug=runs[0].profile_slug, is_published=True).count() == 1
    assert all(status < 500 for status in statuses)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_that_finds_another_published_meanwhile_is_refused(postgres_only):
    """The refusal itself, made certain: the first publish holds the profile's slot until the second is waiting
    for it, then commits."""
    from django.db import transaction

    from priorities.models import WeightProfile
    from priorities.services import reference_data_load

    reference_data_load()
    seed(reports=20, needs=10, countries=5)
    first, second = (computed_run(publish=False, seed_value=value) for value in (1, 2))
    holding = threading.Event()
    outcome: dict[str, object] = {}

    def publish_first() -> None:
        try:
            with transaction.atomic():
                ranking_run_publish(run=first)
                holding.set()
                # Hold the lock until the second publish is blocked on it.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(1)")
        finally:
            connection.close()

    def publish_second() -> None:
        try:
            holding.wait()
            ranking_run_publish(run=second)
            outcome["second"] = "published"
        except PublishedMeanwhileError as error:
            outcome["second"] = str(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_first), threading.Thread(target=publish_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert f"Run {first.pk} of this profile was published a moment ago" in str(outcome["second"])
    assert list(RankingRun.objects.filter(is_published=True).values_list("pk", flat=True)) == [first.pk]
    assert WeightProfile.objects.filter(slug=first.profile_slug).exists()
