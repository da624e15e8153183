"""The open network rebooking reads: only the flights its parties can reach, and every itinerary the whole network
would give them."""

from __future__ import annotations

from collections import Counter

import pytest

from flights.models import Airport, Flight, FlightStatus
from flights.services import cancel_flight, delay_flight
from rebooking.domain import FlightOption
from rebooking.search import Network
from rebooking.selectors import StrandedBooking, open_network, stranded_bookings
from tests.support.scenarios import load_network as _load
from tests.support.scenarios import scenario_booking as _booking
from tests.support.scenarios import scenario_flight as _flight

pytestmark = pytest.mark.django_db

AIRPORTS = [
    {"code": code, "min_connection_minutes": mct}
    for code, mct in (("LHR", 45), ("JFK", 60), ("BOS", 40), ("CDG", 50), ("MAD", 30), ("SFO", 60), ("FRA", 45))
]


@pytest.fixture
def spokes(tmp_path) -> None:
    """NV100 LHR→JFK is the flight to disrupt; its passengers can go on direct, via BOS or CDG (hubs that are
    neither their disruption point nor a destination), or via JFK to SFO; MAD→JFK, LHR→FRA and CDG→BOS lead
    nowhere they can use."""
    _load(
        [
            _flight("1", "CDG", "LHR", "07:00", "08:00"),
            _flight("100", "LHR", "JFK", "10:00", "18:00"),
            _flight("102", "LHR", "JFK", "14:00", "22:00", Y=1),
            _flight("110", "LHR", "BOS", "11:00", "18:00"),
            _flight("112", "BOS", "JFK", "19:00", "20:30"),
            _flight("114", "BOS", "SFO", "19:30", "23:30"),
            _flight("120", "LHR", "CDG", "10:30", "11:30", J=1, Y=10),
            _flight("122", "CDG", "JFK", "13:00", "21:00", J=2),
            _flight("130", "MAD", "JFK", "12:00", "20:00"),
            _flight("140", "LHR", "FRA", "12:00", "13:30"),
            _flight("150", "CDG", "BOS", "12:30", "19:30"),
            _flight("300", "JFK", "SFO", "23:00", "2026-11-26T02:00", Y=1),
        ],
        [
            _booking("TWOJFK", [("100", "Y")], size=2),
            _booking("TOSFOO", [("100", "Y"), ("300", "Y")]),
            _booking("CONNEX", [("1", "Y"), ("100", "Y")]),
        ],
        tmp_path,
        airports=AIRPORTS,
    )


def _get(number: str) -> Flight:
    return Flight.objects.get(carrier_id="NV", number=number)


def _whole_network(stranded: list[StrandedBooking]) -> Network:
    """Every open flight, its replaced seats counted free: the network ``open_network`` must agree with."""
    released: Counter[tuple[int, str]] = Counter()
    for booking in stranded:
        for segment in booking.replaced:
            released[segment.flight_id, segment.cabin] += booking.party.size
    options = [
        FlightOption(
            id=flight.id,
            designator=str(flight.ref),
            origin=flight.origin_id,
            destination=flight.destination_id,
            departure=flight.estimated_departure,
            arrival=flight.estimated_arrival,
            free_seats={
                cabin: flight.seats(cabin) - flight.booked(cabin) + released[flight.id, cabin]
                for cabin in "FJY"
                if flight.seats(cabin)
            },
        )
        for flight in Flight.objects.exclude(status=FlightStatus.CANCELLED)
    ]
    return Network(options, dict(Airport.objects.values_list("code", "min_connection_minutes")))


def _routes(network: Network, booking: StrandedBooking) -> list[tuple[str, ...]]:
    return [tuple(f.designator.split("/")[0] for f in c.flights) for c in network.candidates(booking.party)]


def test_a_cancellation_reads_every_itinerary_the_whole_network_gives(spokes) -> None:
    event = cancel_flight(flight=_get("100"), reason="TECH")
    stranded = stranded_bookings(_get("100"), event_time=event.occurred_at)
    destinations = {b.party.locator: b.party.destination for b in stranded}
    assert destinations == {"TWOJFK": "JFK", "TOSFOO": "SFO", "CONNEX": "JFK"}
    narrowed, whole = open_network(stranded), _whole_network(stranded)
    routes = {b.party.locator: _routes(narrowed, b) for b in stranded}
    assert routes == {
        "TWOJFK": [("NV110", "NV112"), ("NV120", "NV122")],  # 2 passengers: NV102 has 1 seat
        "TOSFOO": [("NV110", "NV114"), ("NV102", "NV300")],  # NV300's seat is its own, freed
        "CONNEX": [("NV110", "NV112"), ("NV120", "NV122"), ("NV102",)],
    }
    for booking in stranded:
        assert narrowed.candidates(booking.party) == whole.candidates(booking.party), booking.party.locator


def test_a_misconnect_reads_every_itinerary_the_whole_network_gives(spokes) -> None:
    event = delay_flight(flight=_get("1"), delay_minutes=120, reason="TECH")
    stranded = stranded_bookings(_get("1"), event_time=event.occurred_at)
    (booking,) = stranded
    assert (booking.party.origin, booking.party.destination) == ("LHR", "JFK")
    assert _routes(open_network(stranded), booking) == _routes(_whole_network(stranded), booking)
    assert open_network(stranded).candidates(booking.party) == _whole_network(stranded).candidates(booking.party)
