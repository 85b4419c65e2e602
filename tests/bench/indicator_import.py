"""Benchmark: importing the shipped World Bank series (31,953 values) into an empty database, then again unchanged,
against a per-row `update_or_create` loop over the first 2,000 of the same rows measured in the same run.

Run with BENCH_DATABASE_URL pointing at a throwaway database (the Makefile does). Prints seconds, rows per
second and SQL statements; asserts nothing.
"""

import time
from io import StringIO

from tests.bench.end_to_end import setup_django, statements

BASELINE_ROWS = 2000


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from countries.models import Indicator, IndicatorValue
    from countries.services import (
        countries_load_reference_data,
        indicators_import,
        shipped_indicator_file,
    )

    call_command("migrate", verbosity=0, stdout=StringIO())
    countries_load_reference_data()

    def timed_import(label: str, commit: bool) -> tuple[str, float, int, int]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            outcome = indicators_import([shipped_indicator_file()], commit=commit)
            seconds = time.perf_counter() - started
        rows = outcome.created + outcome.updated + outcome.unchanged
        return label, seconds, rows, statements(captured)

    results = [
        timed_import("check only (dry run), empty database", commit=False),
        timed_import("import into an empty database", commit=True),
        timed_import("import again, nothing changed", commit=True),
    ]

    # The baseline: what a plain Django loop takes per row, on the first rows of the same file, in a fresh table.
    cells = shipped_indicator_file().cells[:BASELINE_ROWS]
    IndicatorValue.objects.all().delete()
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    started = time.perf_counter()
    with transaction.atomic():
        for cell in cells:
            IndicatorValue.objects.update_or_create(
                country_id=cell.country,
                indicator=indicators[cell.indicator],
                year=int(cell.year),
                defaults={"value": float(cell.value)},
            )
    baseline_seconds = time.perf_counter() - started
    baseline_rate = len(cells) / baseline_seconds

    print(f"Indicator import on {connection.vendor}: the shipped series ({results[1][2]:,} values, 14 indicators)")
    print(f"{'case':<44} {'seconds':>8} {'rows/s':>10} {'ratio':>8} {'queries':>8}")
    print(
        f"{'update_or_create per row (baseline, 2,000)':<44} {baseline_seconds:8.3f} {baseline_rate:10,.0f} "
        f"{1.0:8.1f} {'2/row':>8}"
    )
    for label, seconds, rows, queries in results:
        rate = rows / seconds
        print(f"{label:<44} {seconds:8.3f} {rate:10,.0f} {rate / baseline_rate:7.1f}× {queries:8d}")


if __name__ == "__main__":
    main()
