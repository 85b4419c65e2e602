"""How the scoring engine's refusals read in the API: a 400 naming the profile setting at fault."""

from rest_framework.exceptions import ValidationError

from ..scoring import ScoringError


def scoring_refusal(error: Exception) -> ValidationError:
    assert isinstance(error, ScoringError)  # noqa: S101 - registered for ScoringError only
    return ValidationError({error.field: [error.message]})
