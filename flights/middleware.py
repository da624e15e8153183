"""The flight API's fast lane: a GET of a flight in this process's cache copy answered before the console's
middlewares and DRF.

In ``MIDDLEWARE`` right after ``airline.api_middleware.APIMiddleware``, so its answers get what every API
answer gets from the middlewares before it (security headers, CORS, the correlation id). Of those after it,
sessions, CSRF (a GET is never checked), authentication, messages and axes' lockouts do nothing for an
anonymous JSON GET, and are skipped: on this 2-core machine they cost about a third of a DRF view's whole
per-request work (ADR 0003). ``CommonMiddleware`` (host validation, ``Content-Length``) and
``XFrameOptionsMiddleware`` act on every answer, so they act on the fast lane's too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.urls import Resolver404, ResolverMatch, get_urlconf, resolve
from rest_framework.exceptions import APIException

from airline.api_middleware import API_PREFIX

from . import gate_cache
from .api import FlightView, parse_ref


class FlightFastLane:
    """Answers ``FlightView`` GETs from ``FlightView.from_cache``; passes every other request (and a miss) on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.common = CommonMiddleware(get_response)
        self.xframe = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "GET" and request.path_info.startswith(API_PREFIX):
            response = self.from_cache(request)
            if response is not None:
                return response
        return self.get_response(request)

    def from_cache(self, request: HttpRequest) -> HttpResponseBase | None:
        target = flight_view(get_urlconf(), request.path_info)
        if target is None:
            return None
        if self.common.process_request(request) is not None:  # a redirect or a refusal: the full path answers
            return None
        view_class, key, request.resolver_match = target  # what the full path sets too (the API's metrics read it)
        response = view_class.from_cache(request, key)
        if response is None:
            return None
        return self.common.process_response(request, self.xframe.process_response(request, response))


@functools.lru_cache(maxsize=8192)
def flight_view(urlconf: str | None, path: str) -> tuple[type[FlightView], str, ResolverMatch] | None:
    """The ``FlightView`` answering ``path``, the cache key of its flight and the URL match, or None (another URL,
    or a malformed reference: the full path answers). Resolved once per path: the resolver and the parsing cost a
    hit about as much as the rest of its work."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, FlightView)):
        return None
    try:
        return view_class, gate_cache.key_for_ref(parse_ref(**match.kwargs)), match
    except APIException:
        return None
