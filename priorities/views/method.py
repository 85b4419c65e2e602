"""`/method/`: how a ranking is made, for a staff reader — the pipeline, the criteria and every setting."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hipoc.http import AuthenticatedRequest
from hipoc.permissions import require

from ..models import PolicySource, WeightProfile
from ..profile_settings import DEFAULT_CRITERION_WEIGHTS, POLICY, Group, Kind
from ..profiles import CONTRIBUTION_MEANING, criterion_label, criterion_scale
from ..scoring.engine import LOG1P, Method
from ..scoring.evidence import SPREAD_FLOOR
from ..selectors import policy_source_names
from ..services.profiles import default_profile
from ..tables import STRONG_EVIDENCE, THIN_EVIDENCE

# Settings without an input of their own on the profile page, shown only when they hold something.
MAPPINGS = (Kind.MATRIX, Kind.DIRECTIONS, Kind.CODES, Kind.CONTEXT, Kind.EXCLUSIONS)


def _shown_item(item) -> str:
    """One entry of a mapping setting: a weight, a direction, or a context indicator's reading."""
    if isinstance(item, dict):
        age = item.get("max_age_years")
        return f"({item.get('transform')}{'' if age is None else f', ≤ {age} y'}, missing: {item.get('missing')})"
    return f"{item:g}" if isinstance(item, int | float) else str(item)


def _shown(value) -> str:
    """A setting's value as the page prints it."""
    if isinstance(value, bool):
        return "✓" if value else "—"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_shown_item(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _shown_setting(kind: str, value, names: dict[str, str]) -> str:
    """A setting's value as the page prints it, criteria by their labels."""
    if kind == Kind.WEIGHTS and value:
        # Criterion weights are keyed by criterion, policy-source weights by source.
        def label(code: str) -> str:
            if code in DEFAULT_CRITERION_WEIGHTS or "." in code:
                return criterion_label(code, names)
            return names.get(code, code)

        return ", ".join(f"{label(code)} {weight:g}" for code, weight in value.items())
    if kind == Kind.DIRECTIONS and value:
        less = _("less is better")
        more = _("more is better")
        return ", ".join(
            f"{criterion_label(code, names)}: {less if way == 'cost' else more}" for code, way in value.items()
        )
    return _shown(value)


def method_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request, "priorities.browse_rankings")
    profile = default_profile()
    config = profile.config
    sources = policy_source_names()
    codes = [code for code in DEFAULT_CRITERION_WEIGHTS if code != POLICY]
    example_source = next(iter(sources), "sdg")
    criteria = []
    for code in [f"{POLICY}.{example_source}", *codes]:
        scale = criterion_scale(code, config)
        criteria.append(
            {
                "code": code if not code.startswith(f"{POLICY}.") else f"{POLICY}.<source>",
                "label": criterion_label(code, sources) if not code.startswith(f"{POLICY}.") else None,
                "low": scale["low"],
                "high": scale["high"],
                "logarithmic": scale["transform"] == LOG1P,
                "estimated": scale["evidence"],
            }
        )
    settings = [
        {
            "name": spec.name,
            "label": spec.metadata["label"],
            "help": spec.metadata["help_text"],
            "value": config.choice_labels().get(spec.name)
            or _shown_setting(spec.metadata["kind"], getattr(config, spec.name), sources),
            "group": spec.metadata["group"],
        }
        for spec in WeightProfile.settings_class.specs()
        if spec.metadata["kind"] not in MAPPINGS or spec.metadata["in_form"] or getattr(config, spec.name)
    ]
    context = {
        "profile": profile,
        "criteria": criteria,
        "method_settings": [item for item in settings if item["group"] == Group.METHOD],
        "other_settings": [item for item in settings if item["group"] != Group.METHOD],
        "policy_sources": PolicySource.objects.order_by("position", "code"),
        "contribution_meaning": CONTRIBUTION_MEANING,
        "evidence_draws": Method.evidence_draws,
        "spread_floor": SPREAD_FLOOR,
        "strong_evidence": STRONG_EVIDENCE,
        "thin_evidence": THIN_EVIDENCE,
    }
    return render(request, "priorities/method.html", context)
