"""What the operations-control dashboard shows: today's disruptions and the queues that need an operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from airline import clock
from events.models import Delivery, DeliveryStatus, Event
from events.selectors import disruptions, status_of_annotated
from lodging.models import UnaccommodatedStay
from notifications.models import PartnerMessage, PartnerMessageStatus
from rebooking.models import CaseStatus, Reaccommodation

from .models import Duty
from .selectors import business_statuses


@dataclass(frozen=True)
class Queue:
    """A count of things waiting for an operator, and the filtered list where they act on them."""

    label: str
    count: int
    url: str


def _today() -> dt.datetime:
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0)


def todays_disruptions() -> list[dict[str, Any]]:
    """Today's disruptions (root events), newest first, with their flow's progress (one query)."""
    events: list[Event] = list(disruptions().filter(occurred_at__gte=_today()).order_by("-occurred_at")[:100])
    business = business_statuses(event.id for event in events)
    return [
        {
            "event": event,
            "status": status_of_annotated(event),
            "business_status": business[event.id],
            "business_label": business[event.id].replace("_", " "),
            "done": event.flow_done,
            "total": event.flow_total,
            "percent": round(100 * event.flow_done / event.flow_total) if event.flow_total else 100,
            "url": reverse("admin:events_event_change", args=[event.pk]),
        }
        for event in events
    ]


def queues() -> list[Queue]:
    """Duties overdue and open, passengers unprotected, stays unaccommodated, deliveries and partner messages
    dead."""
    duties = reverse("admin:operations_duty_changelist")
    return [
        Queue(
            "Duties overdue",
            Duty.objects.filter(status="open", due__lt=clock.now()).count(),
            duties + "?status__exact=open&overdue=yes",
        ),
        Queue("Duties open", Duty.objects.filter(status="open").count(), duties + "?status__exact=open"),
        Queue(
            "Passengers' bookings unprotected",
            Reaccommodation.objects.filter(status=CaseStatus.UNPROTECTED).count(),
            reverse("admin:rebooking_reaccommodation_changelist") + "?status__exact=unprotected",
        ),
        Queue(
            "Stays unaccommodated",
            UnaccommodatedStay.objects.count(),
            reverse("admin:lodging_unaccommodatedstay_changelist"),
        ),
        Queue(
            "Deliveries dead",
            Delivery.objects.filter(status=DeliveryStatus.DEAD).count(),
            reverse("admin:events_delivery_changelist") + "?status__exact=dead",
        ),
        Queue(
            "Partner messages dead",
            PartnerMessage.objects.filter(status=PartnerMessageStatus.DEAD).count(),
            reverse("admin:notifications_partnermessage_changelist") + "?status__exact=dead",
        ),
    ]
