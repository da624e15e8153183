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
from passengers.selectors import segments_as_of
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
    journeys = segments_as_of(as_of)
    on_flight = journeys.filter(flight_id=flight_id).values("booking_id")
    segments = (
        journeys.filter(booking_id__in=on_flight)
        .order_by("booking_id", "position")
        .values_list("booking_id", "flight_id", "flight__estimated_departure")
    )
    next_departure: dict[int, dt.datetime | None] = {}
    previous: tuple[int, int] | None = None
    for booking_id, leg_flight_id, departure in segments:
        next_departure.setdefault(booking_id, None)
        if previous == (booking_id, flight_id):
            next_departure[booking_id] = departure
        previous = (booking_id, leg_flight_id)
    passengers: dict[int, list[int]] = defaultdict(list)
    rows = Passenger.objects.filter(booking_id__in=list(next_departure)).order_by("id").values_list("booking_id", "id")
    for booking_id, passenger_id in rows:
        passengers[booking_id].append(passenger_id)
    return [Booked(b, tuple(passengers[b]), departure) for b, departure in next_departure.items()]


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
