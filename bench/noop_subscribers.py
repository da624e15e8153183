"""No-op subscribers and a plain Celery no-op task, for measuring the backbone's own overhead."""

from __future__ import annotations

from typing import ClassVar

from celery import shared_task

from events.contracts import EventFacts, EventPayload
from events.registry import subscriber

QUEUES = ("rebooking", "vouchers", "lodging", "partners", "notifications")


class BenchPing(EventPayload):
    event_type: ClassVar[str] = "bench.ping"
    n: int


def _noop(payload: BenchPing, event: EventFacts) -> None:
    return None


for _queue in QUEUES:
    subscriber(f"bench-{_queue}", on=[BenchPing], queue=_queue)(_noop)


@shared_task(name="bench.noop", ignore_result=True)
def noop(n: int) -> None:
    """A plain Celery task that does nothing: the baseline."""
