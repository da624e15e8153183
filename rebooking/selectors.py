"""Reads for rebooking: who a disruption strands, and the flights open to them (bulk, constant query count)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from airline import clock
from flights.models import Airport, Flight, FlightStatus
from passengers.models import Passenger, Segment, SegmentStatus
from passengers.selectors import bookings_on_flight_ids, ticketed_arrivals

from .domain import FlightOption, Party, Traveller, sector_cabins
from .models import Cause
from .search import MAX_LATE_ARRIVAL, Network


@dataclass(frozen=True)
class StrandedBooking:
    """A booking a disruption strands: its whole active journey and the part that must be replaced."""

    party: Party
    cause: str
    journey: tuple[Segment, ...]
    replace_from: int  # index into journey of the first segment to replace
    passengers: tuple[Passenger, ...]

    @property
    def kept(self) -> tuple[Segment, ...]:
        return self.journey[: self.replace_from]

    @property
    def replaced(self) -> tuple[Segment, ...]:
        return self.journey[self.replace_from :]


def stranded_bookings(flight: Flight, *, event_time: dt.datetime) -> list[StrandedBooking]:
    """Everyone a cancelled flight strands, or every misconnect of a delayed one (four queries in all).

    Cancelled: every booking on it, from its origin, available from its scheduled departure.
    Delayed: every booking whose next segment departs before the new estimated arrival plus the
    connecting airport's minimum connection time, from the connecting airport, available from then.
    ``event_time`` is when the disruption happened: no flight departing earlier than 30 minutes after it
    is offered. Each party's arrival delay and 72-hour horizon count from the arrival its booking was
    ticketed for.

    Unlike the other subscribers, rebooking reads the journeys as they are now, not as of its event: it
    rewrites them, so it must start from what an earlier rebooking (or an operator) left.
    """
    on_flight = bookings_on_flight_ids(flight.id, as_of=clock.now())
    segments = (
        Segment.objects.filter(booking_id__in=on_flight, status=SegmentStatus.ACTIVE)
        .select_related("flight", "flight__origin", "flight__destination", "booking")
        .order_by("booking_id", "position")
    )
    journeys: dict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        journeys[segment.booking_id].append(segment)
    passengers: dict[int, list[Passenger]] = defaultdict(list)
    for passenger in Passenger.objects.filter(booking_id__in=journeys).order_by("booking_id", "ref"):
        passengers[passenger.booking_id].append(passenger)
    ticketed = ticketed_arrivals(journeys)
    stranded = (
        _stranded(flight, tuple(journey), tuple(passengers[key]), event_time=event_time, ticketed=ticketed[key])
        for key, journey in journeys.items()
    )
    return [booking for booking in stranded if booking is not None]


def _stranded(
    flight: Flight,
    journey: tuple[Segment, ...],
    passengers: tuple[Passenger, ...],
    *,
    event_time: dt.datetime,
    ticketed: dt.datetime,
) -> StrandedBooking | None:
    index = next(i for i, segment in enumerate(journey) if segment.flight_id == flight.id)
    if flight.status == FlightStatus.CANCELLED:
        cause, replace_from, airport, available = Cause.CANCELLED, index, flight.origin, flight.scheduled_departure
    else:
        if index + 1 >= len(journey):
            return None
        available = flight.estimated_arrival + dt.timedelta(minutes=flight.destination.min_connection_minutes)
        if journey[index + 1].flight.estimated_departure >= available:
            return None
        cause, replace_from, airport = Cause.MISCONNECT, index + 1, flight.destination
    replaced = journey[replace_from:]
    party = Party(
        booking_id=journey[0].booking_id,
        locator=journey[0].booking.locator,
        travellers=tuple(Traveller(id=p.id, tier=p.tier, assistance=tuple(p.assistance)) for p in passengers),
        cabin=replaced[0].cabin,
        origin=airport.code,
        destination=journey[-1].flight.destination_id,
        available_from=available,
        scheduled_arrival=ticketed,
        event_time=event_time,
        sector_cabins=sector_cabins((s.flight.origin_id, s.cabin) for s in replaced),
    )
    return StrandedBooking(party=party, cause=cause, journey=journey, replace_from=replace_from, passengers=passengers)


def open_network(stranded: Iterable[StrandedBooking]) -> Network:
    """The flights the stranded may be rebooked on, with seats freed by their own replaced segments counted free."""
    stranded = list(stranded)
    released: dict[tuple[int, str], int] = defaultdict(int)
    for booking in stranded:
        for segment in booking.replaced:
            released[segment.flight_id, segment.cabin] += booking.party.size
    earliest = min(b.party.earliest_departure for b in stranded)
    latest = max(b.party.scheduled_arrival for b in stranded) + MAX_LATE_ARRIVAL
    flights = Flight.objects.filter(
        ~Q(status=FlightStatus.CANCELLED), estimated_departure__gte=earliest, estimated_departure__lte=latest
    )
    options = [_option(flight, released) for flight in flights]
    connections = dict(Airport.objects.values_list("code", "min_connection_minutes"))
    return Network(options, connections)


def _option(flight: Flight, released: dict[tuple[int, str], int]) -> FlightOption:
    free = {
        cabin: flight.seats(cabin) - flight.booked(cabin) + released.get((flight.id, cabin), 0)
        for cabin in ("F", "J", "Y")
        if flight.seats(cabin)
    }
    return FlightOption(
        id=flight.id,
        designator=str(flight.ref),
        origin=flight.origin_id,
        destination=flight.destination_id,
        departure=flight.estimated_departure,
        arrival=flight.estimated_arrival,
        free_seats=free,
    )
