"""Shared fixtures. The test database is created once per session with the shipped reference data in it."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import UserFactory

# CI sets this so that a missing PostgreSQL, broker or browser fails the run instead of skipping tests.
FORBID_SKIPS = os.environ.get("HIPOC_FORBID_SKIPS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine that lacks a service; fail in CI, where every service must be there."""
    if FORBID_SKIPS:
        pytest.fail(f"{reason} (HIPOC_FORBID_SKIPS=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from priorities.services import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


def pytest_collection_modifyitems(items) -> None:
    """A transactional test empties the database when it ends; unless it puts the reference data back
    (serialized_rollback), every test after it depends on running before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")


SHARED_CACHE = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/12"}}


@pytest.fixture
def shared_cache():
    """The cache a deployment shares between processes (Redis), empty, in place of the process's own memory."""
    from django.core.cache import cache
    from django.test import override_settings

    with override_settings(CACHES=SHARED_CACHE):
        try:
            cache.clear()
        except Exception:
            skip_or_fail("needs Redis at 127.0.0.1:6379")
        yield cache
        cache.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: row ids repeat between tests, so cached API bodies could too."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language. The locale middleware activates a request's language for the
    whole thread and leaves it there, so a test that asked for Japanese pages would otherwise make every
    lazily translated message in the next test Japanese."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def postgres_only():
    """A test of PostgreSQL behaviour (row locks between connections).

    A run on SQLite skips it by choice, even in CI: CI's PostgreSQL pass runs it, and there any skip fails.
    """
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL behaviour: runs when DATABASE_URL=postgres://… (CI's PostgreSQL pass)")


@pytest.fixture
def staff_user(db):
    return UserFactory(role="jpo-staff")


@pytest.fixture
def expert_user(db):
    return UserFactory(role="expert")


@pytest.fixture
def partner_user(db):
    return UserFactory(role="partner-system")


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many bad-input cases ran (tests/hipoc/test_bad_input.py), how many failed and how many requests
    among them ended in a server error (5xx), as the hardening checklist asks."""
    reports = [
        report
        for reports in terminalreporter.stats.values()
        for report in reports
        if "test_bad_input.py" in getattr(report, "nodeid", "") and hasattr(report, "when")
    ]
    calls = [report for report in reports if report.when == "call"]
    if calls:
        failed = sum(1 for report in calls if report.failed)
        server_errors = sum(
            value for report in reports for name, value in report.user_properties if name == "server_errors"
        )
        terminalreporter.write_line(
            f"bad-input cases run: {len(calls)} ({failed} failed; requests answered 5xx: {server_errors})"
        )
