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

    The messages go through one producer in one publish batch (on Redis one pipeline, one round trip; brokers
    without batches, RabbitMQ among them, publish each at once), to the default exchange with the queue's name
    as routing key: every broker routes that to the queue without a binding lookup. A countdown on RabbitMQ
    still goes through Celery's delayed-delivery exchanges (Celery replaces the exchange then).

    On a broker error nothing is marked sent, even what may have reached the broker (a batch's outcome is
    uncertain): the relay sends it all again, and a message sent twice is harmless (the claim). ``dispatched_at``
    stays unchanged and the relay sends them when the broker is back.
    """
    from .tasks import deliver

    try:
        with deliver.app.producer_or_acquire() as producer, producer.batch():
            for delivery in deliveries:
                deliver.apply_async(
                    args=[delivery.id],
                    queue=delivery.queue,
                    exchange="",
                    routing_key=delivery.queue,
                    countdown=countdown,
                    producer=producer,
                )
    except Exception:  # kombu raises a variety of connection errors
        logger.exception("broker unreachable: %d deliveries left for the relay", len(deliveries))
        return 0
    Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
        dispatched_at=timezone.now(), dispatch_count=F("dispatch_count") + 1
    )
    return len(deliveries)


def dispatch_on_commit(deliveries: Sequence[Delivery]) -> None:
    """Dispatch ``deliveries`` once the current transaction commits (never before)."""
    if deliveries:
        transaction.on_commit(lambda: dispatch(deliveries), robust=True)
