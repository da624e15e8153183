"""What an HTTP attempt's result means for a partner message, and how long to wait before the next (pure)."""

from __future__ import annotations

import datetime as dt
import enum
from email.utils import parsedate_to_datetime

from events.backoff import retry_wait

RETRIED_STATUSES = frozenset({408, 429})


class Verdict(enum.Enum):
    """What one answer means for the message: delivered, to be retried, or refused (never retried)."""

    DELIVERED = "delivered"
    RETRY = "retry"
    REFUSED = "refused"


def verdict_for(status_code: int | None) -> Verdict:
    """2xx delivers; no answer (timeout, connection error), 408, 429 and 5xx retry; any other status refuses."""
    if status_code is None or status_code in RETRIED_STATUSES or status_code >= 500:
        return Verdict.RETRY
    if 200 <= status_code < 300:
        return Verdict.DELIVERED
    return Verdict.REFUSED


def retry_after_seconds(header: str | None, now: dt.datetime) -> float | None:
    """The wait a ``Retry-After`` header asks for (delta-seconds or an HTTP date), None if absent or unreadable."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


def next_wait(attempt: int, *, base: float, cap: float, retry_after: float | None) -> float:
    """Seconds before the attempt after ``attempt``: jittered exponential backoff, at least what the partner
    asked for, never more than ``cap``."""
    return min(max(retry_wait(attempt, base=base, cap=cap), retry_after or 0.0), cap)
