"""Benchmark: the partner API's `GET /api/v1/rankings/latest/` under gunicorn against PostgreSQL and Redis.

10 concurrent clients (wrk) pull a published ranking of 200 countries with a partner token, first in full,
then with `If-None-Match` (304), against a baseline measured in the same run: a bare Django view returning the
same JSON, precomputed. Two more rows bound the figures: the same bare view answering 304 (what no conditional
answer can beat) and the full path with no rendered body kept (every request serializes the ranking). Prints
requests per second and p50/p95 latency; asserts nothing.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import redis

from tests.bench.end_to_end import prepare_database

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = int(os.environ.get("BENCH_COUNTRIES", "200"))
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = 10
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
REDIS = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")

BASELINE = "baseline: bare Django view, same JSON"
FULL = "GET /api/v1/rankings/latest/ (200)"
NOT_MODIFIED = "same, If-None-Match (304)"
CEILING = "ceiling: bare Django view answering 304"
BUILT = "GET /api/v1/rankings/latest/, body built (200)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(url: str, body_file: Path) -> tuple[str, str]:
    """Seed the bench database, publish a ranking and return a partner token and the ranking's ETag."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "hipoc.settings.local"
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.services import api_token_issue
    from priorities.models import RankingResult, RankingRun
    from priorities.services import default_profile, ranking_run_publish, ranking_run_request
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=StringIO())
    size = {"countries": COUNTRIES, "reports": 4000, "needs": 4000, "programs": 800}
    call_command("seed_demo", *[f"--{name}={value}" for name, value in size.items()], "--seed=1", stdout=StringIO())
    profile = default_profile()
    # Rank every seeded country, not only ODA recipients, so that the ranking has the size asked for.
    profile.settings["oda_eligible_only"] = False
    profile.save()
    run = ranking_run_publish(run=RankingRun.objects.get(pk=ranking_run_request(profile=profile).pk))
    ranked = RankingResult.objects.filter(run=run, rank__isnull=False).count()
    token = api_token_issue(user=UserFactory(username="bench-partner", role="partner-system"))
    response = Client(HTTP_HOST="127.0.0.1").get("/api/v1/rankings/latest/", HTTP_AUTHORIZATION=f"Bearer {token}")
    body_file.write_bytes(response.content)
    print(f"Published run {run.pk}: {ranked} countries ranked; the body is {len(response.content):,} bytes.")
    return token, response["ETag"]


def wait_until_up(port: int) -> None:
    """Until gunicorn on 127.0.0.1 answers `/healthz` (open without login)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not start")


def wrk(port: int, path: str, **headers: str) -> dict[str, float]:
    environment = {**os.environ, **headers}
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "-s",
            str(ROOT / "tests" / "bench" / "latency.lua"),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    return {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line)}


@contextmanager
def gunicorn(environment: dict[str, str]) -> Iterator[int]:
    """A gunicorn serving the benchmark's settings on a free port, warmed up; yields the port."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.bench.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        wait_until_up(port)
        wrk(port, "/bench/baseline/")  # warm every worker up
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("The API benchmark needs wrk (apt-get install wrk).")
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hipoc_bench_api")
    if not url.startswith("postgres"):
        sys.exit("The API benchmark runs against PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    prepare_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="hipoc-bench-api-"))
    body_file = workdir / "latest.json"
    token, etag = prepare(url, body_file)

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": url,
        "CACHE_URL": REDIS,
        "SECRET_KEY": "hipoc-bench-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_BASELINE_BODY": str(body_file),
        "LOG_LEVEL": "WARNING",
        # The load is far above a partner's allowance; the limits stay on (their cost is part of the path), with an
        # allowance so large that none is reached: each limit costs one counter per window, whatever the allowance.
        "API_RATE_PER_USER": "100000000/hour",
        "API_RATE_PER_TOKEN": "100000000/hour",
    }
    token_header = {"BENCH_AUTHORIZATION": f"Bearer {token}"}
    latest = "/api/v1/rankings/latest/"
    try:
        with gunicorn(environment) as port:
            wrk(port, latest, **token_header)  # the first request renders the body into the shared cache
            figures = {
                BASELINE: wrk(port, "/bench/baseline/"),
                FULL: wrk(port, latest, **token_header),
                NOT_MODIFIED: wrk(port, latest, **token_header, BENCH_IF_NONE_MATCH=etag),
                CEILING: wrk(port, "/bench/not-modified/"),
            }
        # A zero lifetime keeps no rendered body (and the bodies kept so far go): every request serializes the
        # ranking again.
        redis.Redis.from_url(REDIS).flushdb()
        with gunicorn({**environment, "API_BODY_CACHE_SECONDS": "0"}) as port:
            figures[BUILT] = wrk(port, latest, **token_header)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    rps = {name: row["rps"] for name, row in figures.items()}
    print(
        f"\nPartner API under gunicorn ({WORKERS} workers) on PostgreSQL and Redis; wrk, {CONNECTIONS} connections, "
        f"{DURATION} each"
    )
    print(f"{'request':<48} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'× baseline':>11}")
    for name, row in figures.items():
        print(
            f"{name:<48} {row['rps']:9.1f} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {int(row['errors']):7d} "
            f"{row['rps'] / rps[BASELINE]:11.2f}"
        )
    print(f"full path ÷ baseline: {rps[FULL] / rps[BASELINE]:.2f} (target ≥ 0.3)")
    print(f"304 path ÷ full path: {rps[NOT_MODIFIED] / rps[FULL]:.2f}")
    print(f"304 path ÷ full path building the body: {rps[NOT_MODIFIED] / rps[BUILT]:.2f}")


if __name__ == "__main__":
    main()
