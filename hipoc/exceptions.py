"""One JSON shape for every API error, so that clients handle 400, 401, 403, 404, 409, 412 and 429 alike.

{"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["message", …]}}
"""

from rest_framework import exceptions
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
    return response
