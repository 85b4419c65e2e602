"""Template filters that put criteria in words."""

from collections.abc import Iterable, Mapping

from django import template

from ..profiles import criterion_label

register = template.Library()


@register.filter(name="criterion_labels")
def criterion_labels(codes: Iterable[str] | None, source_names: Mapping[str, str]) -> str:
    """`{{ result.missing|criterion_labels:source_names }}`: "Need assessed on mission, Open stakeholder needs"."""
    return ", ".join(criterion_label(code, source_names) for code in codes or ())
