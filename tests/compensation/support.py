"""The networks compensation is tested on, and the events that disrupt them.

Flights are on dates still to come, so rebooking may offer any of them. Airline NV has no licence country unless
a test gives it one: a flight's regime then comes from its departure airport (CDG: EU261, LHR: UK261, JFK: none).
"""

from __future__ import annotations

from pathlib import Path

from django.db.models import F

from compensation.models import Entitlement
from events.models import Event
from events.types import EventType
from flights.models import Flight
from passengers.models import Booking
from tests.support.flows import publish_now, run_subscriber
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

DAY, NEXT_DAY = "2027-11-25", "2027-11-26"


def hub(tmp_path: Path) -> None:
    """NV1 CDG→LHR 20:00–21:00 (EU261, short haul) is the flight to disrupt; LHR's connection time is 45 minutes.

    SHORTS flies only NV1. LONGER comes from JFK on NV50 (no regime: NV is no Community carrier) and ends with NV1:
    a long-haul journey under NV1's EU261. ONWARD goes on to JFK on NV100 at 06:00 the next morning (still connects
    after NV1's delays below). MISSES goes on to JFK on NV101 at 22:00 (ticketed to arrive at 06:00 the next day),
    which a delay of NV1 makes it miss; it can be rebooked on NV103 (00:30, arriving 08:30: 150 minutes late),
    NV100 (arriving 14:00: 480 late) or NV102 (arriving 18:00). NOLAWS flies only NV50.
    """
    load_network(
        [
            scenario_flight("50", "JFK", "CDG", "11:00", "19:00", date=DAY),
            scenario_flight("1", "CDG", "LHR", "20:00", "21:00", date=DAY),
            scenario_flight("101", "LHR", "JFK", "22:00", f"{NEXT_DAY}T06:00", date=DAY),
            scenario_flight("103", "LHR", "JFK", "00:30", "08:30", date=NEXT_DAY),
            scenario_flight("100", "LHR", "JFK", "06:00", "14:00", date=NEXT_DAY),
            scenario_flight("102", "LHR", "JFK", "10:00", "18:00", date=NEXT_DAY),
        ],
        [
            scenario_booking("SHORTS", [("1", "Y")], size=2, date=DAY),
            scenario_booking("LONGER", [("50", "Y"), ("1", "Y")], date=DAY),
            scenario_booking("ONWARD", [("1", "Y"), ("100", "Y", NEXT_DAY)], date=DAY),
            scenario_booking("MISSES", [("1", "Y"), ("101", "Y")], size=2, date=DAY),
            scenario_booking("NOLAWS", [("50", "Y")], date=DAY),
        ],
        tmp_path,
    )


def transatlantic(tmp_path: Path, bookings: int, *, size: int = 1) -> None:
    """NV100 LHR→JFK 10:00–18:00 (UK261, long haul: GBP) with ``bookings`` bookings of ``size`` (C00000, …);
    NV102 14:00–22:00 arrives 240 minutes later."""
    load_network(
        [
            scenario_flight("100", "LHR", "JFK", "10:00", "18:00", date=DAY, Y=400),
            scenario_flight("102", "LHR", "JFK", "14:00", "22:00", date=DAY, Y=400),
        ],
        [scenario_booking(f"C{n:05d}", [("100", "Y")], size=size, date=DAY) for n in range(bookings)],
        tmp_path,
    )


def flight(number: str) -> Flight:
    return Flight.objects.get(number=number)


def records() -> dict[str, Entitlement]:
    """Passenger ref → their record (each passenger here has one booking)."""
    return {e.passenger.ref: e for e in Entitlement.objects.select_related("passenger", "booking", "flight")}


def fill(*numbers: str) -> None:
    """No seat left on these flights."""
    Flight.objects.filter(number__in=numbers).update(seats_y=F("booked_y"))


def reaccommodated(event: Event) -> Event:
    """Run rebooking on ``event``; return the reaccommodation it published."""
    run_subscriber(event, "rebooking")
    return Event.objects.get(type=EventType.PASSENGER_REACCOMMODATED, caused_by=event)


def refund(locator: str, disrupted: Flight) -> Event:
    """Publish (and commit) the refund of ``locator``'s passengers after ``disrupted``'s disruption, as the
    passengers' choice would (compensation reads neither the case nor the released legs)."""
    booking = Booking.objects.get(locator=locator)
    return publish_now(
        EventType.PASSENGER_REFUNDED,
        flight_id=disrupted.id,
        flight=str(disrupted.ref),
        case_id=0,
        booking_id=booking.id,
        locator=locator,
        passenger_ids=sorted(booking.passengers.values_list("id", flat=True)),
        by="passenger",
        released=[],
    )
