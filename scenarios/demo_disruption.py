"""The demo's scripted first disruption: which flight into the hub to delay so that the dashboard has a flow to
show at once (pure: reads a checked scenario, not the database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

from flights.designators import FlightRef

from .demo_network import HUB
from .records import FlightRecord, Scenario

#: Long enough for a meal (the short band's care threshold is 120 minutes: POLICY.md) and to miss the next bank.
DELAY_MINUTES = 240
REASON = "TECH"  # not extraordinary: the delay also shows compensation
#: How soon the delayed flight leaves: within the next hours.
WITHIN = dt.timedelta(hours=12)


def first_disruption(scenario: Scenario, now: dt.datetime) -> FlightRef | None:
    """The flight into the hub, leaving within WITHIN of ``now``, whose delay by DELAY_MINUTES strands someone
    overnight at the hub if any does, and otherwise misconnects the most passengers; None when no flight
    reaches the hub in that time."""
    flights = {flight.ref: flight for flight in scenario.flights}
    onward: dict[FlightRef, list[tuple[FlightRecord, int]]] = defaultdict(list)
    for booking in scenario.bookings:
        for inbound, next_segment in pairwise(booking.segments):
            onward[inbound.flight].append((flights[next_segment.flight], len(booking.passengers)))
    hub = next(airport for airport in scenario.airports if airport.code == HUB)
    connection = dt.timedelta(minutes=hub.min_connection_minutes)
    delay = dt.timedelta(minutes=DELAY_MINUTES)

    def outcome(flight: FlightRecord) -> tuple[bool, int]:
        ready = flight.arrival + delay + connection
        missed = [(next_flight, party) for next_flight, party in onward[flight.ref] if next_flight.departure < ready]
        overnight = any(not _leaves_same_day(scenario.flights, f.destination, ready, hub.zone) for f, _ in missed)
        return overnight, sum(party for _, party in missed)

    candidates = [f for f in scenario.flights if f.destination == HUB and now < f.departure <= now + WITHIN]
    best = max(candidates, key=outcome, default=None)
    return best.ref if best is not None else None


def _leaves_same_day(flights: list[FlightRecord], destination: str, ready: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether a flight from the hub to ``destination`` leaves after ``ready`` on its local date at the hub."""
    day = ready.astimezone(zone).date()
    return any(
        f.origin == HUB
        and f.destination == destination
        and f.departure >= ready
        and f.departure.astimezone(zone).date() == day
        for f in flights
    )
