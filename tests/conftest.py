"""Shared fixtures. The test database is created once per session with the shipped reference data in it."""

import os

import pytest
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


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def staff_user(db):
    return UserFactory(role="jpo-staff")


@pytest.fixture
def expert_user(db):
    return UserFactory(role="expert")


@pytest.fixture
def partner_user(db):
    return UserFactory(role="partner-system")
