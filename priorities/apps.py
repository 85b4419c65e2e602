from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = _("Policy and prioritisation")

    def ready(self) -> None:
        from hipoc.exceptions import register_api_error

        from . import (
            checks,  # noqa: F401 - registers the settings checks
            receivers,  # noqa: F401 - connects the evidence-change receiver
            tasks,  # noqa: F401 - registers the tasks its services queue by name
        )
        from .api.errors import scoring_refusal
        from .scoring import ScoringError

        register_api_error(ScoringError, scoring_refusal)
