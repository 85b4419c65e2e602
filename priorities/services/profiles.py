"""Writes to weight profiles: the default profile, and staff's new profiles and changes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from countries.models import Country, Indicator

from ..models import WeightProfile
from ..profile_settings import ProfileSettings

DEFAULT_PROFILE_SLUG = "baseline"


@dataclass(frozen=True)
class ProfileIdentity:
    """What names a profile, as opposed to what it sets."""

    name: str
    slug: str
    description: str = ""


def default_profile() -> WeightProfile:
    """The profile rankings use unless one is named; created on first use."""
    return WeightProfile.objects.filter(is_default=True).first() or weight_profile_ensure_default()


@transaction.atomic
def weight_profile_ensure_default() -> WeightProfile:
    """The profile rankings use unless staff choose another; created once, never overwritten."""
    existing = WeightProfile.objects.filter(is_default=True).first()
    if existing:
        return existing
    profile, _created = WeightProfile.objects.get_or_create(
        slug=DEFAULT_PROFILE_SLUG,
        defaults={
            "name": "Baseline",
            "description": "Policy alignment 30%, field need 20%, readiness 15%, stakeholder needs 15%, "
            "continuity 10%, independence stage 10%; ODA recipients only.",
            "is_default": True,
            "settings": ProfileSettings().to_json(),
        },
    )
    return profile


def _check_references(settings: ProfileSettings) -> None:
    """The countries and indicators a profile names must exist."""
    errors = {}
    unknown_countries = set(settings.excluded_countries) - set(
        Country.objects.filter(iso3__in=settings.excluded_countries).values_list("iso3", flat=True)
    )
    if unknown_countries:
        errors["excluded_countries"] = [
            _("Unknown country: %(codes)s.") % {"codes": ", ".join(sorted(unknown_countries))}
        ]
    unknown_indicators = set(settings.context_indicators) - set(
        Indicator.objects.filter(code__in=settings.context_indicators).values_list("code", flat=True)
    )
    if unknown_indicators:
        errors["context_indicators"] = [
            _("Unknown indicator: %(codes)s.") % {"codes": ", ".join(sorted(unknown_indicators))}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def weight_profile_save(
    *, identity: ProfileIdentity, settings: ProfileSettings, by: User | None, profile: WeightProfile | None = None
) -> WeightProfile:
    """Create a profile, or change one and raise its version (runs keep the version they were made with)."""
    if profile is None:
        profile = WeightProfile(created_by=by)
    else:
        profile = WeightProfile.objects.select_for_update().get(pk=profile.pk)
        profile.version += 1
    _check_references(settings)
    profile.name, profile.slug, profile.description = identity.name, identity.slug, identity.description
    profile.settings = settings.to_json()
    profile.full_clean()
    profile.save()
    return profile
