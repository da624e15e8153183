"""OpenTelemetry tracing for every process, switched on by the standard ``OTEL_*`` environment variables.

Off unless ``OTEL_TRACES_EXPORTER`` names an exporter or an OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``); ``OTEL_SDK_DISABLED=true`` wins over both. While off, the API's no-op
tracer answers every span: the SDK's tracing, the exporters and the instrumentations are never imported.

Each process starts it where its instrumentations' docs say: the web in ``airline.wsgi`` (gunicorn loads it in
each worker after the fork), commands in ``manage.py``, Celery in each pool process (``worker_process_init``),
never in the prefork parent, whose exporter thread the fork would not carry over. (Celery's ``solo`` and
``threads`` pools send no ``worker_process_init``: they run untraced.)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

_EXPORTERS = ("otlp", "console")
_state: dict[str, object] = {}


class TracingMisconfigured(RuntimeError):
    """An ``OTEL_*`` variable asks for something this deployment does not ship."""


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the ``OTEL_*`` variables in ``environ`` ask for traces."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip()
    if exporters:
        return exporters != "none"
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def configure(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Install the SDK's tracer provider and the instrumentations (Django, Celery, psycopg, Redis, httpx) if
    ``environ`` asks for traces; return whether tracing is on. ``service`` is the default ``service.name``
    (``OTEL_SERVICE_NAME`` overrides it). Calling it again changes nothing."""
    if is_on():
        return True
    if not enabled(environ):
        return False
    from opentelemetry import trace
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from .sampling import FlowSampler

    exporters = _exporters(environ.get("OTEL_TRACES_EXPORTER", "otlp") or "otlp", environ)
    resource = Resource.create({SERVICE_NAME: environ.get("OTEL_SERVICE_NAME") or service})
    provider = TracerProvider(resource=resource, sampler=FlowSampler())
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _instrument()
    _state["provider"] = provider
    return True


def is_on() -> bool:
    """Whether :func:`configure` started tracing in this process."""
    return "provider" in _state


def shutdown() -> None:
    """Export what is still buffered and stop (a Celery pool process about to exit: its ``atexit`` may not run)."""
    provider = _state.pop("provider", None)
    if provider is not None:
        provider.shutdown()  # type: ignore[attr-defined]


@contextlib.contextmanager
def command_span(argv: Sequence[str]) -> Iterator[None]:
    """A root span around one ``manage.py`` command (no instrumentation makes one), so a disruption recorded
    with ``disrupt`` starts its trace there; nothing when tracing is off."""
    if not is_on() or len(argv) < 2:
        yield
        return
    from opentelemetry import trace

    tracer = trace.get_tracer(__name__)
    with tracer.start_as_current_span(f"manage.py {argv[1]}", attributes={"process.command_args": list(argv)}):
        yield


def _exporters(names: str, environ: Mapping[str, str]) -> list[SpanExporter]:
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in _EXPORTERS]
    if unknown:
        raise TracingMisconfigured(f"OTEL_TRACES_EXPORTER: {', '.join(unknown)} not supported (use otlp or console)")
    protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    if "otlp" in chosen and protocol not in (None, "", "http/protobuf"):
        raise TracingMisconfigured(f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol}: only http/protobuf is installed")
    exporters: list[SpanExporter] = []
    if "otlp" in chosen:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter())  # endpoint, headers, timeout: from the OTEL_EXPORTER_OTLP_* variables
    if "console" in chosen:
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporters.append(ConsoleSpanExporter())
    return exporters


def _instrument() -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    DjangoInstrumentor().instrument()
    CeleryInstrumentor().instrument()
    PsycopgInstrumentor().instrument()
    RedisInstrumentor().instrument()
    HTTPXClientInstrumentor().instrument()
