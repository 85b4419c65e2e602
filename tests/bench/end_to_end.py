"""Benchmark: a whole ranking run from the database, on the bench data set (about 200,000 area assessments).

Run with BENCH_DATABASE_URL pointing at a throwaway database (the Makefile does). Prints seconds and
SQL queries per phase; asserts nothing.
"""

import os
import sys
import time
from io import StringIO

SIZE = {
    "countries": int(os.environ.get("BENCH_COUNTRIES", "250")),
    "reports": int(os.environ.get("BENCH_REPORTS", "58000")),
    "needs": int(os.environ.get("BENCH_NEEDS", "100000")),
    "programs": int(os.environ.get("BENCH_PROGRAMS", "20000")),
}


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(captured) -> int:
    """SQL statements that do work, leaving out transaction control."""
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith(TRANSACTION_CONTROL))


def prepare_database(url: str) -> None:
    """A fresh database for every bench run, so that nothing is reused from an earlier one."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
        return
    import psycopg2
    from psycopg2 import sql

    base, _, name = url.rpartition("/")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()


def setup_django() -> None:
    """Django on a fresh throwaway database named by BENCH_DATABASE_URL, with production's DEBUG off."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("Set BENCH_DATABASE_URL to a throwaway database (sqlite:///… or postgres://…/hipoc_bench).")
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipoc.settings.local")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from priorities.criteria import extract
    from priorities.models import AreaResult, RankingResult, RankingRun
    from priorities.profiles import profile_criteria
    from priorities.selectors import policy_source_codes
    from priorities.services import default_profile, ranking_run_execute, ranking_run_request
    from programs.models import AreaAssessment

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=StringIO())
    started = time.perf_counter()
    call_command("seed_demo", *[f"--{name}={value}" for name, value in SIZE.items()], "--seed=1", stdout=StringIO())
    seeding = time.perf_counter() - started

    profile = default_profile()
    config = profile.config
    with CaptureQueriesContext(connection) as extraction:
        started = time.perf_counter()
        extract(config, profile_criteria(config, policy_source_codes()), as_of=timezone.localdate())
        extract_alone = time.perf_counter() - started
    with CaptureQueriesContext(connection) as whole:
        started = time.perf_counter()
        run = ranking_run_request(profile=profile)
        total = time.perf_counter() - started
    run.refresh_from_db()
    # The computation alone, as a worker runs it: reset the run and execute it again.
    RankingResult.objects.filter(run=run).delete()
    AreaResult.objects.filter(run=run).delete()
    RankingRun.objects.filter(pk=run.pk).update(status="queued", progress=0)
    with CaptureQueriesContext(connection) as execution:
        started = time.perf_counter()
        ranking_run_execute(run_id=run.pk)
        executing = time.perf_counter() - started
    run.refresh_from_db()

    print(
        f"End to end on {connection.vendor}: {AreaAssessment.objects.count():,} area assessments, "
        f"{SIZE['needs']:,} needs, {SIZE['programs']:,} programs, {run.samples} samples (seeding took {seeding:.0f} s)"
    )
    print(f"{'phase':<34} {'seconds':>8} {'queries':>8}  (SQL statements, transaction control left out)")
    print(f"{'criteria extraction (alone)':<34} {extract_alone:8.3f} {statements(extraction):8d}")
    for phase in ("extract", "compute", "store"):
        print(f"{'run: ' + phase:<34} {run.timings.get(phase, 0):8.3f} {'':>8}")
    print(f"{'worker: compute_ranking task':<34} {executing:8.3f} {statements(execution):8d}")
    print(f"{'request + task in-process':<34} {total:8.3f} {statements(whole):8d}")
    print(f"status: {run.status}; ranked countries: {run.results.filter(rank__isnull=False).count()}")


if __name__ == "__main__":
    main()
