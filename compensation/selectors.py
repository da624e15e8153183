"""Compensation's reads, in bulk: journeys as ticketed (band, regime and arrival are the whole journey's), which
journeys a flight ended as of an event, and the records held."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flights.models import Airport, Flight
from passengers.models import Segment
from passengers.selectors import BookingOnFlight, bookings_on_flight, bookings_on_flight_ids, segments_as_of
from rights.bands import Band, band_between
from rights.regime import Regime

from .models import Entitlement


@dataclass(frozen=True)
class Journey:
    """A booking's journey as it was ticketed: where it starts, where it finally ends, and its first flight."""

    origin: Airport
    destination: Airport
    first_flight_id: int

    def band(self, regime: Regime) -> Band:
        """The distance band of the whole journey (connections do not add up) under ``regime``."""
        return band_between(self.origin, self.destination, uk261=regime is Regime.UK261)


@dataclass(frozen=True)
class Held:
    """A record already held for a passenger's journey."""

    flight_id: int
    status: str
    assessed_on: dt.datetime | None
    """When the event it was last assessed on happened (None when that event is gone)."""


def journeys(booking_ids: Iterable[int]) -> dict[int, Journey]:
    """Every booking's journey as ticketed, by booking id (two queries).

    Its segments as the booking was loaded (rebooking adds segments and removes none): rebooking keeps the origin
    and the final destination, so the journey's band and first flight are those it was ticketed with.
    """
    legs = (
        Segment.objects.filter(booking_id__in=list(booking_ids), added_at__isnull=True)
        .order_by("booking_id", "position")
        .values_list("booking_id", "flight_id", "flight__origin_id", "flight__destination_id")
    )
    first: dict[int, tuple[int, str]] = {}
    last: dict[int, str] = {}
    for booking_id, flight_id, origin, destination in legs:
        first.setdefault(booking_id, (flight_id, origin))
        last[booking_id] = destination
    airports = Airport.objects.in_bulk({origin for _, origin in first.values()} | set(last.values()))
    return {
        booking_id: Journey(origin=airports[origin], destination=airports[last[booking_id]], first_flight_id=flight_id)
        for booking_id, (flight_id, origin) in first.items()
    }


def bookings_ending_with(flight_id: int, *, as_of: dt.datetime) -> list[BookingOnFlight]:
    """The bookings on the flight at ``as_of`` whose journey then ended with it (two queries).

    Read as of the event, so the answer is the same whether rebooking has already moved a misconnected party on
    or not.
    """
    on_flight = bookings_on_flight(flight_id, as_of=as_of)
    last_flights = dict(
        segments_as_of(as_of)
        .filter(booking_id__in=bookings_on_flight_ids(flight_id, as_of=as_of))
        .order_by("booking_id", "position")
        .values_list("booking_id", "flight_id")
    )  # the last position of each booking wins
    return [booking for booking in on_flight if last_flights.get(booking.booking_id) == flight_id]


def estimated_arrivals(flight_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """The estimated arrival of each flight (one query)."""
    return dict(Flight.objects.filter(id__in=list(flight_ids)).values_list("id", "estimated_arrival"))


def held_records(passenger_ids: Iterable[int]) -> dict[tuple[int, int], Held]:
    """The records held for these passengers, by (passenger id, booking id) (one query)."""
    rows = Entitlement.objects.filter(passenger_id__in=list(passenger_ids)).values_list(
        "passenger_id", "booking_id", "flight_id", "status", "event__occurred_at"
    )
    return {
        (passenger_id, booking_id): Held(flight_id, status, assessed_on)
        for passenger_id, booking_id, flight_id, status, assessed_on in rows
    }
