"""A rate limit per API token, beside DRF's limit per user: one leaked or runaway token cannot spend its
user's whole allowance, and a user cannot multiply the allowance by minting tokens."""

from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, AuthToken):
            return None  # session requests are limited per user only
        return self.cache_format % {"scope": self.scope, "ident": request.auth.token_key}
