"""Reads of events: flow completion of disruptions."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from .models import DeliveryStatus, Event

COMPLETED = "completed"
FAILED = "failed"
IN_PROGRESS = "in_progress"


def with_flow_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate root events with their flow's delivery counts (chained events included), in one query."""
    deliveries = "flow_events__deliveries"
    return events.annotate(
        flow_total=Count(deliveries),
        flow_done=Count(deliveries, filter=Q(flow_events__deliveries__status=DeliveryStatus.DONE)),
        flow_dead=Count(deliveries, filter=Q(flow_events__deliveries__status=DeliveryStatus.DEAD)),
    )


def flow_status(*, total: int, done: int, dead: int) -> str:
    """``completed`` when every delivery is done, ``failed`` when any is dead, else ``in_progress``."""
    if done == total:
        return COMPLETED
    if dead:
        return FAILED
    return IN_PROGRESS


def disruptions() -> QuerySet[Event]:
    """Root events (disruptions) with their flow counts, newest first."""
    return with_flow_counts(Event.objects.filter(root=F("id")))


def status_of(event: Event) -> str:
    """The flow status of a root event."""
    annotated = with_flow_counts(Event.objects.filter(pk=event.root_id)).get()
    return flow_status(total=annotated.flow_total, done=annotated.flow_done, dead=annotated.flow_dead)
