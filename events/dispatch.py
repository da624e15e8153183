"""Sending deliveries to their subscribers' queues (ids only, never payloads)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.expressions import Combinable
from django.utils import timezone

from .models import Delivery

logger = logging.getLogger(__name__)


def dispatch(deliveries: Sequence[Delivery], *, countdown: float | None = None) -> int:
    """Send one ``events.run_delivery`` task (``events.tasks.deliver``) per delivery to its queue and mark them sent;
    return the number sent (0 if the broker could not be reached: nothing is marked, the relay sends them later)."""
    if not _send(deliveries, countdown=countdown):
        return 0
    Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
        dispatched_at=timezone.now(), dispatch_count=F("dispatch_count") + 1
    )
    return len(deliveries)


def marked_sent(count: int | Combinable = 1) -> dict[str, Any]:
    """The fields of a delivery that :func:`dispatch_on_commit` will send: sent now, ``count`` times in all."""
    return {"dispatched_at": timezone.now(), "dispatch_count": count}


def dispatch_on_commit(deliveries: Sequence[Delivery]) -> None:
    """Send ``deliveries`` once the current transaction commits (never before).

    The caller writes them :func:`marked_sent` in that transaction: marking them after the send would be a second
    commit, waiting for the disk, for every event published. If the send fails the mark is taken back, so the
    relay sends them at its next sweep; if the process dies between the commit and the send, the relay sends them
    once their mark is ``EVENTS_REDISPATCH_SECONDS`` old, as it does for a message the broker lost (ADR 15).
    """
    if deliveries:
        transaction.on_commit(lambda: _send_or_unmark(deliveries), robust=True)


def _send_or_unmark(deliveries: Sequence[Delivery]) -> None:
    if not _send(deliveries):
        Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
            dispatched_at=None, dispatch_count=F("dispatch_count") - 1
        )


def _send(deliveries: Sequence[Delivery], *, countdown: float | None = None) -> bool:
    """Put one ``events.run_delivery`` message per delivery on its queue; False if the broker could not be reached.

    The messages go through one producer in one publish batch (on Redis one pipeline, one round trip; brokers
    without batches, RabbitMQ among them, publish each at once), to the default exchange with the queue's name
    as routing key: every broker routes that to the queue without a binding lookup. A countdown on RabbitMQ
    still goes through Celery's delayed-delivery exchanges (Celery replaces the exchange then).

    On a broker error the whole batch counts as not sent, even what may have reached the broker (a batch's
    outcome is uncertain): the relay sends it all again, and a message sent twice is harmless (the claim).
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
        return False
    return True


def waiting_messages(queues: Iterable[str]) -> dict[str, int]:
    """How many messages wait in each of ``queues`` on the broker (not those a worker has taken and not yet
    acknowledged); empty if the broker cannot be reached. A queue the broker does not hold counts 0: Redis keeps
    no empty list, and a queue nobody declared holds nothing."""
    from .tasks import deliver

    waiting: dict[str, int] = {}
    try:
        with deliver.app.connection_for_write() as connection:
            for queue in queues:
                with connection.channel() as channel:  # a failed declaration closes its channel on RabbitMQ
                    try:
                        waiting[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                    except connection.channel_errors:
                        waiting[queue] = 0
    except Exception:  # kombu raises a variety of connection errors
        logger.warning("the broker could not tell its queues' backlogs", exc_info=True)
        return {}
    return waiting
