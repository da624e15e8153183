"""Reads for duties: who was booked on a disrupted flight (with their onward segment), their passengers, business
status, and what the duty page needs to act on one duty (where its passenger is stranded, who shares their room,
their notices)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from airline import clock
from events.leasing import OPEN
from events.models import Delivery
from flights.models import Airport
from lodging.models import HotelStay, StayStatus
from notifications.models import PassengerMessage, PassengerMessageKind
from passengers.models import Passenger
from passengers.selectors import next_segments_after
from rebooking.models import Reaccommodation
from rights.duties import BusinessStatus, DutyKind, DutyStatus, business_status

from .drill_rows import without_drills
from .models import Duty

OBSERVER = "duties"


def onward_departures(flight_id: int, *, as_of: dt.datetime) -> dict[int, dt.datetime | None]:
    """Every booking on the flight at ``as_of``, by id, with the estimated departure of its segment after the
    flight (None when its journey ended with it) (one query)."""
    return {b: leg.departure if leg else None for b, leg in next_segments_after(flight_id, as_of=as_of).items()}


def passengers_of(booking_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """The passengers of each of the bookings that has any, by booking id, in id order (one query, none for no
    booking)."""
    ids = sorted(set(booking_ids))
    if not ids:
        return {}
    passengers: dict[int, list[int]] = defaultdict(list)
    rows = Passenger.objects.filter(booking_id__in=ids).order_by("id").values_list("booking_id", "id")
    for booking_id, passenger_id in rows:
        passengers[booking_id].append(passenger_id)
    return {booking_id: tuple(members) for booking_id, members in passengers.items()}


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


@dataclass(frozen=True)
class OpenCount:
    """Duties of one kind open, and how many of them are past due."""

    open: int
    overdue: int


def open_duty_counts() -> dict[DutyKind, OpenCount]:
    """Open and overdue duties of every kind, across all real disruptions (drills' left out; one aggregate query)."""
    rows = (
        without_drills(Duty.objects.filter(status=DutyStatus.OPEN))
        .values("kind")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due__lt=clock.now())))
        .order_by()
    )
    counts = {row["kind"]: OpenCount(open=row["open"], overdue=row["overdue"]) for row in rows}
    return {kind: counts.get(kind.value, OpenCount(open=0, overdue=0)) for kind in DutyKind}


@dataclass(frozen=True)
class Stranded:
    """Where and for which night a duty's passenger is owed a room, and the unaccommodated stay, if any."""

    airport: Airport
    night: dt.date
    unaccommodated: HotelStay | None


def stranded(duty: Duty) -> Stranded:
    """Where the duty's passenger is stranded: at the airport of their unaccommodated stay for the flight, else
    where their reaccommodation case says they were disrupted (the connection, for a misconnect), else the
    flight's origin; the night is the stay's, else the local date of the duty's due time there."""
    unaccommodated = HotelStay.objects.filter(status=StayStatus.UNACCOMMODATED)
    stay = (
        unaccommodated.filter(passenger_id=duty.passenger_id, flight_id=duty.flight_id)
        .select_related("airport")
        .order_by("night")
        .first()
    )
    if stay is not None:
        return Stranded(stay.airport, stay.night, stay)
    case = (
        Reaccommodation.objects.filter(booking__passengers=duty.passenger_id, disrupted_flight_id=duty.flight_id)
        .select_related("disruption_airport")
        .first()
    )
    airport = case.disruption_airport if case else duty.flight.origin
    return Stranded(airport, duty.due.astimezone(airport.tzinfo).date(), None)


def hotel_party(duty: Duty) -> list[Passenger]:
    """The passengers of the duty passenger's booking whose hotel duty of the same disruption is open: they share
    the rooms an operator books (the duty's passenger first)."""
    duties = Duty.objects.filter(
        root_id=duty.root_id, kind=DutyKind.HOTEL, status=DutyStatus.OPEN, passenger__booking=duty.passenger.booking_id
    )
    party = [duty.passenger_id, *duties.exclude(passenger_id=duty.passenger_id).values_list("passenger_id", flat=True)]
    return sorted(Passenger.objects.filter(id__in=party), key=lambda p: (p.id != duty.passenger_id, p.id))


def rights_notices(duty: Duty) -> QuerySet[PassengerMessage]:
    """The notices of rights written for the duty's passenger about its flight (one per channel), drill notices
    for a drill's duty, real ones for a real disruption's."""
    return PassengerMessage.objects.filter(
        passenger_id=duty.passenger_id,
        flight_id=duty.flight_id,
        kind=PassengerMessageKind.RIGHTS_NOTICE,
        drill=duty.root.drill,
    )


def reaccommodation_case(duty: Duty) -> Reaccommodation | None:
    """The reaccommodation case of the duty passenger's booking for the disrupted flight, if one was opened."""
    return Reaccommodation.objects.filter(
        booking_id=duty.passenger.booking_id, disrupted_flight_id=duty.flight_id
    ).first()
