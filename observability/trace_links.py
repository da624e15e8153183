"""The trace id an event was published in, as the disruption page shows it: text, or a link into the tracing
backend when ``TRACE_URL_TEMPLATE`` (e.g. ``https://tempo.example/trace/{trace_id}``) is set."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-(?P<trace_id>[0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


@dataclass(frozen=True)
class TraceReference:
    trace_id: str
    url: str


def trace_of(traceparent: str) -> TraceReference | None:
    """The trace of a stored W3C ``traceparent`` (None when the event was published untraced)."""
    match = _TRACEPARENT.match(traceparent)
    if not match or set(match["trace_id"]) == {"0"}:
        return None
    trace_id = match["trace_id"]
    template = settings.TRACE_URL_TEMPLATE
    # Not str.format: a Grafana Explore URL carries JSON braces of its own.
    return TraceReference(trace_id=trace_id, url=template.replace("{trace_id}", trace_id))
