"""Requests to the REST API counted and timed, by endpoint and status."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from .metrics import API_DURATION, API_REQUESTS

API_PREFIX = "/api/v1/"


class APIMetricsMiddleware:
    """Count and time every ``/api/v1/`` request; the endpoint is its URL's name (``unknown`` for no endpoint)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        endpoint = (match.url_name if match else None) or "unknown"
        API_DURATION.labels(endpoint).observe(time.perf_counter() - started)
        API_REQUESTS.labels(endpoint, str(response.status_code)).inc()
        return response
