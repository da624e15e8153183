"""Which spans are kept: every span of a flow, none of the machinery's idle chatter.

A client span with no parent (a broker poll, a cache read outside any request or task) starts no flow: kept, it
would be a one-span trace per poll per worker, every second. Everything else is kept, so a disruption's trace is
whole; sample in the collector (tail-based, per trace) rather than here, where a ratio would cut flows apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, get_current_span
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes


class FlowSampler(Sampler):
    """Drops root client spans; records every other span (and so every child of a recorded one)."""

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        """Drop a client span that has no valid parent; record the rest."""
        parent = get_current_span(parent_context).get_span_context()
        if kind == SpanKind.CLIENT and not parent.is_valid:
            return SamplingResult(Decision.DROP)
        return ALWAYS_ON.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return "FlowSampler"
