"""Bearer-token authentication for partner systems (django-rest-knox: tokens stored hashed).

A partner pulls the same ranking many times a day, so a token that the database vouched for is remembered in
the shared cache (Redis; nothing is remembered in a process's own memory, which other processes cannot clear),
under the hash of the token (never the token itself), for a few minutes. Every change that could withdraw a
token — a token deleted (revoked, purged, expired) or changed, a user changed or deleted — starts a new
authentication generation, and a remembered token of an older generation is checked against the database again:
revoking a token takes effect on the very next request. A token remembered past its expiry is refused all the same.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.signals import token_expired

from hipoc.cache import cache_is_shared, current_generation, new_generation

from .models import User

GENERATION_KEY = "hipoc:auth-generation"
VOUCHED_PREFIX = "hipoc:auth-token:"
# How long a vouched-for token is remembered; also the longest a change made past Django's signals (raw SQL)
# can go unnoticed.
REMEMBER_SECONDS = 300


@dataclass(frozen=True)
class VouchedToken:
    generation: str
    user: User
    token: AuthToken
    expiry: datetime | None


def forget_vouched_tokens() -> None:
    """Start a new authentication generation now, and again once the change commits: a request that read the
    database before the commit may have remembered the token under the generation started first."""
    new_generation(GENERATION_KEY)
    transaction.on_commit(lambda: new_generation(GENERATION_KEY))


class BearerTokenAuthentication(TokenAuthentication):
    """knox's authentication, remembered in the shared cache between changes, and without knox's sweep of all the
    user's other tokens on every request (a query per request that grows with the tokens a partner holds; an
    expired token is refused here all the same, and the others are purged by the nightly task)."""

    def authenticate_credentials(self, token: bytes):
        if not cache_is_shared():
            return super().authenticate_credentials(token)
        try:
            key = VOUCHED_PREFIX + hash_token(token.decode("utf-8"))
        except (UnicodeDecodeError, TypeError, ValueError):
            return super().authenticate_credentials(token)  # knox refuses it with its own message
        cached = cache.get_many([GENERATION_KEY, key])
        generation = current_generation(GENERATION_KEY, cached)
        vouched = cached.get(key)
        if (
            vouched is not None
            and vouched.generation == generation
            and (vouched.expiry is None or vouched.expiry >= timezone.now())
        ):
            return vouched.user, vouched.token
        user, auth_token = super().authenticate_credentials(token)
        remembered = VouchedToken(generation=generation, user=user, token=auth_token, expiry=auth_token.expiry)
        cache.set(key, remembered, timeout=REMEMBER_SECONDS)
        return user, auth_token

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
