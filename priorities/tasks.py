"""Celery tasks of the prioritisation app."""

from celery import shared_task

from .services import reference_data_load


@shared_task(name="priorities.reference_data_refresh", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def reference_data_refresh() -> dict[str, int]:
    """Reload the shipped reference data (after an upgrade brings new classifications)."""
    return reference_data_load()
