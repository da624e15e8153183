"""Helpers for tests that drive flows through real workers."""

from __future__ import annotations

import json
from typing import Any

import redis
from django.conf import settings
from django.db import transaction

from events.contracts import EventPayload, model_for
from events.models import Delivery, Event
from events.runner import call_handler, run_delivery
from events.selectors import status_of
from events.services import publish

from .processes import wait_for


def flush_test_redis() -> None:
    """Empty the test Redis database (queues and cache) so no stale message reaches a new worker."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def payload_of(event_type: str, payload: dict[str, Any]) -> EventPayload:
    """The payload model of ``event_type`` read from ``payload`` as JSON (as a subscriber would decode it)."""
    return model_for(event_type).model_validate_json(json.dumps(payload))


def publish_now(event_type: str, **payload: Any) -> Event:
    """Publish and commit an event."""
    with transaction.atomic():
        return publish(payload_of(event_type, payload))


def wait_until_finished(event: Event, timeout: float = 30) -> str:
    """Wait until the event's flow is no longer in progress; return its status."""
    wait_for(lambda: status_of(event) != "in_progress", timeout=timeout, what=f"the flow of {event.type}")
    return status_of(event)


def handle(event: Event, subscriber: str) -> dict[str, Any]:
    """Call subscriber ``subscriber``'s handler of ``event`` in this process, as its delivery would, without the
    claim, the lease or the outcome record (for query counts and redeliveries of one handler)."""
    return call_handler(event, subscriber)


def run_subscriber(event: Event, subscriber: str) -> dict[str, Any]:
    """Run one subscriber's delivery of ``event`` in this process (it must succeed); return what it produced."""
    delivery = event.deliveries.get(subscriber=subscriber)
    status = run_delivery(delivery.id)
    delivery.refresh_from_db()
    assert status == "done", delivery.last_error
    return delivery.result


def run_flow(root: Event) -> None:
    """Run every delivery of ``root``'s flow in this process, chained events included, until none is left (each
    must succeed)."""
    while pending := list(Delivery.objects.filter(event__root=root, status="pending").values_list("id", flat=True)):
        for delivery_id in pending:
            assert run_delivery(delivery_id) == "done"
