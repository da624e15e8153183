"""How many waiting deliveries a claim takes along: as many as its queue's recent handlers fit in one batch.

A batch commits once its handlers took ``EVENTS_BATCH_SECONDS`` and gives back, and sends again, what it did not
reach (docs/adr/0015). Taking along more than that only costs messages: each one given back is sent again, and
its first message, arriving later, finds it taken and skips. So each worker process keeps a moving average of
its handlers' seconds per delivery on each queue and takes along only as many as fit; a queue it has not run
yet gets the full ``EVENTS_CLAIM_BATCH``.
"""

from __future__ import annotations

import math

from django.conf import settings

WEIGHT = 0.2  # of the newest run in the moving average: a slow spell shows within a few runs, one outlier does not

_seconds_per_delivery: dict[str, float] = {}


def observe(queue: str, seconds: float, deliveries: int) -> None:
    """Record that ``deliveries`` of ``queue`` took ``seconds`` of handler time in this process."""
    if deliveries < 1:
        return
    newest = seconds / deliveries
    known = _seconds_per_delivery.get(queue)
    _seconds_per_delivery[queue] = newest if known is None else known + WEIGHT * (newest - known)


def take_along(queue: str | None) -> int:
    """How many waiting deliveries of ``queue`` (None: not known) a claim of one of its deliveries takes along."""
    limit = settings.EVENTS_CLAIM_BATCH - 1
    pace = _seconds_per_delivery.get(queue) if queue else None
    if not pace:
        return limit
    fit = math.ceil(settings.EVENTS_BATCH_SECONDS / pace)  # a batch runs handlers until the time is up
    return max(0, min(limit, fit - 1))


def stands_in(queue: str | None) -> bool:
    """Whether a message of ``queue`` whose delivery another claim finished claims waiting ones in its place: when
    the queue's handlers are quick enough for a claim to take the whole batch along. Its messages, not its handlers,
    then limit how fast the queue goes, and a message that skipped would leave the worker idle while deliveries
    wait for their own messages further back. With slower handlers the worker is busy with them anyway, and a
    stand-in would only move the skips of those it took to the end of the queue."""
    limit = settings.EVENTS_CLAIM_BATCH - 1
    return limit > 0 and take_along(queue) == limit
