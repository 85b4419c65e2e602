"""Template filters for how much evidence stands behind a score."""

from django import template

from ..tables import evidence_badge

register = template.Library()


@register.filter(name="evidence_badge")
def evidence_badge_filter(evidence: dict | None) -> str:
    """`{{ result.evidence|evidence_badge }}`: e.g. "2 reports · 2025", coloured by strength."""
    return evidence_badge(evidence or {})
