"""`make backup` / `make restore`: a round trip gives back every row and the very same published ranking."""

import hashlib

import pytest
from django.apps import apps
from django.core.cache import cache

from hipoc.backup import BackupError, backup_restore, main
from priorities.models import RankingResult, RankingRun
from priorities.services import ranking_run_publish, reference_data_load
from programs.models import MissionReport, StakeholderNeed
from tests.priorities.test_api import computed_run, seed


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def published_ranking_digest() -> str:
    rows = (
        RankingResult.objects.filter(run__is_published=True)
        .order_by("run", "country")
        .values_list("run_id", "country_id", "rank", "score", "rank_p05", "rank_p95", "contributions")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_every_row_and_the_same_published_ranking(tmp_path, capsys):
    reference_data_load()  # a transactional test before this one may have flushed it
    seed(reports=40, needs=20, countries=8)
    run = computed_run(publish=False)
    assert run.status == "succeeded", run.error
    ranking_run_publish(run=run)
    before = (row_counts(), published_ranking_digest())
    backup = tmp_path / "hipoc.backup"
    assert main(["create", str(backup)]) == 0
    assert capsys.readouterr().out.strip() == str(backup)

    StakeholderNeed.objects.all().delete()
    MissionReport.objects.all().delete()
    RankingRun.objects.update(is_published=False)
    assert (row_counts(), published_ranking_digest()) != before
    cache.set("hipoc:published-run:baseline", "describes the data being replaced")

    assert main(["restore", str(backup)]) == 0
    assert (row_counts(), published_ranking_digest()) == before
    assert cache.get("hipoc:published-run:baseline") is None


@pytest.mark.django_db
def test_restoring_a_missing_or_broken_file_is_refused(tmp_path):
    with pytest.raises(BackupError, match="No backup file"):
        backup_restore(tmp_path / "nothing.dump")
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"not a backup at all")
    assert main(["restore", str(broken)]) == 1
