"""OpenAPI generation: every operation documents the errors it can answer, in the one shape they share."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    """The body of every API error (see hipoc.exceptions)."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `not_found`, `throttled`.")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name → messages; `non_field_errors` for the request as a whole. Empty unless 400.",
    )


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ApiErrorSerializer, description=description)


BAD_REQUEST = error("Bad input: malformed JSON, wrong types, unknown fields or invalid filters; see `errors`.")
UNAUTHORISED = error("No credentials, or a token that is unknown, revoked or expired.")
FORBIDDEN = error("The role may not do this (partner systems never see mission reports or needs).")
NOT_FOUND = error("No such object, page or format, or not one this role may see.")
CONFLICT = error("Someone else changed the object since it was read; read it again.")
PRECONDITION_FAILED = error("The `If-Match` header does not match the object's current ETag.")
THROTTLED = error("Too many requests; retry after the number of seconds in `Retry-After`.")
NOT_MODIFIED = OpenApiResponse(description="The client's copy (`If-None-Match`) is current; no body.")


class HipocAutoSchema(AutoSchema):
    """Adds the shared error responses to every operation, next to those a view declares itself."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {"400": BAD_REQUEST, "401": UNAUTHORISED, "403": FORBIDDEN, "404": NOT_FOUND, "429": THROTTLED}
        for code, response in errors.items():
            if code not in responses:
                # Errors are JSON whatever format the client asked the results in.
                responses[code] = self._get_response_for_code(response, code, media_types=["application/json"])
        return responses
