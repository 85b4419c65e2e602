"""One JSON shape for every API error, so that clients handle 400, 401, 403, 404, 409, 412 and 429 alike.

{"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["message", …]}}

Services refuse bad writes by raising exceptions of their own; they are turned into API errors here, once,
rather than in each view: Django's ValidationError (a service's field-level refusal) becomes a 400,
`ConflictError` a 409, and each app registers how its other exceptions read (`register_api_error`).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

INVALID_DETAIL = "Some fields are not valid; see errors."


class ConflictError(Exception):
    """A write refused because the object is no longer in the state the writer saw: 409 in the API."""

    # A plain or lazily translated string.
    message: object = "The object changed since it was read; read it again."

    def __init__(self, message: object = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


_translations: dict[type[Exception], Callable[[Exception], exceptions.APIException]] = {}


def register_api_error(kind: type[Exception], translate: Callable[[Exception], exceptions.APIException]) -> None:
    """How an app's own exception reads in the API (called from the app's `ready()`)."""
    _translations[kind] = translate


def service_refusal(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as a DRF 400, keyed by field where the service named one."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is larger than this API accepts."


def as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return service_refusal(exc)
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge(
            f"The request body is larger than this API accepts ({settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes)."
        )
    if isinstance(exc, ConflictError):
        return Conflict(str(exc))
    for kind in type(exc).__mro__:
        if kind in _translations:
            return _translations[kind](exc)
    return exc


def api_exception_handler(exc, context):
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body = {"status": response.status_code, "code": "invalid", "detail": INVALID_DETAIL, "errors": errors}
    else:
        detail = response.data.get("detail", "")
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
