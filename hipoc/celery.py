"""The Celery application: workers run `celery -A hipoc worker` against Redis or RabbitMQ.

All configuration lives in Django settings under the CELERY_ prefix. With no broker configured the
tasks run in-process (eagerly), so a laptop needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipoc.settings.local")

# DjangoTask adds delay_on_commit(): services queue work only once their transaction has committed.
app = Celery("hipoc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="hipoc.ping", ignore_result=False)
def ping() -> str:
    """Answer from a worker: the smallest proof that broker and worker are wired."""
    return "pong"
