"""The correlation id (the root event's id) carried into every log line of a flow."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

_current: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")


@contextlib.contextmanager
def correlation(correlation_id: object) -> Iterator[None]:
    """Tag every log record made inside the block with ``correlation_id``."""
    token = _current.set(str(correlation_id))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    """The correlation id of the running flow or request (``-`` outside one)."""
    return _current.get()


class CorrelationFilter(logging.Filter):
    """Adds ``record.correlation_id`` for the log format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = current()
        return True
