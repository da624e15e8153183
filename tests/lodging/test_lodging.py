"""Overnight stays wired to events: rooms per booking in rank order, unaccommodated when full, idempotent, bulk;
only where the disrupted flight's regime gives care; a hotel for misconnects left with no way on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.services import publish
from events.types import EventType
from flights.models import Airline, Flight
from flights.services import cancel_flight, delay_flight
from lodging.models import HotelStay, RoomNight
from passengers.models import Booking
from tests.support.flows import handle, payload_of, run_subscriber
from tests.support.scenarios import DAY, load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db

NEXT_DAY = "2026-11-26"
NIGHT = dt.date.fromisoformat(DAY)


def _hotels(*rooms: int, airport: str = "LHR", night: str = DAY) -> list[dict[str, Any]]:
    """Hotels at ``airport`` ranked in the order given, with ``rooms`` each for ``night``."""
    return [
        {"code": f"{airport}-H{n + 1}", "airport": airport, "name": f"Hotel {n + 1}", "rooms": {night: count}}
        for n, count in enumerate(rooms)
    ]


def _get(number: str) -> Flight:
    return Flight.objects.get(number=number)


def _stays() -> dict[str, tuple[str | None, str, str]]:
    """Passenger ref → (hotel code, night, status)."""
    return {
        ref: (hotel, night.isoformat(), status)
        for ref, hotel, night, status in HotelStay.objects.values_list(
            "passenger__ref", "hotel__code", "night", "status"
        )
    }


def _used() -> dict[str, int]:
    return dict(RoomNight.objects.values_list("hotel__code", "rooms_used"))


@pytest.fixture
def evening(tmp_path: Path) -> Flight:
    """NV100 leaves LHR at 20:00; LHR-H1 (3 rooms) is ranked before LHR-H2 (2 rooms)."""
    load_network(
        [scenario_flight("100", "LHR", "JFK", "20:00", f"{NEXT_DAY}T04:00", Y=20)],
        [
            scenario_booking("AAAAAA", [("100", "Y")], size=2),
            scenario_booking("BBBBBB", [("100", "Y")], size=3),
            scenario_booking("CCCCCC", [("100", "Y")], size=1),
            scenario_booking("DDDDDD", [("100", "Y")], size=4),
        ],
        tmp_path,
        hotels=_hotels(3, 2),
    )
    return _get("100")


def test_an_overnight_delay_books_rooms_per_booking_in_rank_order(evening: Flight) -> None:
    event = delay_flight(flight=evening, delay_minutes=300, reason="TECH")  # departs 01:00 the next day
    assert run_subscriber(event, "lodging") == {"booked": 6, "unaccommodated": 4, "rooms": 4}
    stays = _stays()
    # H1 (3 rooms): AAAAAA 1 room + BBBBBB 2 rooms. H2 (2 rooms): CCCCCC 1 room; DDDDDD needs 2 and is never split.
    assert {ref: stay[0] for ref, stay in stays.items()} == {
        "AAAAAA-1": "LHR-H1", "AAAAAA-2": "LHR-H1",
        "BBBBBB-1": "LHR-H1", "BBBBBB-2": "LHR-H1", "BBBBBB-3": "LHR-H1",
        "CCCCCC-1": "LHR-H2",
        "DDDDDD-1": None, "DDDDDD-2": None, "DDDDDD-3": None, "DDDDDD-4": None,
    }  # fmt: skip
    assert {stay[1] for stay in stays.values()} == {DAY}, "the night of the scheduled departure date"
    assert {ref for ref, stay in stays.items() if stay[2] == "unaccommodated"} == {f"DDDDDD-{n}" for n in range(1, 5)}
    assert _used() == {"LHR-H1": 3, "LHR-H2": 1}
    booked = Event.objects.get(type="hotel.booked")
    assert booked.caused_by_id == event.id
    assert (booked.payload["booked"], booked.payload["unaccommodated"]) == (6, 4)
    by_locator = {entry["locator"]: entry for entry in booked.payload["stays"]}
    assert by_locator["BBBBBB"] | {"passenger_ids": None, "stay_ids": None, "booking_id": None} == {
        "booking_id": None, "locator": "BBBBBB", "passenger_ids": None, "stay_ids": None, "airport": "LHR",
        "night": DAY, "status": "booked", "hotel": "LHR-H1", "hotel_name": "Hotel 1", "rooms": 2,
    }  # fmt: skip
    assert len(by_locator["DDDDDD"]["passenger_ids"]) == 4 and by_locator["DDDDDD"]["hotel"] is None


def test_a_delay_that_departs_the_same_day_books_nothing(evening: Flight) -> None:
    event = delay_flight(flight=evening, delay_minutes=239, reason="TECH")  # 23:59
    assert run_subscriber(event, "lodging") == {"booked": 0, "unaccommodated": 0, "rooms": 0}
    assert not HotelStay.objects.exists()
    assert not Event.objects.filter(type="hotel.booked").exists()


def test_a_redelivered_or_repeated_delay_books_nothing_more(evening: Flight) -> None:
    event = delay_flight(flight=evening, delay_minutes=300, reason="TECH")
    run_subscriber(event, "lodging")
    before = (_stays(), _used())
    assert handle(event, "lodging") == {"booked": 0, "unaccommodated": 0, "rooms": 0}
    assert run_subscriber(delay_flight(flight=evening, delay_minutes=360), "lodging")["booked"] == 0
    assert (_stays(), _used()) == before
    assert Event.objects.filter(type="hotel.booked").count() == 1


def _reaccommodated(event: Event) -> Event:
    run_subscriber(event, "rebooking")
    return Event.objects.get(type="passenger.reaccommodated", caused_by=event)


def test_rebooked_onto_a_later_day_after_a_cancellation_stays_at_the_origin(tmp_path: Path) -> None:
    load_network(
        [
            scenario_flight("100", "LHR", "JFK", "18:00", f"{NEXT_DAY}T02:00", Y=10),
            scenario_flight("101", "LHR", "JFK", "22:00", f"{NEXT_DAY}T06:00", Y=2),
            scenario_flight("102", "LHR", "JFK", "10:00", "18:00", date=NEXT_DAY, Y=3),
        ],
        [scenario_booking(locator, [("100", "Y")], size=size)
         for locator, size in (("AAAAAA", 2), ("BBBBBB", 1), ("CCCCCC", 2), ("DDDDDD", 2))],
        tmp_path,
        hotels=_hotels(10),
    )  # fmt: skip
    chained = _reaccommodated(cancel_flight(flight=_get("100"), reason="TECH"))
    parties = {party["locator"]: party for party in chained.payload["parties"]}
    next_day = {loc for loc, p in parties.items() if p["first_departure"] and p["first_departure"] >= NEXT_DAY}
    same_day = {loc for loc, p in parties.items() if p["first_departure"] and p["first_departure"] < NEXT_DAY}
    unprotected = {loc for loc, p in parties.items() if p["status"] == "unprotected"}
    assert (len(next_day), len(same_day), len(unprotected)) == (2, 1, 1)
    result = run_subscriber(chained, "lodging")
    assert result == {"booked": 3, "unaccommodated": 0, "rooms": 2}
    assert {ref.split("-")[0] for ref in _stays()} == next_day
    assert set(HotelStay.objects.values_list("airport", "night", "cause")) == {("LHR", NIGHT, "cancellation")}


def test_stranded_overnight_at_a_connection_stays_at_the_connecting_airport(tmp_path: Path) -> None:
    load_network(
        [
            scenario_flight("1", "CDG", "LHR", "18:00", "19:00"),
            scenario_flight("100", "LHR", "JFK", "20:00", f"{NEXT_DAY}T04:00"),
            scenario_flight("102", "LHR", "JFK", "10:00", "18:00", date=NEXT_DAY),
        ],
        [scenario_booking("CONNEX", [("1", "Y"), ("100", "Y")], size=3)],
        tmp_path,
        hotels=_hotels(1) + _hotels(5, airport="CDG"),
    )
    delayed = delay_flight(flight=_get("1"), delay_minutes=90, reason="TECH")  # lands 20:30, NV100 has left
    assert run_subscriber(delayed, "lodging")["booked"] == 0, "no overnight at CDG"
    assert run_subscriber(_reaccommodated(delayed), "lodging") == {"booked": 0, "unaccommodated": 3, "rooms": 0}
    assert set(HotelStay.objects.values_list("airport", "night", "cause", "status")) == {
        ("LHR", NIGHT, "misconnect", "unaccommodated")
    }, "2 rooms for 3 passengers: LHR-H1's single room cannot take the booking"


@pytest.fixture
def stranded(tmp_path: Path) -> Flight:
    """NV1 LHR→CDG lands 19:15 UTC for NV100 CDG→JFK at 20:30, the only flight on (Paris is UTC+1 in November);
    CDG-H1 has rooms on the 25th and the 26th."""
    rooms = {DAY: 5, NEXT_DAY: 5}
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59")],
        [scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=3)],
        tmp_path,
        hotels=[{"code": "CDG-H1", "airport": "CDG", "name": "Roissy", "rooms": rooms}],
    )
    return _get("1")


@pytest.mark.parametrize(
    ("delay_minutes", "night"),
    [(224, DAY), (225, NEXT_DAY)],  # lands 22:59 UTC = 23:59 in Paris; 23:00 UTC = 00:00 on the 26th
)
def test_a_misconnect_with_no_way_on_stays_at_the_connection_the_night_of_its_local_arrival_date(
    stranded: Flight, delay_minutes: int, night: str
) -> None:
    chained = _reaccommodated(delay_flight(flight=stranded, delay_minutes=delay_minutes, reason="TECH"))
    (party,) = chained.payload["parties"]
    assert (party["cause"], party["status"], party["disruption_airport"]) == ("misconnect", "unprotected", "CDG")
    assert run_subscriber(chained, "lodging") == {"booked": 3, "unaccommodated": 0, "rooms": 2}
    assert _stays() == {f"STRAND-{n}": ("CDG-H1", night, "booked") for n in (1, 2, 3)}
    assert set(HotelStay.objects.values_list("cause", flat=True)) == {"stranded"}
    assert handle(chained, "lodging")["booked"] == 0, "redelivered: nothing more"


def _reaccommodation(flight: Flight, *, cause: str, status: str, first_departure: str | None) -> Event:
    """A ``passenger.reaccommodated`` of ``flight`` for every booking on it, published as rebooking would."""
    parties = [
        {"case_id": n, "booking_id": booking.id, "locator": booking.locator,
         "passenger_ids": list(booking.passengers.values_list("id", flat=True)), "cause": cause, "status": status,
         "disruption_airport": flight.origin_id, "available_from": flight.scheduled_departure.isoformat(),
         "first_departure": first_departure, "arrival_delay_minutes": None, "new": [], "removed": [], "added": []}
        for n, booking in enumerate(Booking.objects.filter(segments__flight=flight).order_by("id"), start=1)
    ]  # fmt: skip
    payload = {
        "flight_id": flight.id, "flight": str(flight.ref), "disruption": "flight.cancelled",
        "scheduled_departure": flight.scheduled_departure.isoformat(),
        "estimated_arrival": flight.estimated_arrival.isoformat(), "refund_allowed": True, "optimal": True,
        "parties": parties,
    }  # fmt: skip
    return publish(payload_of(EventType.PASSENGER_REACCOMMODATED, payload))


def test_unprotected_after_a_cancellation_get_no_automatic_stay(evening: Flight) -> None:
    chained = _reaccommodation(evening, cause="cancelled", status="unprotected", first_departure=None)
    assert run_subscriber(chained, "lodging") == {"booked": 0, "unaccommodated": 0, "rooms": 0}
    assert not HotelStay.objects.exists()


@pytest.fixture
def inbound(tmp_path: Path) -> Flight:
    """NV200 JFK→LHR at 20:00 (New York time 15:00) on an airline licensed nowhere: under no regime."""
    load_network(
        [scenario_flight("200", "JFK", "LHR", "20:00", f"{NEXT_DAY}T03:00", Y=20)],
        [scenario_booking("NOLAW1", [("200", "Y")], size=2)],
        tmp_path,
        hotels=_hotels(5, airport="JFK"),
    )
    return _get("200")


def test_no_stay_where_no_regime_applies(inbound: Flight) -> None:
    overnight = delay_flight(flight=inbound, delay_minutes=600, reason="TECH")  # 01:00 in New York the next day
    assert run_subscriber(overnight, "lodging") == {"booked": 0, "unaccommodated": 0, "rooms": 0}
    next_day = f"{NEXT_DAY}T15:00:00+00:00"
    for chained in (
        _reaccommodation(inbound, cause="cancelled", status="rebooked", first_departure=next_day),
        _reaccommodation(inbound, cause="misconnect", status="unprotected", first_departure=None),
    ):
        assert run_subscriber(chained, "lodging") == {"booked": 0, "unaccommodated": 0, "rooms": 0}
    assert not HotelStay.objects.exists()


def test_the_same_flight_on_a_carrier_licensed_in_gb_gets_stays(inbound: Flight) -> None:
    Airline.objects.filter(code="NV").update(country="GB")  # now under UK261 (it lands in GB)
    overnight = delay_flight(flight=inbound, delay_minutes=600, reason="TECH")
    assert run_subscriber(overnight, "lodging") == {"booked": 2, "unaccommodated": 0, "rooms": 1}


def _queries_to_lodge(tmp_path: Path, passengers: int) -> int:
    load_network(
        [scenario_flight("100", "LHR", "JFK", "20:00", f"{NEXT_DAY}T04:00", Y=400)],
        [scenario_booking(f"L{n:05d}", [("100", "Y")], size=2) for n in range(passengers // 2)],
        tmp_path,
        hotels=_hotels(3, 200),  # both sizes fill LHR-H1 and go on to LHR-H2: one UPDATE per hotel
    )
    event = delay_flight(flight=_get("100"), delay_minutes=300, reason="TECH")
    with CaptureQueriesContext(connection) as queries:
        assert handle(event, "lodging")["booked"] == passengers
    return len(queries)


def test_the_query_count_does_not_grow_with_passengers(tmp_path: Path) -> None:
    assert _queries_to_lodge(tmp_path, 10) == _queries_to_lodge(tmp_path, 300)


def _queries_after_cancellation(tmp_path: Path, passengers: int) -> int:
    load_network(
        [
            scenario_flight("100", "LHR", "JFK", "20:00", f"{NEXT_DAY}T04:00", Y=400),
            scenario_flight("102", "LHR", "JFK", "10:00", "18:00", date=NEXT_DAY, Y=400),
        ],
        [scenario_booking(f"R{n:05d}", [("100", "Y")], size=2) for n in range(passengers // 2)],
        tmp_path,
        hotels=_hotels(3, 200),
    )
    chained = _reaccommodated(cancel_flight(flight=_get("100"), reason="TECH"))
    with CaptureQueriesContext(connection) as queries:
        assert handle(chained, "lodging")["booked"] == passengers
    return len(queries)


def test_the_query_count_after_a_reaccommodation_does_not_grow_with_passengers(tmp_path: Path) -> None:
    assert _queries_after_cancellation(tmp_path, 10) == _queries_after_cancellation(tmp_path, 300)
