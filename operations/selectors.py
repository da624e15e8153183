"""Reads for duties: who was booked on a disrupted flight (with their onward segment), and business status."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from events.leasing import OPEN
from events.models import Delivery
from passengers.models import Passenger
from passengers.selectors import next_segments_after
from rights.duties import BusinessStatus, DutyStatus, business_status

from .models import Duty

OBSERVER = "duties"


@dataclass(frozen=True)
class Booked:
    """A booking on the disrupted flight as of the event: its passengers, and when its next segment departs."""

    booking_id: int
    passenger_ids: tuple[int, ...]
    next_departure: dt.datetime | None


def booked_on(flight_id: int, *, as_of: dt.datetime) -> list[Booked]:
    """Every booking on the flight at ``as_of``, with the estimated departure of its segment after the flight
    (two queries)."""
    after = next_segments_after(flight_id, as_of=as_of)
    passengers: dict[int, list[int]] = defaultdict(list)
    rows = Passenger.objects.filter(booking_id__in=list(after)).order_by("id").values_list("booking_id", "id")
    for booking_id, passenger_id in rows:
        passengers[booking_id].append(passenger_id)
    return [Booked(b, tuple(passengers[b]), leg.departure if leg else None) for b, leg in after.items()]


def business_statuses(root_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, BusinessStatus]:
    """The business status of each disruption (POLICY.md "Duties"; ADR 8), in two queries.

    ``handled`` also needs the observer to have handled every event of the flow: until then duties may still be
    added.
    """
    roots = list(root_ids)
    open_duties = dict(
        Duty.objects.filter(root_id__in=roots, status=DutyStatus.OPEN)
        .values("root_id")
        .annotate(n=Count("id"))
        .values_list("root_id", "n")
    )
    counts = (
        Delivery.objects.filter(event__root_id__in=roots)
        .values("event__root_id")
        .annotate(
            running=Count("id", filter=Q(status__in=OPEN)),
            observing=Count("id", filter=Q(status__in=OPEN, subscriber=OBSERVER)),
        )
        .values_list("event__root_id", "running", "observing")
    )
    running = {root: (n, observing) for root, n, observing in counts}
    statuses = {}
    for root in roots:
        active, observing = running.get(root, (0, 0))
        status = business_status(open_duties=open_duties.get(root, 0), deliveries_running=bool(active))
        if status is BusinessStatus.HANDLED and observing:
            status = BusinessStatus.IN_PROGRESS
        statuses[root] = status
    return statuses
