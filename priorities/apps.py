from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = _("Policy and prioritisation")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the evidence-change receiver
