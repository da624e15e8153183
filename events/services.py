"""Publishing events: the transactional outbox."""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.db.models import F

from airline import clock
from observability import outbox_spans

from . import registry
from .contracts import EventFacts, EventPayload
from .dispatch import dispatch_on_commit, marked_sent
from .models import Delivery, DeliveryStatus, Event


class NotInTransaction(RuntimeError):
    """``publish`` was called outside a transaction: the event could be lost or orphaned."""


def publish(
    payload: EventPayload,
    *,
    flight_id: int | None = None,
    caused_by: EventFacts | None = None,
    drill: bool = False,
) -> Event:
    """Write the event ``payload`` describes and one pending delivery per subscriber, in the caller's transaction.

    The event type and version are the payload model's. The deliveries are sent to their queues once the
    transaction commits; if the broker is unreachable then, the relay sends them later. ``caused_by`` is the
    event being handled when this one is published in reaction to it: the new event joins its flow.
    """
    if not connection.in_atomic_block:
        raise NotInTransaction("publish() must run inside the transaction of the change it reports")
    event_type = str(payload.event_type)
    event_id = uuid.uuid4()
    event = Event.objects.create(
        id=event_id,
        type=event_type,
        version=payload.version,
        payload=payload.as_json(),
        occurred_at=clock.now(),
        flight_id=flight_id,
        caused_by_id=caused_by.id if caused_by else None,
        root_id=caused_by.root_id if caused_by else event_id,
        drill=drill or bool(caused_by and caused_by.drill),
        trace_context=outbox_spans.published(event_type, event_id),
    )
    sent = marked_sent()
    deliveries = Delivery.objects.bulk_create(
        Delivery(event=event, subscriber=s.subscriber, queue=s.queue, **sent)
        for s in registry.subscriptions_for(event_type)
    )
    dispatch_on_commit(deliveries)
    return event


@transaction.atomic
def redeliver(delivery_ids: list[int]) -> int:
    """Give failed or dead deliveries a fresh set of attempts and send them again (operator action)."""
    deliveries = list(
        Delivery.objects.select_for_update().filter(
            id__in=delivery_ids, status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD]
        )
    )
    Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=None,
        finished_at=None,
        **marked_sent(F("dispatch_count") + 1),
    )
    dispatch_on_commit(deliveries)
    return len(deliveries)
