"""Seeded random networks around the LHR hub for the what-if tests: connections that a delay breaks, onward
flights with few seats, hotels with few rooms, passengers with and without contacts."""

from __future__ import annotations

import random
from pathlib import Path

from flights.models import Flight
from operations.what_if import Option
from tests.support.scenarios import DAY, load_network, scenario_booking, scenario_flight

INBOUND = [("1", "10:00", "11:15"), ("2", "12:00", "13:15"), ("3", "14:30", "15:45")]  # CDG → LHR
ONWARD_TIMES = ["12:30", "14:00", "15:30", "17:00", "19:00", "21:30"]  # LHR → JFK (8 h) and LHR → CDG (1 h)
DELAYS = [0, 45, 90, 150, 200, 300, 420, 720]


def _clock(hhmm: str, hours: int) -> str:
    h, m = map(int, hhmm.split(":"))
    h += hours
    return f"{DAY}T{h:02d}:{m:02d}" if h < 24 else f"2026-11-26T{h - 24:02d}:{m:02d}"


def load_random_network(rng: random.Random, tmp_path: Path) -> None:
    """A network drawn from ``rng``: 3 inbound flights, 6 onward flights to JFK or CDG with 2–12 seats, 20–35
    bookings (direct or connecting, 1–3 passengers, some without email or phone), hotels at LHR and CDG."""
    flights = [scenario_flight(number, "CDG", "LHR", dep, arr, Y=60) for number, dep, arr in INBOUND]
    onward = []
    for n, departs in enumerate(ONWARD_TIMES):
        to_jfk = rng.random() < 0.5
        number = str(10 + n)
        arrives = _clock(departs, 8 if to_jfk else 1)
        flights.append(
            scenario_flight(number, "LHR", "JFK" if to_jfk else "CDG", departs, arrives, Y=rng.randint(2, 12))
        )
        onward.append((number, departs))
    bookings = []
    seats = {number: 60 for number, _, _ in INBOUND}
    seats |= {f["number"]: f["seats"]["Y"] for f in flights[len(INBOUND) :]}
    for n in range(rng.randint(20, 35)):
        size = rng.choice([1, 1, 1, 2, 3])
        inbound, _, lands = rng.choice(INBOUND)
        legs = [(inbound, "Y")]
        if rng.random() < 0.6:
            later = [number for number, departs in onward if departs >= _after(lands, 60)]
            connection = rng.choice(later)
            if seats[connection] >= size:
                legs.append((connection, "Y"))
                seats[connection] -= size
        contact = {"email": f"p{n}@example.org"} if rng.random() < 0.7 else {}
        if rng.random() < 0.5:
            contact["phone"] = f"+4477009{n:05d}"
        seats[inbound] -= size
        bookings.append(scenario_booking(f"R{n:05d}", legs, size=size, **contact))
    hotels = [
        {"code": "LHR-H1", "airport": "LHR", "name": "Gateway", "rooms": {DAY: rng.randint(0, 6), "2026-11-26": 4}},
        {"code": "CDG-H1", "airport": "CDG", "name": "Roissy Inn", "rooms": {DAY: rng.randint(0, 6)}},
    ]
    load_network(flights, bookings, tmp_path, hotels=hotels)


def _after(hhmm: str, minutes: int) -> str:
    h, m = map(int, hhmm.split(":"))
    total = h * 60 + m + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def random_choice(rng: random.Random) -> tuple[Flight, Option]:
    """A flight of the loaded network that passengers booked, and an option for it."""
    flight = rng.choice(list(Flight.objects.filter(segments__isnull=False).distinct().order_by("id")))
    return flight, Option.cancel() if rng.random() < 0.3 else Option.delay(rng.choice(DELAYS))
