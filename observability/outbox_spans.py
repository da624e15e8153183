"""Trace context through the outbox (ADR 14): the publishing span's context is kept on the event row, and each
delivery run continues that trace, however late and by whichever task (the first send, a retry, the relay).

Messaging semantic conventions: publishing is a ``PRODUCER`` span ``publish <event type>``; each delivery run is
a ``CONSUMER`` span ``process <event type>`` whose parent and first link are the publishing span, and whose
second link is the Celery task that carried it (the relay's own trace, when the relay sent it). While tracing is
off these calls meet the API's no-op tracer: no span, and an empty context to store.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes

if TYPE_CHECKING:
    from events.models import Delivery, Event

SYSTEM = "airline.outbox"
_tracer = trace.get_tracer("airline.events")
_propagator = TraceContextTextMapPropagator()


def published(event_type: str, event_id: uuid.UUID) -> str:
    """Record the publishing of event ``event_id`` as a span of the current trace; return its W3C
    ``traceparent`` to store on the event (empty when tracing is off)."""
    attributes: Attributes = {
        "messaging.system": SYSTEM,
        "messaging.operation.type": "send",
        "messaging.operation.name": "publish",
        "messaging.destination.name": event_type,
        "messaging.message.id": str(event_id),
    }
    carrier: dict[str, str] = {}
    with _tracer.start_as_current_span(f"publish {event_type}", kind=SpanKind.PRODUCER, attributes=attributes):
        _propagator.inject(carrier)
    return carrier.get("traceparent", "")


@contextlib.contextmanager
def delivery_run(delivery: Delivery, event: Event) -> Iterator[None]:
    """The span of one run of ``delivery``: in the trace its event was published in, linked to the publishing
    span and to the task that carried it; the handler's queries, HTTP calls and events are its children."""
    carrier = trace.get_current_span().get_span_context()
    origin = _propagator.extract({"traceparent": event.trace_context}) if event.trace_context else None
    publisher = trace.get_current_span(origin).get_span_context() if origin is not None else None
    links = [Link(publisher, {"airline.link": "published by"})] if publisher and publisher.is_valid else []
    if carrier.is_valid:
        links.append(Link(carrier, {"airline.link": "carried by"}))
    attributes: Attributes = {
        "messaging.system": SYSTEM,
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.destination.name": event.type,
        "messaging.consumer.group.name": delivery.subscriber,
        "messaging.message.id": str(event.id),
        "airline.delivery.id": delivery.id,
        "airline.delivery.attempt": delivery.attempts,
        "airline.correlation_id": str(event.root_id),
    }
    with _tracer.start_as_current_span(
        f"process {event.type}", context=origin, kind=SpanKind.CONSUMER, links=links, attributes=attributes
    ):
        yield


def in_this_context(callback: Callable[[], None]) -> Callable[[], None]:
    """``callback`` to run later (``transaction.on_commit``) in the trace context current now: a handler's sends
    stay inside its delivery span although its batch commits after the span has ended."""
    captured = otel_context.get_current()

    def run() -> None:
        token = otel_context.attach(captured)
        try:
            callback()
        finally:
            otel_context.detach(token)

    return run
