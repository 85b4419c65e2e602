"""The request every HIPOC page receives: signed in (LoginRequiredMiddleware) and read by django-htmx."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
