"""What every request under ``/api/`` gets, whichever view answers it (or none does).

- A correlation id of its own: every log line made while handling it carries the id, and so does the
  ``X-Correlation-ID`` response header.
- A body limit, ``API_MAX_BODY_BYTES``, checked on ``Content-Length`` before anything reads the body: a larger
  body is a 413 in the API's error shape (Django's own limit would answer an HTML 400 and log a traceback).
- An unhandled exception answers a 500 in the API's error shape naming the correlation id, with no detail of
  the failure, and makes exactly one log line (Django's own "Internal Server Error" line is not added).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import uuid4

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from events.correlation import correlation, current

from .api_errors import error_response

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class APIMiddleware:
    """Correlation id, body limit and 500s of the API (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        correlation_id = uuid4().hex
        with correlation(correlation_id):
            response = _refuse_large_body(request) or self.get_response(request)
        response["X-Correlation-ID"] = correlation_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        """A 500 for an exception no view handled, with one log line (none for pages outside the API)."""
        if not request.path_info.startswith(API_PREFIX):
            return None
        logger.error(
            "unhandled %s on %s %s: %s", type(exception).__name__, request.method, request.path_info, exception
        )
        response = error_response(
            500, "server_error", "The server failed to answer; the failure is logged.", correlation_id=current()
        )
        response._has_been_logged = True  # type: ignore[attr-defined]  # Django's flag: log this response no more
        return response


def _refuse_large_body(request: HttpRequest) -> HttpResponseBase | None:
    """A 413 when the declared body is larger than ``API_MAX_BODY_BYTES``, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads a malformed length as no body at all
        return None
    limit = settings.API_MAX_BODY_BYTES
    if length <= limit:
        return None
    return error_response(
        413, "request_too_large", f"The request body is {length} bytes; at most {limit} are accepted."
    )
