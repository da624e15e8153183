"""Reads of events: flow completion of disruptions."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Delivery, DeliveryStatus, Event

COMPLETED = "completed"
FAILED = "failed"
IN_PROGRESS = "in_progress"


def _flow_count(status: str | None = None) -> Coalesce:
    deliveries = Delivery.objects.filter(event__root_id=OuterRef("root_id"))
    if status:
        deliveries = deliveries.filter(status=status)
    counted = deliveries.order_by().values("event__root_id").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_flow_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate events with the delivery counts of their whole flow (the root and every chained event)."""
    return events.annotate(
        flow_total=_flow_count(),
        flow_done=_flow_count(DeliveryStatus.DONE),
        flow_dead=_flow_count(DeliveryStatus.DEAD),
    )


def flow_status(*, total: int, done: int, dead: int) -> str:
    """``completed`` when every delivery is done, ``failed`` when any is dead, else ``in_progress``."""
    if done == total:
        return COMPLETED
    if dead:
        return FAILED
    return IN_PROGRESS


def status_of_annotated(event: Event) -> str:
    """The flow status of an event from :func:`with_flow_counts`."""
    return flow_status(total=event.flow_total, done=event.flow_done, dead=event.flow_dead)


def disruptions() -> QuerySet[Event]:
    """Root events (disruptions) with their flow counts, newest first."""
    return with_flow_counts(Event.objects.filter(root=F("id")))


def status_of(event: Event) -> str:
    """The flow status of the flow ``event`` belongs to."""
    return status_of_annotated(with_flow_counts(Event.objects.filter(pk=event.pk)).get())


def flow_deliveries(root_ids: list[object]) -> dict[object, list[Delivery]]:
    """Every delivery of the flows of ``root_ids`` (chained events included), grouped by root, in one query."""
    grouped: dict[object, list[Delivery]] = {root_id: [] for root_id in root_ids}
    deliveries = (
        Delivery.objects.filter(event__root_id__in=root_ids)
        .select_related("event")
        .order_by("event__occurred_at", "subscriber")
    )
    for delivery in deliveries:
        grouped[delivery.event.root_id].append(delivery)
    return grouped
