"""Retry waits: exponential backoff with full jitter (pure)."""

from __future__ import annotations

import secrets

_random = secrets.SystemRandom()


def retry_wait(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before attempt ``attempt + 1``: between half and all of ``base·2^(attempt-1)``, capped."""
    ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
    return _random.uniform(ceiling / 2, ceiling)
