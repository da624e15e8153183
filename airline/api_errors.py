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
from typing import Any

from django.http import JsonResponse
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
