"""Celery tasks of the accounts app. Thin: each calls one service."""

from celery import shared_task

from .services import api_tokens_purge_expired


@shared_task(name="accounts.purge_expired_tokens")
def purge_expired_tokens() -> int:
    return api_tokens_purge_expired()
