"""Reads for rebooking: who a disruption strands, and the flights open to them (bulk, constant query count)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from airline import clock
from events.models import Event
from events.types import EventType
from flights.designators import FlightRef
from flights.models import Airport, Flight, FlightStatus
from flights.selectors import regime_of
from passengers.models import Passenger, Segment, SegmentStatus
from passengers.selectors import bookings_on_flight_ids, ticketed_arrivals
from rights.connections import missed, onward_from

from . import inventory
from .domain import FlightOption, Party, Traveller, sector_cabins
from .models import CaseStatus, Cause, Reaccommodation
from .refund_right import refund_refusal
from .refusals import DecisionError, Refusal
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
    """Everyone a cancelled flight strands, or every misconnect of a delayed one (four queries in all, five for
    a delay).

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
    cancelled = flight.status == FlightStatus.CANCELLED
    segments = (
        Segment.objects.filter(
            booking_id__in=on_flight if cancelled else _connecting_too_late(flight, on_flight),
            status=SegmentStatus.ACTIVE,
        )
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


def _connecting_too_late(flight: Flight, bookings: QuerySet) -> list[int]:
    """The ids of ``bookings`` (a subquery) whose next active segment after the delayed ``flight`` departs before
    its new arrival plus the connecting airport's minimum connection time (one query): a delay strands no other,
    so only these journeys are read whole (most of a hub flight's passengers connect in time or end there)."""
    mct = flight.destination.min_connection_minutes
    legs = (
        Segment.objects.filter(booking_id__in=bookings, status=SegmentStatus.ACTIVE)
        .order_by("booking_id", "position")
        .values_list("booking_id", "flight_id", "flight__estimated_departure")
    )
    late: list[int] = []
    previous: tuple[int, int] | None = None
    for booking_id, flight_id, departure in legs:
        if previous == (booking_id, flight.id) and missed(
            next_departure=departure, arrival=flight.estimated_arrival, min_connection_minutes=mct
        ):
            late.append(booking_id)
        previous = (booking_id, flight_id)
    return late


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
        mct = flight.destination.min_connection_minutes
        available = onward_from(flight.estimated_arrival, min_connection_minutes=mct)
        if not missed(
            next_departure=journey[index + 1].flight.estimated_departure,
            arrival=flight.estimated_arrival,
            min_connection_minutes=mct,
        ):
            return None
        cause, replace_from, airport = Cause.MISCONNECT, index + 1, flight.destination
    replaced = journey[replace_from:]
    party = Party(
        booking_id=journey[0].booking_id,
        locator=journey[0].booking.locator,
        travellers=tuple(Traveller.of(p) for p in passengers),
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
    """The flights the stranded may be rebooked on, with seats freed by their own replaced segments counted free.

    Only the flights an itinerary of theirs can use are read (one query): those from a disruption point to a
    final destination or to a hub with a flight on to one, and those from a hub a disruption point has a flight
    to on to a final destination. Every flight of such a city pair in the window is there, so each party's
    candidates are those the whole open network would give (``Network.candidates`` reads no other pair).
    """
    stranded = list(stranded)
    released: inventory.SeatTally = Counter()
    for booking in stranded:
        released += inventory.seats_for(((s.flight_id, s.cabin) for s in booking.replaced), booking.party.size)
    earliest = min(b.party.earliest_departure for b in stranded)
    latest = max(b.party.scheduled_arrival for b in stranded) + MAX_LATE_ARRIVAL
    origins = {b.party.origin for b in stranded}
    destinations = {b.party.destination for b in stranded}
    open_flights = Flight.objects.filter(
        ~Q(status=FlightStatus.CANCELLED), estimated_departure__gte=earliest, estimated_departure__lte=latest
    )
    onward_hubs = open_flights.filter(destination_id__in=destinations).values("origin_id")
    reached_hubs = open_flights.filter(origin_id__in=origins).values("destination_id")
    rows = open_flights.filter(
        Q(origin_id__in=origins, destination_id__in=destinations)
        | Q(origin_id__in=origins, destination_id__in=onward_hubs)
        | Q(origin_id__in=reached_hubs, destination_id__in=destinations)
    ).values_list(*OPTION_COLUMNS)
    options = [_option(row, released) for row in rows]
    connections = dict(Airport.objects.values_list("code", "min_connection_minutes"))
    return Network(options, connections)


# The columns a flight option is made of: read as tuples, as the network is most of a hub's flights.
OPTION_COLUMNS = ("id", "carrier_id", "number", "service_date", "origin_id", "destination_id", "estimated_departure",
                  "estimated_arrival", "seats_f", "seats_j", "seats_y", "booked_f", "booked_j", "booked_y")  # fmt: skip


def _option(row: tuple, released: dict[tuple[int, str], int]) -> FlightOption:
    flight_id, carrier, number, date, origin, destination, departure, arrival, *counts = row
    seats, booked = dict(zip("FJY", counts[:3], strict=True)), dict(zip("FJY", counts[3:], strict=True))
    free = {
        cabin: seats[cabin] - booked[cabin] + released.get((flight_id, cabin), 0) for cabin in "FJY" if seats[cabin]
    }
    return FlightOption(
        id=flight_id,
        designator=str(FlightRef.of(carrier, number, date)),
        origin=origin,
        destination=destination,
        departure=departure,
        arrival=arrival,
        free_seats=free,
    )


@dataclass(frozen=True)
class RefundGround:
    """Where a booking's refund is recorded: on ``case`` (None: a new case row for it), for ``flight`` and its
    disruption ``event``. ``journey`` is the booking's active segments now, ``released`` those of them from that
    flight on (not yet flown), whose seats the refund gives back."""

    case: Reaccommodation | None
    flight: Flight
    event: Event
    journey: tuple[Segment, ...]
    released: tuple[Segment, ...]


def refund_refusal_of(flight: Flight) -> Refusal | None:
    """Why the passengers of ``flight`` may not choose a refund now (None: they may); reads its regime's facts
    (origin, destination, carrier: select them with the flight)."""
    return refund_refusal(
        cancelled=flight.status == FlightStatus.CANCELLED, delay_minutes=flight.delay_minutes, regime=regime_of(flight)
    )


def refund_ground(booking_id: int) -> RefundGround:
    """Where a refund of the booking is owed now (POLICY "Refund (Art. 8)"), or :class:`DecisionError`.

    First the booking's latest case, when its disrupted flight gives the right now; else the first flight of
    its journey now that gives it (a passenger with no case, or whose case came from another flight), on the
    case of that flight's latest delay or cancellation if the booking has one, else on a new case row.
    """
    latest = (
        Reaccommodation.objects.filter(booking_id=booking_id)
        .select_related(*_flight_facts("disrupted_flight"), "event")
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.status == CaseStatus.REFUNDED:
        raise DecisionError(Refusal.ALREADY_REFUNDED, "the booking was refunded already")
    journey = tuple(
        Segment.objects.filter(booking_id=booking_id, status=SegmentStatus.ACTIVE)
        .select_related(*_flight_facts("flight"))
        .order_by("position")
    )
    refusals = []
    if latest is not None:
        refusal = refund_refusal_of(latest.disrupted_flight)
        if refusal is None:
            return RefundGround(latest, latest.disrupted_flight, latest.event, journey, _from_case(latest, journey))
        refusals.append(refusal)
    for segment in journey:
        refusal = refund_refusal_of(segment.flight)
        if refusal is None:
            return _ground_on(booking_id, segment, journey)
        refusals.append(refusal)
    if Refusal.NO_REGIME in refusals:
        raise DecisionError(Refusal.NO_REGIME, "no refund is owed where neither EU261 nor UK261 applies")
    raise DecisionError(
        Refusal.DELAY_UNDER_300_MINUTES, "a refund is offered after a cancellation or a delay of 300 minutes or more"
    )


def refund_refused(booking_id: int) -> DecisionError | None:
    """Why the booking may not choose a refund now, or None when it may (see :func:`refund_ground`)."""
    try:
        refund_ground(booking_id)
    except DecisionError as refused:
        return refused
    return None


def _flight_facts(relation: str) -> tuple[str, ...]:
    return relation, f"{relation}__origin", f"{relation}__destination", f"{relation}__carrier"


def _from_case(case: Reaccommodation, journey: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """The active segments from the case's disrupted flight on: its place in the journey the case replaced."""
    first = 1 + next(i for i, leg in enumerate(case.old) if leg["flight_id"] == case.disrupted_flight_id)
    return tuple(segment for segment in journey if segment.position >= first)


def _ground_on(booking_id: int, segment: Segment, journey: tuple[Segment, ...]) -> RefundGround:
    """The refund on ``segment``'s flight: recorded on the booking's case of its latest disruption, if any."""
    event = Event.objects.filter(
        flight_id=segment.flight_id,
        caused_by__isnull=True,
        type__in=[EventType.FLIGHT_DELAYED, EventType.FLIGHT_CANCELLED],
    ).latest("occurred_at")
    case = Reaccommodation.objects.filter(event=event, booking_id=booking_id).first()
    if case is not None and case.status == CaseStatus.REFUNDED:
        raise DecisionError(Refusal.ALREADY_REFUNDED, "the booking was refunded already")
    released = tuple(s for s in journey if s.position >= segment.position)
    return RefundGround(case, segment.flight, event, journey, released)
