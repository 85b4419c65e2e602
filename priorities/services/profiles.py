"""Writes to weight profiles: the default profile, and staff's new profiles and changes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from countries.models import Country, Indicator

from ..models import WeightProfile
from ..profile_settings import DENOMINATORS, ContextTransform, ProfileSettings

DEFAULT_PROFILE_SLUG = "baseline"


@dataclass(frozen=True)
class ProfileIdentity:
    """What names a profile, as opposed to what it sets."""

    name: str
    slug: str
    description: str = ""
    name_ja: str = ""
    description_ja: str = ""


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
            "name_ja": "ベースライン",
            "description": "Policy alignment 27%, field need 18%, readiness 14%, stakeholder needs 14%, "
            "continuity 9%, independence stage and next step 9%, four World Bank context indicators 9%; "
            "ODA recipients only.",
            "description_ja": "政策との整合 27%、現地のニーズ 18%、受入体制 14%、関係者のニーズ 14%、協力の継続性 9%、"
            "自立段階と次の段階 9%、世界銀行の4つの背景指標 9%。ODA対象国のみ。",
            "is_default": True,
            "settings": baseline_settings().to_json(),
        },
    )
    return profile


# The baseline's context: a little public evidence beside the field evidence, two indicators on each side.
# Need: a small domestic patenting base (resident applications per million people) and little R&D spending mean
# more to build; both count as costs (lower values, higher priority). Readiness: an effective government and a
# connected public can absorb cooperation (e-filing, online services); both count as benefits. Values more than
# five years old count as missing: patent series end in 2021 in every World Bank release.
BASELINE_CONTEXT = {
    "IP.PAT.RESD": ({"transform": ContextTransform.PER_CAPITA.value, "max_age_years": 5}, "cost"),
    "GB.XPD.RSDV.GD.ZS": ({"transform": ContextTransform.NONE.value, "max_age_years": 5}, "cost"),
    "GE.EST": ({"transform": ContextTransform.NONE.value, "max_age_years": 5}, "benefit"),
    "IT.NET.USER.ZS": ({"transform": ContextTransform.NONE.value, "max_age_years": 5}, "benefit"),
}
# Each context indicator weighs 0.025 against the built-in criteria's 1.0 (about 2.3 % of the total).
BASELINE_CONTEXT_WEIGHT = 0.025


def baseline_settings() -> ProfileSettings:
    """The seeded default profile's settings: the defaults, with the documented context indicators."""
    defaults = ProfileSettings()
    return defaults.replace(
        context_indicators=sorted(BASELINE_CONTEXT),
        context_transforms={code: options for code, (options, _direction) in BASELINE_CONTEXT.items()},
        criterion_directions={f"context.{code}": direction for code, (_options, direction) in BASELINE_CONTEXT.items()},
        criterion_weights={
            **defaults.criterion_weights,
            **{f"context.{code}": BASELINE_CONTEXT_WEIGHT for code in BASELINE_CONTEXT},
        },
    )


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
    unlisted = sorted(set(settings.context_transforms) - set(settings.context_indicators))
    if unlisted:
        errors["context_transforms"] = [
            _("Not among the context indicators: %(codes)s.") % {"codes": ", ".join(unlisted)}
        ]
    needed = {DENOMINATORS[options["transform"]] for options in settings.context_transforms.values()} - {()}
    missing = sorted(
        {code for codes in needed for code in codes}
        - set(
            Indicator.objects.filter(code__in=[code for codes in needed for code in codes]).values_list(
                "code", flat=True
            )
        )
    )
    if missing:
        errors.setdefault("context_transforms", []).append(
            _("The transform divides by %(codes)s, which HIPOC holds no values of.") % {"codes": ", ".join(missing)}
        )
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
    profile.name_ja, profile.description_ja = identity.name_ja, identity.description_ja
    profile.settings = settings.to_json()
    profile.full_clean()
    profile.save()
    return profile
