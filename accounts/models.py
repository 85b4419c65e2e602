"""HIPOC's user: Django's user with the organisation the person works for."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person or partner system that signs in; what they may do comes from their role group."""

    organisation = models.CharField(
        _("organisation"), max_length=100, blank=True, help_text=_("For example JPO, JICA, JETRO or a partner office.")
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs does not declare AbstractUser.Meta
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
