"""The count of reports awaiting review that the navigation shows staff."""

from django import template

from ..selectors import reports_awaiting_review

register = template.Library()


@register.simple_tag
def reports_awaiting_review_count() -> int:
    return reports_awaiting_review().count()
