"""Sending deliveries to their subscribers' queues (ids only, never payloads)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Delivery

logger = logging.getLogger(__name__)


def dispatch(deliveries: Sequence[Delivery], *, countdown: float | None = None) -> int:
    """Send one ``events.run_delivery`` task (``events.tasks.deliver``) per delivery to its queue; return the
    number sent.

    Stops at the first broker error: what was not sent keeps ``dispatched_at``
    unchanged, and the relay sends it when the broker is back.
    """
    from .tasks import deliver

    sent: list[int] = []
    try:
        for delivery in deliveries:
            deliver.apply_async(args=[delivery.id], queue=delivery.queue, countdown=countdown)
            sent.append(delivery.id)
    except Exception:  # kombu raises a variety of connection errors
        logger.exception("broker unreachable: %d deliveries left for the relay", len(deliveries) - len(sent))
    if sent:
        Delivery.objects.filter(id__in=sent).update(
            dispatched_at=timezone.now(), dispatch_count=F("dispatch_count") + 1
        )
    return len(sent)


def dispatch_on_commit(deliveries: Sequence[Delivery]) -> None:
    """Dispatch ``deliveries`` once the current transaction commits (never before)."""
    if deliveries:
        transaction.on_commit(lambda: dispatch(deliveries), robust=True)
