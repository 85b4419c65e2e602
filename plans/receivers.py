"""Plans load their demo catalogue of action templates with the rest of the shipped reference data."""

from django.dispatch import receiver

from priorities.signals import reference_data_loaded

from .services import action_templates_load


@receiver(reference_data_loaded)
def load_action_templates(sender, counts: dict[str, int], **kwargs) -> None:
    counts["action_templates"] = action_templates_load()
