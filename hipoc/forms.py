"""Form plumbing shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LocalDateInput(forms.DateInput):
    """A date typed in the page's language (2026-12-06 in English, 2026/12/06 in Japanese), whatever language the
    browser's own date picker would use; ISO dates are read in either."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("YYYY-MM-DD"), **(attrs or {})}
        )


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form when it names none."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
