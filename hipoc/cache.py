"""What the shared cache can be trusted with."""

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache


def cache_is_shared() -> bool:
    """Whether every web and worker process sees the same cache (Redis), so that what one process forgets — a
    revoked token, a run replaced by a newer publication — every process forgets. A process's own memory (the
    default without CACHE_URL) is not: there, nothing that another process may change is remembered."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)
