"""Bearer-token authentication for partner systems (django-rest-knox: tokens stored hashed)."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.signals import token_expired


class BearerTokenAuthentication(TokenAuthentication):
    """knox's authentication, minus its sweep of all the user's other tokens on every request.

    That sweep costs a query per request and grows with the tokens a partner holds; an expired token is refused
    here all the same, and the others are purged by the nightly `accounts.purge_expired_tokens` task.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token: `Authorization: Bearer <token>`."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py issue_api_token USERNAME`: `Authorization: Bearer <token>`.",
        }
