"""Queueing Celery tasks once a transaction commits, without letting a broker outage fail the request.

Services name the task they queue instead of importing it, so a task module may import its services without
a cycle. The data is already committed when the task is queued, so a broker that cannot be reached must not
turn a saved report into an error page: the failure is logged and handed to `on_failure`, which records what
the user or a later run needs to know (a run marked failed, the recompute window reopened, a notice left
pending).
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

from .celery import app

logger = logging.getLogger("hipoc.queue")


def enqueue_on_commit(
    task_name: str, *args: Any, countdown: int | None = None, on_failure: Callable[[Exception], None] | None = None
) -> None:
    # Looked up now, so that a misspelt name fails the service that asks rather than the commit hook later.
    task = app.tasks[task_name]

    def send() -> None:
        try:
            task.apply_async(args=args, countdown=countdown)
        except OperationalError as error:  # kombu: the broker refused or dropped the connection
            logger.warning("could not queue %s%r: %s", task_name, args, error)
            if on_failure is not None:
                on_failure(error)

    transaction.on_commit(send)
