"""Priorities listens to evidence changes in programs, which cannot call it directly."""

from django.dispatch import receiver

from programs.signals import evidence_changed

from .services import ranking_recompute_after_change


@receiver(evidence_changed, dispatch_uid="priorities-recompute-after-evidence-change")
def recompute_after_evidence_change(sender, countries=(), **kwargs) -> None:
    ranking_recompute_after_change(reason=f"{sender.__name__}: {', '.join(countries)}")
