"""``GET /metrics``: the Prometheus exposition of this host's processes and of the database's gauges."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .access import refusal
from .collectors import DatabaseCollector


def registry() -> CollectorRegistry:
    """What one scrape reports: in multi-process mode the values every process of this host wrote to
    ``PROMETHEUS_MULTIPROC_DIR``, else this process's own; and the database's gauges."""
    scrape = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(REGISTRY)
    scrape.register(DatabaseCollector())
    return scrape


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics, to a client the access rules allow (``observability.access``)."""
    refused = refusal(request)
    if refused is not None:
        return refused
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
