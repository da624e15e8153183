"""Reads for partner messages (whose journeys continue on, or were moved to or from, a partner's flight) and for
passenger messages (a booking's journey).

Each answer about partners maps a flight id to ``{passenger id: cabin}``; the number of queries never depends on
how many passengers there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from flights.models import Flight
from passengers.models import Passenger
from passengers.selectors import next_segments_after, segments_as_of
from rebooking.payloads import PassengerRefunded, ReaccommodatedParty

FlightPassengers = dict[int, dict[int, str]]


def next_legs_after(flight_id: int, as_of: dt.datetime) -> FlightPassengers:
    """For every booking on the flight at ``as_of``, its next segment after it then: ``{next flight id:
    {passenger: cabin}}``. Reading the journeys as they stood keeps rebooking (which may already have moved
    the passengers on) out of the answer."""
    next_leg = {booking: leg for booking, leg in next_segments_after(flight_id, as_of=as_of).items() if leg}
    legs: FlightPassengers = defaultdict(dict)
    passengers = Passenger.objects.filter(booking_id__in=list(next_leg)).values_list("id", "booking_id")
    for passenger_id, booking_id in passengers:
        legs[next_leg[booking_id].flight_id][passenger_id] = next_leg[booking_id].cabin
    return dict(legs)


def legs_of_parties(parties: Iterable[ReaccommodatedParty], change: Literal["added", "removed"]) -> FlightPassengers:
    """The legs that reaccommodated ``parties`` were ``added`` to or ``removed`` from."""
    legs: FlightPassengers = defaultdict(dict)
    for party in parties:
        for leg in party.added if change == "added" else party.removed:
            legs[leg.flight_id].update(dict.fromkeys(party.passenger_ids, str(leg.cabin)))
    return dict(legs)


def legs_released(refund: PassengerRefunded) -> FlightPassengers:
    """The legs whose seats a refund gave back, with the party's passengers in each leg's cabin."""
    return {leg.flight_id: dict.fromkeys(refund.passenger_ids, str(leg.cabin)) for leg in refund.released}


def journey_of(booking_id: int, *, as_of: dt.datetime) -> list[str]:
    """The flights (``DESIGNATOR/DATE``) of a booking's journey at ``as_of``, in travel order (one query)."""
    segments = segments_as_of(as_of).filter(booking_id=booking_id).select_related("flight").order_by("position")
    return [str(segment.flight.ref) for segment in segments]


def partner_flights(flight_ids: Iterable[int]) -> dict[int, Flight]:
    """The flights among ``flight_ids`` operated by partner airlines, with their carrier."""
    flights = Flight.objects.filter(id__in=list(flight_ids), carrier__own=False).select_related("carrier")
    return {flight.id: flight for flight in flights}


def passengers_by_id(passenger_ids: Iterable[int]) -> dict[int, Passenger]:
    """Passengers with their booking, by id."""
    return {p.id: p for p in Passenger.objects.filter(id__in=list(passenger_ids)).select_related("booking")}
