"""A real OTLP/HTTP trace receiver for tests: worker and command processes export their spans to it over the
wire, as they would to a collector, and the test reads them decoded (opentelemetry-proto).

The SDK's in-memory exporter can only see the process it runs in; the spans of a flow come from several (the
command that records the disruption, the Celery pool processes, the relay). Receiving them the way a collector
does also tests the ``OTEL_*`` configuration each process starts from.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

KINDS = {Span.SPAN_KIND_INTERNAL: "internal", Span.SPAN_KIND_SERVER: "server", Span.SPAN_KIND_CLIENT: "client",
         Span.SPAN_KIND_PRODUCER: "producer", Span.SPAN_KIND_CONSUMER: "consumer"}  # fmt: skip


@dataclass(frozen=True)
class ReceivedLink:
    trace_id: str
    span_id: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class ReceivedSpan:
    """One exported span, ids in hex as backends show them (``parent_id`` empty for a root)."""

    service: str
    name: str
    kind: str
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any]
    links: list[ReceivedLink] = field(default_factory=list)


class OtlpReceiver:
    """``POST /v1/traces`` on a local HTTP server; ``endpoint`` is what ``OTEL_EXPORTER_OTLP_ENDPOINT`` takes."""

    def __init__(self, server: HTTPServer) -> None:
        self._spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        server.expect_request("/v1/traces", method="POST").respond_with_handler(self._receive)
        self.endpoint = server.url_for("/").rstrip("/")

    def env(self, service: str) -> dict[str, str]:
        """The variables that point a process's tracing here, exporting every 100 ms."""
        return {"OTEL_EXPORTER_OTLP_ENDPOINT": self.endpoint, "OTEL_SERVICE_NAME": service,
                "OTEL_BSP_SCHEDULE_DELAY": "100"}  # fmt: skip

    @property
    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def named(self, name: str) -> list[ReceivedSpan]:
        return [span for span in self.spans if span.name == name]

    def by_id(self) -> dict[str, ReceivedSpan]:
        return {span.span_id: span for span in self.spans}

    def ancestors(self, span: ReceivedSpan) -> Iterator[ReceivedSpan]:
        """The span's parent, its parent's parent, … as far as they were received."""
        spans = self.by_id()
        while span.parent_id in spans:
            span = spans[span.parent_id]
            yield span

    def _receive(self, request: Request) -> Response:
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        received = ExportTraceServiceRequest.FromString(body)
        spans = [
            _span(resource_spans, span)
            for resource_spans in received.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]
        with self._lock:
            self._spans.extend(spans)
        return Response(ExportTraceServiceResponse().SerializeToString(), content_type="application/x-protobuf")


def _span(resource_spans: Any, span: Span) -> ReceivedSpan:
    service = _attributes(resource_spans.resource.attributes).get("service.name", "")
    links = [ReceivedLink(link.trace_id.hex(), link.span_id.hex(), _attributes(link.attributes)) for link in span.links]
    return ReceivedSpan(
        service=service, name=span.name, kind=KINDS[span.kind], trace_id=span.trace_id.hex(),
        span_id=span.span_id.hex(), parent_id=span.parent_span_id.hex(), attributes=_attributes(span.attributes),
        links=links,
    )  # fmt: skip


def _attributes(pairs: Any) -> dict[str, Any]:
    return {pair.key: _value(pair) for pair in pairs}


def _value(pair: KeyValue) -> Any:
    which = pair.value.WhichOneof("value")
    if which == "array_value":
        return [getattr(v, v.WhichOneof("value")) for v in pair.value.array_value.values]
    return getattr(pair.value, which) if which else None
