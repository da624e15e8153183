"""One error shape for the whole API: ``{"error": {"code": "...", "message": "...", "reason": "..."}}``.

Every answer under ``/api/`` that is not a success takes it: DRF's errors through ``exception_handler``, and
the answers ``airline.api_middleware`` gives before or after DRF (413, 500) through ``error_response``.

``reason`` is there only when an exception carries one (a ``reason`` attribute): a machine-readable detail
of a refusal whose ``code`` is general, e.g. a passenger's choice refused (409 ``choice_not_allowed``,
reason ``delay_under_300_minutes``). The exception handler keeps DRF's status codes and headers (``Allow``
on 405, ``Retry-After`` on 429) and rewrites only the body, so DRF's own errors and the API's take the same
shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable: invalid_designator, invalid_date, flight_not_found, not_found, "
        "method_not_allowed, throttled, …"
    )
    message = serializers.CharField(help_text="Human-readable explanation, in English.")
    reason = serializers.CharField(
        required=False,
        help_text="Machine-readable detail of a refusal, when the code is general (a refused choice: "
        "delay_under_300_minutes, no_regime, already_refunded, choice_not_open, journey_changed).",
    )
    correlation_id = serializers.CharField(
        required=False,
        help_text="On a 500 only: the id of the server's log line about it (also in X-Correlation-ID), to quote "
        "when reporting the failure.",
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response of the API."""

    error = ErrorDetailSerializer()


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler with the body in the API's error shape (None for non-API exceptions: a 500)."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        error = _describe(response.data)
        reason = getattr(exc, "reason", None)
        response.data = {"error": {**error, "reason": str(reason)} if reason else error}
    return response


def error_response(status: int, code: str, message: str, **details: str) -> JsonResponse:
    """An error answered outside DRF's views, in the API's shape."""
    return JsonResponse({"error": {"code": code, "message": message, **details}}, status=status)


def _describe(data: Any) -> dict[str, str]:
    """Code and message of DRF's error data: ``{"detail": ...}``, or a validation error's field messages."""
    if isinstance(data, dict) and data.keys() == {"detail"}:
        detail = data["detail"]
        return {"code": getattr(detail, "code", "error"), "message": str(detail)}
    return {"code": "invalid", "message": "; ".join(_messages(data))}


def _messages(data: Any, path: str = "") -> Iterator[str]:
    """Flatten a validation error's nested messages into ``field.subfield: message`` lines."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _messages(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for value in data:
            yield from _messages(value, path)
    else:
        yield f"{path}: {data}" if path else str(data)


class Documented(NamedTuple):
    """An error an endpoint can answer, for its OpenAPI description (and the example shown with it)."""

    status: int
    code: str
    message: str
    reason: str = ""


# Errors any endpoint can answer, and those of any endpoint that reads a body.
ANY_REQUEST = (
    Documented(429, "throttled", "Request was throttled. Expected available in 42 seconds."),
    Documented(500, "server_error", "The server failed to answer; the failure is logged."),
)
WITH_BODY = (
    Documented(400, "parse_error", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
    Documented(413, "request_too_large", "The request body is 5000 bytes; at most 4096 are accepted."),
    Documented(415, "unsupported_media_type", 'Unsupported media type "text/plain" in request.'),
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429],
    description="Seconds until the client may call again",
)  # fmt: skip
ALLOW = OpenApiParameter(
    "Allow", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[405], description="The methods the endpoint answers"
)
_NOTES = {500: " (`correlation_id` names the server's log line about it)"}
_CORRELATION_EXAMPLE = "3f2b9c0e5d7a4e1f8a6b2c9d0e1f2a3b"


def error_responses(*errors: Documented) -> dict[int, OpenApiResponse]:
    """The OpenAPI responses of ``errors``, one per status: the error body, each code named, an example each."""
    by_status: dict[int, list[Documented]] = {}
    for documented in errors:
        by_status.setdefault(documented.status, []).append(documented)
    return {
        status: OpenApiResponse(
            ErrorSerializer,
            description="; ".join(f"`{d.code}`: {d.message}" for d in listed) + _NOTES.get(status, ""),
            examples=[OpenApiExample(d.code, _example_body(d), status_codes=[status]) for d in listed],
        )
        for status, listed in sorted(by_status.items())
    }


def _example_body(documented: Documented) -> dict[str, Any]:
    extra = {"correlation_id": _CORRELATION_EXAMPLE} if documented.status == 500 else {}
    if documented.reason:
        extra["reason"] = documented.reason
    return {"error": {"code": documented.code, "message": documented.message, **extra}}
