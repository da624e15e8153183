"""Reads of passengers: who was on which flight, as of a moment.

Every subscriber asks "who was on flight X" here, as of its event's ``occurred_at``: the journeys as the
event saw them, whatever rebooking (or an operator) has changed since. Rebooking, which changes journeys,
asks as of now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from flights.models import Airport
from flights.selectors import Site, site_lookups

from .models import Passenger, Segment, SegmentStatus


def segments_as_of(moment: dt.datetime) -> QuerySet[Segment]:
    """The segments that were active at ``moment``: the journeys as an event published then saw them."""
    return Segment.objects.filter(
        Q(added_at__isnull=True) | Q(added_at__lte=moment),
        Q(status=SegmentStatus.ACTIVE) | Q(ended_at__gt=moment),
    )


def bookings_on_flight_ids(flight_id: int, *, as_of: dt.datetime) -> QuerySet:
    """The ids of the bookings whose journey included the flight at ``as_of`` (a subquery)."""
    return segments_as_of(as_of).filter(flight_id=flight_id).values("booking_id")


def passengers_on_flight(flight_id: int, *, as_of: dt.datetime) -> QuerySet[Passenger]:
    """Every passenger whose journey included the flight at ``as_of``."""
    return Passenger.objects.filter(booking_id__in=bookings_on_flight_ids(flight_id, as_of=as_of))


@dataclass(frozen=True)
class BookingOnFlight:
    """A booking on a flight: its locator and its passengers' ids (in id order)."""

    booking_id: int
    locator: str
    passenger_ids: tuple[int, ...]


def bookings_on_flight(flight_id: int, *, as_of: dt.datetime) -> list[BookingOnFlight]:
    """Every booking whose journey included the flight at ``as_of``, with its passengers (one query)."""
    return _by_booking(passengers_on_flight(flight_id, as_of=as_of))


def bookings_ending_with(flight_id: int, *, as_of: dt.datetime) -> list[BookingOnFlight]:
    """The bookings on the flight at ``as_of`` whose journey then ended with it (one query).

    Read as of the event, so the answer is the same whether rebooking has already moved a misconnected party on
    or not.
    """
    last_flight = (
        segments_as_of(as_of).filter(booking_id=OuterRef("booking_id")).order_by("-position").values("flight_id")[:1]
    )
    return _by_booking(
        passengers_on_flight(flight_id, as_of=as_of)
        .alias(last_flight=Subquery(last_flight))
        .filter(last_flight=flight_id)
    )


def _by_booking(passengers: QuerySet[Passenger]) -> list[BookingOnFlight]:
    """The bookings of ``passengers``, in id order, each with its passengers among them."""
    rows = passengers.order_by("booking_id", "id").values_list("booking_id", "booking__locator", "id")
    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    for booking_id, locator, passenger_id in rows:
        members[booking_id, locator].append(passenger_id)
    return [BookingOnFlight(booking_id, locator, tuple(ids)) for (booking_id, locator), ids in members.items()]


def as_ticketed(booking_ids: Iterable[int]) -> QuerySet[Segment]:
    """The bookings' segments as they were loaded (rebooking adds segments, marked ``added_at``, and removes
    none), in journey order."""
    return Segment.objects.filter(booking_id__in=list(booking_ids), added_at__isnull=True).order_by(
        "booking_id", "position"
    )


@dataclass(frozen=True)
class Journey:
    """A booking's journey as it was ticketed: where it starts, where it finally ends, its first flight and the
    arrival it was ticketed for (compensation measures the arrival delay against it, Folkerts C-11/11)."""

    origin: Airport
    destination: Airport
    first_flight_id: int
    ticketed_arrival: dt.datetime


def journeys(booking_ids: Iterable[int]) -> dict[int, Journey]:
    """Every booking's journey as ticketed, by booking id (two queries).

    Its segments as the booking was loaded (rebooking adds segments and removes none): rebooking keeps the origin
    and the final destination, so the journey's band, first flight and ticketed arrival are those it was ticketed
    with.
    """
    legs = as_ticketed(booking_ids).values_list(
        "booking_id", "flight_id", "flight__origin_id", "flight__destination_id", "flight__scheduled_arrival"
    )
    first: dict[int, tuple[int, str]] = {}
    last: dict[int, tuple[str, dt.datetime]] = {}
    for booking_id, flight_id, origin, destination, arrival in legs:
        first.setdefault(booking_id, (flight_id, origin))
        last[booking_id] = destination, arrival
    airports = Airport.objects.in_bulk({origin for _, origin in first.values()} | {d for d, _ in last.values()})
    return {
        booking_id: Journey(
            origin=airports[origin],
            destination=airports[last[booking_id][0]],
            first_flight_id=flight_id,
            ticketed_arrival=last[booking_id][1],
        )
        for booking_id, (flight_id, origin) in first.items()
    }


@dataclass(frozen=True)
class SitedJourney:
    """A booking's journey as it was ticketed, as :class:`Journey`, with its end airports' ``Site`` (what the
    rulebook reads of them) in place of the airports."""

    origin: Site
    destination: Site
    first_flight_id: int
    ticketed_arrival: dt.datetime


def sited_journeys(booking_ids: Iterable[int]) -> dict[int, SitedJourney]:
    """Every booking's journey as ticketed, by booking id, as :func:`journeys` reads it but in one query: the
    airports' facts come with the legs."""
    legs = as_ticketed(booking_ids).values_list(
        "booking_id",
        "flight_id",
        *site_lookups("flight__origin"),
        *site_lookups("flight__destination"),
        "flight__scheduled_arrival",
    )
    first: dict[int, tuple[Any, ...]] = {}
    last: dict[int, tuple[Any, ...]] = {}
    for leg in legs:
        first.setdefault(leg[0], leg)
        last[leg[0]] = leg
    return {
        booking_id: SitedJourney(
            origin=Site(*leg[2:6]),
            destination=Site(*last[booking_id][6:10]),
            first_flight_id=leg[1],
            ticketed_arrival=last[booking_id][10],
        )
        for booking_id, leg in first.items()
    }


def ticketed_arrivals(booking_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """The arrival each booking was ticketed for: the scheduled arrival of its last segment as it was loaded
    (rebooking adds segments, marked ``added_at``, and never removes one), however often it was rebooked since.
    Compensation and arrival delays are measured against it (Folkerts C-11/11). One query."""
    rows = as_ticketed(booking_ids).values_list("booking_id", "flight__scheduled_arrival")
    return dict(rows)  # the last position of each booking wins


@dataclass(frozen=True)
class NextSegment:
    """A booking's segment after a given flight: which flight, in which cabin, departing when (estimated)."""

    flight_id: int
    cabin: str
    departure: dt.datetime


def next_segments_after(flight_id: int, *, as_of: dt.datetime) -> dict[int, NextSegment | None]:
    """Every booking on the flight at ``as_of``, by id, with its segment right after the flight then (None when
    its journey ended with it). Read as the journeys stood, so rebooking, which may already have moved the
    passengers on, stays out of the answer. One query."""
    journeys = segments_as_of(as_of)
    segments = (
        journeys.filter(booking_id__in=journeys.filter(flight_id=flight_id).values("booking_id"))
        .order_by("booking_id", "position")
        .values_list("booking_id", "flight_id", "cabin", "flight__estimated_departure")
    )
    after: dict[int, NextSegment | None] = {}
    previous: tuple[int, int] | None = None
    for booking_id, leg_flight_id, cabin, departure in segments:
        after.setdefault(booking_id, None)
        if previous == (booking_id, flight_id):
            after[booking_id] = NextSegment(leg_flight_id, cabin, departure)
        previous = (booking_id, leg_flight_id)
    return after
