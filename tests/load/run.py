"""`make loadtest`: 20 concurrent users for 60 seconds against gunicorn, a Celery worker, PostgreSQL and Redis on
127.0.0.1 — staff on the dashboards, experts filing reports, partner systems pulling the ranking.

Prints p50/p95/p99 latency, throughput and errors per kind of request; asserts nothing.
"""

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

from tests.bench.api import free_port, wait_until_up
from tests.bench.end_to_end import prepare_database

ROOT = Path(__file__).resolve().parents[2]
USERS = int(os.environ.get("LOAD_USERS", "20"))
DURATION = os.environ.get("LOAD_DURATION", "60s")
WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
DATABASE = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hipoc_loadtest")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379")
GROUPS = {
    "pages": lambda name: name.startswith("page:"),
    "API pulls answered from the cache (304)": lambda name: name == "api: latest, cached (304)",
    "other API reads": lambda name: name in ("api: countries", "api: latest (first pull)"),
    "report submissions": lambda name: name.startswith("report:"),
}


def prepare() -> dict[str, str]:
    """A fresh database with the demo data, a published ranking, and a login or token per role."""
    os.environ.update(DATABASE_URL=DATABASE, DJANGO_SETTINGS_MODULE="hipoc.settings.local", DEBUG="false")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.services import api_token_issue
    from priorities.models import RankingResult, RankingRun
    from priorities.services import default_profile, ranking_run_publish, ranking_run_request
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=StringIO())
    call_command("seed_demo", "--seed=1", stdout=StringIO())
    run = ranking_run_publish(run=RankingRun.objects.get(pk=ranking_run_request(profile=default_profile()).pk))
    countries = list(RankingResult.objects.filter(run=run, rank__isnull=False).values_list("country_id", flat=True))
    password = secrets.token_urlsafe(16)
    staff = UserFactory(username="load-staff", role="jpo-staff")
    staff.set_password(password)
    staff.save(update_fields=["password"])
    expert = UserFactory(username="load-expert", role="expert")
    partner = UserFactory(username="load-partner", role="partner-system")
    return {
        "LOAD_STAFF_USER": staff.username,
        "LOAD_STAFF_PASSWORD": password,
        "LOAD_EXPERT_TOKEN": api_token_issue(user=expert),
        "LOAD_PARTNER_TOKEN": api_token_issue(user=partner),
        "LOAD_COUNTRIES": json.dumps(countries),
    }


def summarise(stats_file: Path) -> None:
    rows = list(csv.DictReader(stats_file.open()))
    named = [row for row in rows if row["Name"] != "Aggregated"]
    print(f"\n{'request':<34} {'count':>7} {'errors':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in named:
        print(
            f"{row['Name']:<34} {row['Request Count']:>7} {row['Failure Count']:>7} {float(row['Requests/s']):7.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"{'all requests':<34} {total['Request Count']:>7} {total['Failure Count']:>7} "
        f"{float(total['Requests/s']):7.1f} {total['50%']:>7} {total['95%']:>7} {total['99%']:>7}"
    )
    print("\nBy kind (worst p95 of the requests in it; targets: pages ≤ 300 ms, cached API pulls ≤ 100 ms):")
    for group, member in GROUPS.items():
        members = [row for row in named if member(row["Name"])]
        if members:
            worst = max(int(row["95%"]) for row in members)
            errors = sum(int(row["Failure Count"]) for row in members)
            print(f"  {group:<42} p95 ≤ {worst} ms, {errors} errors")


def main() -> None:
    if not DATABASE.startswith("postgres"):
        sys.exit("The load test runs against PostgreSQL: set LOAD_DATABASE_URL=postgres://…")
    prepare_database(DATABASE)
    logins = prepare()
    port = free_port()
    environment = {
        **os.environ,
        **logins,
        "DJANGO_SETTINGS_MODULE": "tests.load.settings",
        "DATABASE_URL": DATABASE,
        "CACHE_URL": f"{REDIS}/11",
        "CELERY_BROKER_URL": f"{REDIS}/12",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # Twenty people behind one address and one partner token polling: limits above this load.
        "API_RATE_PER_USER": "1000/s",
        "API_RATE_PER_TOKEN": "1000/s",
    }
    # Production serves compressed, content-hashed static files that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    web = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hipoc.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hipoc",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=environment,
    )
    workdir = Path(tempfile.mkdtemp(prefix="hipoc-load-"))
    try:
        wait_until_up(port)
        subprocess.run(  # noqa: S603 - a fixed command line
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "tests" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                DURATION,
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=environment,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        print(
            f"\n{USERS} users for {DURATION} against gunicorn ({WORKERS} workers), a Celery worker, PostgreSQL, Redis"
        )
        summarise(workdir / "load_stats.csv")
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            process.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
