"""The project's URLs plus the benchmark's baselines: views returning a constant JSON body.

Loaded only by ``bench.api_settings`` (``bench/gate_api.py`` starts the server with it), never in production.
The body is the JSON object in ``BENCH_CONSTANT_BODY``: the benchmark passes a real gate body, so the
baselines and the gate API send the same number of bytes.
"""

import json
import os

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from airline.urls import urlpatterns as project_urlpatterns

BODY = json.loads(os.environ.get("BENCH_CONSTANT_BODY", "{}"))


class ConstantView(APIView):
    """DRF as the project configures it: authentication, permissions, throttling (the same per-client rate
    as the gate API, one cache round trip), content negotiation, rendering."""

    def get(self, request: Request) -> Response:
        return Response(BODY)


class UnthrottledConstantView(ConstantView):
    """The same without throttling: no cache round trip at all."""

    throttle_classes = []


def one_cache_read(request: HttpRequest) -> HttpResponse:
    """No DRF at all, one cache read (of a key that is never there): the floor of any view that must ask
    the cache, as the gate API must (for the entry and the client's request count, in one round trip)."""
    cache.get("bench:absent")
    return HttpResponse(json.dumps(BODY, separators=(",", ":")), content_type="application/json")


urlpatterns = [
    path("bench/constant", ConstantView.as_view()),
    path("bench/constant-unthrottled", UnthrottledConstantView.as_view()),
    path("bench/one-cache-read", one_cache_read),
    *project_urlpatterns,
]
