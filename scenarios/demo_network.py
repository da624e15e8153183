"""The local demo's network, generated relative to a moment (pure: no database, no clock).

:func:`demo_network` returns a scenario document (SCENARIO.md) for the three days after ``now``: a hub-and-spoke
network around London Heathrow, several banks a day, so that a delayed or cancelled flight's passengers have later
flights to be rebooked on. Its flights fall under every regime (POLICY.md, "Which law applies"): departures from
the EU spokes under EU261, from and into Heathrow under UK261, and the partner's Boston–Johannesburg flights under
none. The same ``now`` and ``seed`` always give the same document.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from . import airports as airport_db
from .demo_bookings import Itinerary, demo_bookings

FORMAT = "airline-disruption-scenario/1"
HUB = "LHR"
HUB_ZONE = ZoneInfo("Europe/London")
#: How far ahead the network reaches, and how soon its first flight may leave (a flight closing check-in is no
#: alternative for anyone: POLICY.md, "Rebooking").
HORIZON = dt.timedelta(days=3)
LEAD = dt.timedelta(minutes=30)
#: The longest wait at the hub between two flights of one booking.
LONGEST_CONNECTION = dt.timedelta(hours=5)

AIRLINES: list[dict[str, Any]] = [
    {"code": "NV", "name": "Novair", "own": True, "country": "GB"},
    {"code": "PA", "name": "Partner Air", "own": False, "country": "DE",
     "endpoint": "http://127.0.0.1:8765/pa", "secret": "secret-pa-demo"},
    {"code": "PB", "name": "Baltic Partner", "own": False, "country": "LV",
     "endpoint": "http://127.0.0.1:8765/pb", "secret": "secret-pb-demo"},
]  # fmt: skip
#: Known IATA airports: the loader takes their names, countries, timezones and positions from its database.
AIRPORTS: list[dict[str, Any]] = [
    {"code": HUB, "min_connection_minutes": 45},
    *({"code": code, "min_connection_minutes": 60} for code in ("WAW", "RIX", "BLQ", "CPH", "HAM", "BOS", "JNB")),
]
#: The hub's hotels (ranked as listed) and one at two spokes: rooms each night.
HOTELS = [
    ("LHR-H1", HUB, "London Airport Hotel 1", 25),
    ("LHR-H2", HUB, "London Airport Hotel 2", 15),
    ("WAW-H1", "WAW", "Warsaw Airport Inn", 5),
    ("RIX-H1", "RIX", "Riga Airport Inn", 5),
]

NARROW_BODY = {"J": 8, "Y": 72}
WIDE_BODY = {"J": 24, "Y": 150}
#: Own short-haul spokes and their block times in minutes (each way).
SPOKES = {"WAW": 145, "RIX": 160, "BLQ": 120, "CPH": 105, "HAM": 90}
#: The hub's banks, hub clock: short-haul flights arrive at the first time and leave at the second.
BANKS = [(dt.time(7, 15), dt.time(8, 45)), (dt.time(12, 15), dt.time(13, 45)), (dt.time(17, 45), dt.time(19, 15))]


@dataclass(frozen=True)
class Leg:
    """A daily flight: it leaves (or, with ``arrives_at_time``, reaches its destination) at ``time`` on the hub's
    clock, and takes ``minutes``."""

    carrier: str
    number: int
    origin: str
    destination: str
    minutes: int
    time: dt.time
    seats: dict[str, int]
    arrives_at_time: bool = False

    def on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Its departure and arrival on ``day`` of the hub's calendar."""
        anchor = dt.datetime.combine(day, self.time, tzinfo=HUB_ZONE)
        block = dt.timedelta(minutes=self.minutes)
        return (anchor - block, anchor) if self.arrives_at_time else (anchor, anchor + block)


def _spoke_legs() -> Iterator[Leg]:
    for bank, (arrival, departure) in enumerate(BANKS):
        for position, (spoke, minutes) in enumerate(SPOKES.items()):
            number = 100 + 20 * bank + 2 * position
            stagger = dt.timedelta(minutes=5 * position)  # one runway: the spokes land and leave a few minutes apart
            yield Leg("NV", number + 1, spoke, HUB, minutes, _plus(arrival, stagger), NARROW_BODY, arrives_at_time=True)
            yield Leg("NV", number + 2, HUB, spoke, minutes, _plus(departure, stagger), NARROW_BODY)


def _plus(time: dt.time, delta: dt.timedelta) -> dt.time:
    return (dt.datetime.combine(dt.date.min, time) + delta).time()


LONG_HAUL = [
    Leg("NV", 10, "BOS", HUB, 390, dt.time(6, 40), WIDE_BODY, arrives_at_time=True),
    Leg("NV", 11, HUB, "BOS", 450, dt.time(10, 15), WIDE_BODY),
    Leg("PA", 220, "BOS", HUB, 390, dt.time(11, 50), WIDE_BODY, arrives_at_time=True),
    Leg("PA", 221, HUB, "BOS", 450, dt.time(15, 0), WIDE_BODY),
    Leg("PB", 310, "JNB", HUB, 700, dt.time(6, 25), WIDE_BODY, arrives_at_time=True),
    Leg("PB", 311, HUB, "JNB", 680, dt.time(20, 30), WIDE_BODY),
    Leg("PA", 230, "BOS", "JNB", 900, dt.time(21, 0), WIDE_BODY),
    Leg("PA", 231, "JNB", "BOS", 960, dt.time(9, 0), WIDE_BODY),
]
LEGS = [*_spoke_legs(), *LONG_HAUL]


@dataclass(frozen=True, eq=False)
class DatedFlight:
    """One leg on one day; each is a flight of its own (compared by identity)."""

    leg: Leg
    departure: dt.datetime
    arrival: dt.datetime


def demo_network(now: dt.datetime, seed: int = 1) -> dict[str, Any]:
    """The demo's scenario document: every flight leaves between ``now`` + LEAD and ``now`` + HORIZON."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    zones = airport_db.zones(AIRPORTS)
    flights = _flights(now)
    documents = [_flight_document(flight, zones, rng) for flight in flights]
    refs = {
        flight: f"{doc['carrier']}{doc['number']}/{doc['date']}" for flight, doc in zip(flights, documents, strict=True)
    }
    itineraries = [
        Itinerary(
            flights=tuple(refs[f] for f in chain), seats=tuple(f.leg.seats for f in chain), departs=chain[0].departure
        )
        for chain in _journeys(flights)
    ]
    return {
        "format": FORMAT,
        "name": f"demo network from {now:%Y-%m-%d %H:%M} UTC, seed={seed}",
        "airlines": AIRLINES,
        "airports": AIRPORTS,
        "hotels": [
            {"code": code, "airport": airport, "name": name, "rooms": dict.fromkeys(_nights(flights), rooms)}
            for code, airport, name, rooms in HOTELS
        ],
        "flights": documents,
        "bookings": demo_bookings(itineraries, now, rng),
    }


def _flights(now: dt.datetime) -> list[DatedFlight]:
    """Every leg's flights leaving between ``now`` + LEAD and ``now`` + HORIZON, in order of departure."""
    today = now.astimezone(HUB_ZONE).date()
    # From yesterday: a flight reaching the hub on the hub's today may have left on its origin's yesterday.
    days = [today + dt.timedelta(days=n) for n in range(-1, HORIZON.days + 2)]
    flights = [DatedFlight(leg, *leg.on(day)) for day in days for leg in LEGS]
    return sorted(
        (f for f in flights if now + LEAD <= f.departure <= now + HORIZON),
        key=lambda f: (f.departure, f.leg.carrier, f.leg.number),
    )


def _flight_document(flight: DatedFlight, zones: dict[str, ZoneInfo], rng: random.Random) -> dict[str, Any]:
    """The flight's entry, its times on the local clocks (and offsets) of its airports."""
    leg = flight.leg
    departure = flight.departure.astimezone(zones[leg.origin])
    return {
        "carrier": leg.carrier,
        "number": str(leg.number),
        "date": departure.date().isoformat(),
        "origin": leg.origin,
        "destination": leg.destination,
        "departure": departure.isoformat(),
        "arrival": flight.arrival.astimezone(zones[leg.destination]).isoformat(),
        "seats": leg.seats,
        "terminal": str(rng.randint(1, 3)),
        "gate": f"{rng.choice('ABCDE')}{rng.randint(1, 60)}",
    }


def _journeys(flights: list[DatedFlight]) -> Iterator[tuple[DatedFlight, ...]]:
    """Every flight on its own, and every connection at the hub onward to another airport."""
    hub_mct = dt.timedelta(minutes=next(a["min_connection_minutes"] for a in AIRPORTS if a["code"] == HUB))
    for flight in flights:
        yield (flight,)
    for inbound in flights:
        if inbound.leg.destination != HUB:
            continue
        for onward in flights:
            connects = hub_mct <= onward.departure - inbound.arrival <= LONGEST_CONNECTION
            if onward.leg.origin == HUB and onward.leg.destination != inbound.leg.origin and connects:
                yield inbound, onward


def _nights(flights: list[DatedFlight]) -> list[str]:
    """The hub's nights the flights span (the night of a date begins that evening)."""
    first, last = (flight.departure.astimezone(HUB_ZONE).date() for flight in (flights[0], flights[-1]))
    return [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
