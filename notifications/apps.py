from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Partner notifications")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 - connects the publication receiver
            tasks,  # noqa: F401 - registers the tasks its services queue by name
        )
