"""What the shared cache can be trusted with, and generations that let one write forget many entries."""

import uuid
from collections.abc import Mapping

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache


def cache_is_shared() -> bool:
    """Whether every web and worker process sees the same cache (Redis), so that what one process forgets — a
    revoked token, a run replaced by a newer publication — every process forgets. A process's own memory (the
    default without CACHE_URL) is not: there, nothing that another process may change is remembered."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def current_generation(key: str, fetched: Mapping[str, object]) -> str:
    """The generation under `key`, from a `get_many` that fetched it with the entries it guards (one round trip);
    started afresh if the cache lost it, so that entries of a lost generation are never believed again."""
    generation = fetched.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(key)
    return str(generation)


def new_generation(key: str) -> None:
    """Forget every entry written under the generation in `key`."""
    cache.set(key, uuid.uuid4().hex, timeout=None)
