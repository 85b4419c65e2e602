from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Cooperation plans")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 - connects the reference-data receiver
            tasks,  # noqa: F401 - registers the tasks its services queue by name
        )
