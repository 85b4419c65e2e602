"""Notifications listens to publications in priorities, which cannot call it directly."""

from django.dispatch import receiver

from priorities.signals import run_published

from .services import publication_notify


@receiver(run_published, dispatch_uid="notifications-notify-publication")
def notify_partners_of_publication(sender, run_id: int, **kwargs) -> None:
    publication_notify(run_id=run_id)
