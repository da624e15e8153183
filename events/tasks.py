"""Celery tasks of the event backbone (thin: ids in, services do the work)."""

from __future__ import annotations

from celery import shared_task

from . import relay as relay_module
from . import runner


@shared_task(name="events.run_delivery", acks_late=True, reject_on_worker_lost=True)
def deliver(delivery_id: int) -> str:
    """Run one delivery (sent to the subscriber's own queue, the routing key: ``events.dispatch``; the task keeps its
    registered name)."""
    queue = (deliver.request.delivery_info or {}).get("routing_key")
    return runner.run_delivery(int(delivery_id), task_id=deliver.request.id or "", queue=queue)


@shared_task(name="events.relay", acks_late=True, ignore_result=True)
def relay() -> dict[str, int]:
    """Send whatever is due and was not sent (scheduled every few seconds by beat)."""
    report = relay_module.relay_once()
    return {"dispatched": report.dispatched, "buried": report.buried}
