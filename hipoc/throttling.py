"""API rate limits: per user and per API token, counted in fixed windows on the shared cache.

DRF's throttles keep, per client, the list of its request times within the window and rewrite it on every
request, so a request costs more the larger the allowance. Here each (scope, client, window) has one counter, and
both limits are counted in one round trip to Redis (INCR and EXPIRE of each counter in one pipeline); with another
cache (a developer's local memory) they are counted with the cache's own `incr`.

A limit per API token sits beside the limit per user: one leaked or runaway token cannot spend its user's whole
allowance, and a user cannot multiply the allowance by minting tokens. Session requests have the limit per user.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django_redis import get_redis_connection
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle


@dataclass(frozen=True)
class Limit:
    key: str
    allowance: int
    seconds: int

    def window(self, now: float) -> int:
        return int(now // self.seconds)


def count_requests(keys: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter (key, lifetime in seconds) and return the new counts."""
    client = _redis_client()
    if client is not None:
        pipeline = client.pipeline(transaction=False)
        for key, lifetime in keys:
            full_key = cache.make_key(key)
            pipeline.incr(full_key)
            pipeline.expire(full_key, lifetime)
        return [int(count) for count in pipeline.execute()[::2]]
    counts = []
    for key, lifetime in keys:
        try:
            counts.append(cache.incr(key))
        except ValueError:  # the window's first request: open it
            counts.append(1 if cache.add(key, 1, timeout=lifetime) else cache.incr(key))
    return counts


def _redis_client():
    """The raw Redis client behind django-redis (its documented way in), or None for another cache backend."""
    try:
        return get_redis_connection("default")
    except NotImplementedError:
        return None


class ApiRateThrottle(SimpleRateThrottle):
    """The limit per user (`user` rate) and per token (`token` rate) of the API, checked together; DRF's
    SimpleRateThrottle gives the rates from settings and their parsing, not its list of request times."""

    def __init__(self) -> None:
        """Both scopes' rates are read per request (`limits`), not one scope's at construction."""

    def limits(self, request) -> list[Limit]:
        limits = []
        user_rate, token_rate = self.THROTTLE_RATES.get("user"), self.THROTTLE_RATES.get("token")
        if user_rate:
            ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
            limits.append(Limit(f"throttle_user_{ident}", *self.parse_rate(user_rate)))
        if token_rate and isinstance(request.auth, AuthToken):
            limits.append(Limit(f"throttle_token_{request.auth.token_key}", *self.parse_rate(token_rate)))
        return limits

    def allow_request(self, request, view) -> bool:
        limits = self.limits(request)
        if not limits:
            return True
        now = time.time()
        # A counter outlives its window by one window, so that it cannot expire while the window still counts.
        counts = count_requests([(f"{limit.key}:{limit.window(now)}", 2 * limit.seconds) for limit in limits])
        refused = [limit for limit, count in zip(limits, counts, strict=True) if count > limit.allowance]
        self.retry_after = max(((limit.window(now) + 1) * limit.seconds - now for limit in refused), default=0.0)
        return not refused

    def wait(self) -> float:
        return self.retry_after
