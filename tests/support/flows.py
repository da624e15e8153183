"""Helpers for tests that drive flows through real workers."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import transaction

from events.models import Event
from events.runner import run_delivery
from events.selectors import status_of
from events.services import publish

from .processes import wait_for


def flush_test_redis() -> None:
    """Empty the test Redis database (queues and cache) so no stale message reaches a new worker."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def publish_now(event_type: str, **payload: object) -> Event:
    """Publish and commit an event."""
    with transaction.atomic():
        return publish(event_type=event_type, payload=payload)


def wait_until_finished(event: Event, timeout: float = 30) -> str:
    """Wait until the event's flow is no longer in progress; return its status."""
    wait_for(lambda: status_of(event) != "in_progress", timeout=timeout, what=f"the flow of {event.type}")
    return status_of(event)


def run_subscriber(event: Event, subscriber: str) -> dict[str, Any]:
    """Run one subscriber's delivery of ``event`` in this process (it must succeed); return what it produced."""
    delivery = event.deliveries.get(subscriber=subscriber)
    status = run_delivery(delivery.id)
    delivery.refresh_from_db()
    assert status == "done", delivery.last_error
    return delivery.result
