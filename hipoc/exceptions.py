"""One JSON shape for every API error, so that clients handle 400, 401, 403, 404, 409, 412 and 429 alike.

{"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["message", …]}}
"""

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

INVALID_DETAIL = "Some fields are not valid; see errors."


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body = {"status": response.status_code, "code": "invalid", "detail": INVALID_DETAIL, "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"status": response.status_code, "code": code, "detail": str(detail), "errors": {}}
    response.data = body
    renderer = getattr(context.get("request"), "accepted_renderer", None)
    # Errors are JSON even when the client asked for the results as CSV.
    if renderer is not None and renderer.format not in ("json", "api"):
        context["request"].accepted_renderer = JSONRenderer()
        context["request"].accepted_media_type = JSONRenderer.media_type
    return response


def api_path_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """A path under /api/v1/ that names no endpoint answers in the API's error shape, not with an HTML page."""
    body = {"status": 404, "code": "not_found", "detail": "No API endpoint at this path.", "errors": {}}
    return JsonResponse(body, status=404)
