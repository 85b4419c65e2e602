"""HIPOC's user: Django's user with the organisation the person works for."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


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

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's role groups, read once per request rather than once per check."""
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_names

    @property
    def is_jpo_staff(self) -> bool:
        return self.is_superuser or self.has_role(roles.JPO_STAFF)

    @property
    def is_expert(self) -> bool:
        return self.has_role(roles.EXPERT)

    @property
    def is_partner_system(self) -> bool:
        return self.has_role(roles.PARTNER_SYSTEM)
