"""The current trace and span ids on every log record, so a log line leads to its trace and back."""

from __future__ import annotations

import logging

from opentelemetry import trace


class TraceContextFilter(logging.Filter):
    """Adds ``record.trace_id`` and ``record.span_id`` (hex, as tracing backends show them; None outside a span)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = trace.format_trace_id(context.trace_id) if context.is_valid else None
        record.span_id = trace.format_span_id(context.span_id) if context.is_valid else None
        return True
