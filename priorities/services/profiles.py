"""Writes to weight profiles: the default profile, and staff's new profiles and changes."""

from django.db import transaction

from accounts.models import User

from ..models import WeightProfile
from ..profiles import DEFAULT_CRITERION_WEIGHTS

DEFAULT_PROFILE_SLUG = "baseline"


def default_profile() -> WeightProfile:
    """The profile rankings use unless one is named; created on first use."""
    return WeightProfile.objects.filter(is_default=True).first() or weight_profile_ensure_default()


@transaction.atomic
def weight_profile_ensure_default() -> WeightProfile:
    """The profile rankings use unless staff choose another; created once, never overwritten."""
    existing = WeightProfile.objects.filter(is_default=True).first()
    if existing:
        return existing
    profile, _ = WeightProfile.objects.get_or_create(
        slug=DEFAULT_PROFILE_SLUG,
        defaults={
            "name": "Baseline",
            "description": "Policy alignment 30%, field need 20%, readiness 15%, stakeholder needs 15%, "
            "continuity 10%, independence stage 10%; ODA recipients only.",
            "is_default": True,
            "criterion_weights": DEFAULT_CRITERION_WEIGHTS,
        },
    )
    return profile


PROFILE_FORM_FIELDS = (
    "name",
    "slug",
    "description",
    "weight_method",
    "criterion_weights",
    "ahp_matrix",
    "normalization",
    "aggregation",
    "coverage_threshold",
    "top_k_areas",
    "monte_carlo_samples",
    "oda_eligible_only",
)


@transaction.atomic
def weight_profile_save(*, fields: dict, by: User | None, profile: WeightProfile | None = None) -> WeightProfile:
    """Create a profile, or change one and raise its version (runs keep the version they were made with)."""
    if profile is None:
        profile = WeightProfile(created_by=by)
    else:
        profile = WeightProfile.objects.select_for_update().get(pk=profile.pk)
        profile.version += 1
    for name in PROFILE_FORM_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    profile.full_clean()
    profile.save()
    return profile
