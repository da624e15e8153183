"""The gate API benchmark's baseline: a DRF view returning a constant JSON body, and nothing else.

Loaded only by ``bench.api_settings`` (``bench/gate_api.py`` starts the baseline server with it), never in
production. The body is the JSON object in ``BENCH_CONSTANT_BODY``: the benchmark passes a real gate body, so
the baseline and the gate API send the same number of bytes.
"""

import json
import os

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

BODY = json.loads(os.environ.get("BENCH_CONSTANT_BODY", "{}"))


class ConstantView(APIView):
    """DRF with no authentication, permissions or throttling: request wrapping, content negotiation, rendering."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def get(self, request: Request) -> Response:
        return Response(BODY)


urlpatterns = [path("bench/constant", ConstantView.as_view())]
