"""What the operations-control dashboard shows: today's and upcoming disruptions, open duties by kind, and the
queues that need an operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from airline import clock
from events.models import Delivery, DeliveryStatus, Event
from events.selectors import disruptions, status_of_annotated
from flights.models import DrillRun, DrillVerdict, FlightStatus
from lodging.models import UnaccommodatedStay
from notifications.models import PartnerMessage, PartnerMessageStatus
from rebooking.models import CaseStatus, Reaccommodation
from rights.duties import DutyKind, DutyStatus

from .drill_rows import without_drills
from .models import Duty
from .selectors import business_statuses, open_duty_counts


@dataclass(frozen=True)
class Queue:
    """A count of things waiting for an operator, and the filtered list where they act on them."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class KindCount:
    """Open and overdue duties of one kind, each with the duties list filtered to them."""

    kind: str
    open: int
    overdue: int
    open_url: str
    overdue_url: str


UPCOMING = dt.timedelta(hours=48)


def _today() -> dt.datetime:
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0)


def _duties_by_root_and_kind(root_ids: list[Any]) -> dict[Any, list[str]]:
    """``meal 3 open (1 overdue)`` per kind with open duties, for each disruption (one aggregate query)."""
    rows = (
        Duty.objects.filter(root_id__in=root_ids, status=DutyStatus.OPEN)
        .values("root_id", "kind")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due__lt=clock.now())))
        .order_by("root_id", "kind")
    )
    by_root: dict[Any, list[str]] = {root_id: [] for root_id in root_ids}
    for row in rows:
        late = f" ({row['overdue']} overdue)" if row["overdue"] else ""
        by_root[row["root_id"]].append(f"{row['kind'].replace('_', ' ')} {row['open']} open{late}")
    return by_root


def todays_disruptions() -> list[dict[str, Any]]:
    """Today's disruptions (root events), and those of flights still disrupted that depart within 48 h, newest
    first, with their flow's progress, business status and open duties by kind (a constant number of queries)."""
    now = clock.now()
    upcoming = Q(
        flight__status__in=[FlightStatus.DELAYED, FlightStatus.CANCELLED],
        flight__estimated_departure__range=(now, now + UPCOMING),
    )
    events: list[Event] = list(
        disruptions()
        .filter(Q(occurred_at__gte=_today()) | upcoming)
        .select_related("flight__origin", "flight__destination")
        .order_by("-occurred_at")[:100]
    )
    ids = [event.id for event in events]
    business = business_statuses(ids)
    duties = _duties_by_root_and_kind(ids)
    return [
        {
            "event": event,
            "status": status_of_annotated(event),
            "business_status": business[event.id],
            "business_label": business[event.id].replace("_", " "),
            "done": event.flow_done,
            "total": event.flow_total,
            "percent": round(100 * event.flow_done / event.flow_total) if event.flow_total else 100,
            "duties": duties[event.id],
            "url": reverse("admin:events_event_change", args=[event.pk]),
        }
        for event in events
    ]


def duties_by_kind() -> list[KindCount]:
    """Open and overdue duties of every kind, across all real disruptions (one aggregate query)."""
    counts = open_duty_counts()
    duties = reverse("admin:operations_duty_changelist") + "?status__exact=open&kind__exact="
    return [
        KindCount(
            kind=kind.value.replace("_", " "),
            open=counts[kind].open,
            overdue=counts[kind].overdue,
            open_url=duties + kind.value,
            overdue_url=f"{duties}{kind.value}&overdue=yes",
        )
        for kind in DutyKind
    ]


def queues() -> list[Queue]:
    """Duties overdue and open, passengers unprotected, stays unaccommodated, deliveries and partner messages
    dead (drill flows' left out: ADR 11), delay drills failed."""
    duties = reverse("admin:operations_duty_changelist")
    return [
        Queue(
            "Duties overdue",
            without_drills(Duty.objects.filter(status="open", due__lt=clock.now())).count(),
            duties + "?status__exact=open&overdue=yes",
        ),
        Queue(
            "Duties open", without_drills(Duty.objects.filter(status="open")).count(), duties + "?status__exact=open"
        ),
        Queue(
            "Passengers' bookings unprotected",
            without_drills(Reaccommodation.objects.filter(status=CaseStatus.UNPROTECTED)).count(),
            reverse("admin:rebooking_reaccommodation_changelist") + "?status__exact=unprotected",
        ),
        Queue(
            "Stays unaccommodated",
            without_drills(UnaccommodatedStay.objects.all()).count(),
            reverse("admin:lodging_unaccommodatedstay_changelist"),
        ),
        Queue(
            "Deliveries dead",
            without_drills(Delivery.objects.filter(status=DeliveryStatus.DEAD)).count(),
            reverse("admin:events_delivery_changelist") + "?status__exact=dead",
        ),
        Queue(
            "Partner messages dead",
            without_drills(PartnerMessage.objects.filter(status=PartnerMessageStatus.DEAD)).count(),
            reverse("admin:notifications_partnermessage_changelist") + "?status__exact=dead",
        ),
        Queue(
            "Drills failed",
            DrillRun.objects.filter(verdict=DrillVerdict.FAILED).count(),
            reverse("admin:flights_drillrun_changelist") + "?verdict__exact=failed",
        ),
    ]
