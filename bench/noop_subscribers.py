"""No-op subscribers and a plain Celery no-op task, for measuring the backbone's own overhead."""

from __future__ import annotations

from celery import shared_task

from events.catalogue import EventSpec, define
from events.models import Event
from events.registry import subscriber

define(EventSpec("bench.ping", 1, {"n": int}))

QUEUES = ("rebooking", "vouchers", "lodging", "partners", "notifications")


def _noop(event: Event) -> None:
    return None


for _queue in QUEUES:
    subscriber(f"bench-{_queue}", on=["bench.ping"], queue=_queue)(_noop)


@shared_task(name="bench.noop", ignore_result=True)
def noop(n: int) -> None:
    """A plain Celery task that does nothing: the baseline."""
