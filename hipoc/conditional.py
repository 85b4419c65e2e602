"""Conditional and cached reads for API endpoints whose body, once finished, never changes.

A view describes what its body depends on (`Representation`); the mixin answers `304 Not Modified` when the
client's `If-None-Match` holds the current ETag, serves the rendered body from the shared cache when another
client already asked for it, and builds it only otherwise. The ETag covers the parts the body depends on, the
action, the query parameters the view names and the format, so a cached body can never be stale.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

BODY_CACHE_PREFIX = "hipoc:api-body:"


@dataclass(frozen=True)
class Representation:
    """What one object's API body depends on.

    `name` identifies the object (e.g. "run-12"); `version` lists what changes its body; `final` says the
    body under this version never changes again, so it may be kept in the shared cache.
    """

    name: str
    version: Sequence[Any]
    last_modified: datetime | None = None
    final: bool = False


def _content_type(renderer) -> str:
    return f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type


class ConditionalReadMixin:
    """For DRF views: `conditional_read(request, representation, build)`, where `build()` gives the data."""

    # Query parameters that change the body; any others are ignored, so that they cannot fill the cache.
    varies_on: Sequence[str] = ()
    # Only these formats' bodies are shared: the browsable API's page depends on who asks.
    shared_formats: Sequence[str] = ("json", "csv")

    def etag(self, request: Request, representation: Representation) -> str:
        variant = "|".join(
            str(part)
            for part in (
                *representation.version,
                getattr(self, "action", ""),
                *(request.query_params.get(name, "") for name in self.varies_on),
                request.accepted_renderer.format,
            )
        )
        return f'"{representation.name}-{hashlib.sha256(variant.encode()).hexdigest()[:16]}"'

    def conditional_read(
        self, request: Request, representation: Representation, build: Callable[[], Any]
    ) -> HttpResponseBase:
        renderer = request.accepted_renderer
        etag = self.etag(request, representation)
        headers = {"ETag": etag}
        if representation.last_modified:
            headers["Last-Modified"] = http_date(representation.last_modified.timestamp())
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        shared = representation.final and renderer.format in self.shared_formats
        key = BODY_CACHE_PREFIX + etag
        if shared and (content := cache.get(key)) is not None:
            return HttpResponse(content, content_type=_content_type(renderer), headers=headers)
        data = build()
        if not shared:
            return Response(data, headers=headers)
        content = renderer.render(data, request.accepted_media_type, self.get_renderer_context())  # type: ignore[attr-defined]
        cache.set(key, content, timeout=settings.API_BODY_CACHE_SECONDS)
        return HttpResponse(content, content_type=_content_type(renderer), headers=headers)
