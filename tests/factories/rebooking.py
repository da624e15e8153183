"""Builders and an independent rule checker for the pure rebooking tests (no database)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from rebooking.domain import CABIN_LEVEL, FlightOption, Itinerary, Party, Traveller

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
MCT = {"AAA": 30, "HUB": 45, "BBB": 40, "CCC": 50, "DDD": 35}


def at(minutes: int) -> datetime:
    """``minutes`` after 06:00 UTC on 2026-11-25."""
    return T0 + timedelta(minutes=minutes)


def flight(
    id: int,
    origin: str = "AAA",
    destination: str = "BBB",
    departs: int = 60,
    arrives: int = 180,
    seats: dict[str, int] | None = None,
    cancelled: bool = False,
    designator: str | None = None,
) -> FlightOption:
    """A flight departing/arriving ``departs``/``arrives`` minutes after T0 (9 free Y seats by default)."""
    return FlightOption(
        id=id,
        designator=designator or f"NV{id:04d}/2026-11-25",
        origin=origin,
        destination=destination,
        departure=at(departs),
        arrival=at(arrives),
        cancelled=cancelled,
        free_seats={"Y": 9} if seats is None else seats,
    )


def party(
    booking_id: int,
    size: int = 1,
    cabin: str = "Y",
    origin: str = "AAA",
    destination: str = "BBB",
    available: int = 0,
    scheduled: int = 120,
    tier: str = "none",
    assistance: tuple[str, ...] = (),
    event: int = -60,
    sectors: dict[str, str] | None = None,
) -> Party:
    """A party of ``size`` travellers; the first one carries ``tier`` and ``assistance``. The disruption happened
    ``event`` minutes after T0 (an hour before, by default); ``sectors`` are the cabins booked on the replaced
    segments by the airport they depart from (none: ``cabin`` on every leg)."""
    travellers = tuple(
        Traveller(id=booking_id * 10 + n, tier=tier if n == 0 else "none", assistance=assistance if n == 0 else ())
        for n in range(size)
    )
    return Party(
        booking_id=booking_id,
        locator=f"LOC{booking_id:03d}",
        travellers=travellers,
        cabin=cabin,
        origin=origin,
        destination=destination,
        available_from=at(available),
        scheduled_arrival=at(scheduled),
        event_time=at(event),
        sector_cabins=sectors or {},
    )


def rule_violations(parties: list[Party], itineraries: dict[int, Itinerary | None], mct: dict[str, int]) -> list[str]:
    """Every POLICY rule a plan breaks, checked from first principles (empty when the plan is valid)."""
    problems = []
    used: Counter[tuple[int, str]] = Counter()
    flights = {}
    for p in parties:
        itinerary = itineraries[p.booking_id]
        if itinerary is None:
            continue
        legs = itinerary.legs
        problems += [f"{p.locator}: {len(legs)} legs"] if not 1 <= len(legs) <= 2 else []
        if legs[0].flight.origin != p.origin or legs[-1].flight.destination != p.destination:
            problems.append(f"{p.locator}: wrong endpoints")
        if legs[0].flight.departure < p.available_from:
            problems.append(f"{p.locator}: departs before availability")
        if legs[0].flight.departure < p.event_time + timedelta(minutes=30):
            problems.append(f"{p.locator}: departs less than 30 minutes after the event")
        if legs[-1].flight.arrival > p.scheduled_arrival + timedelta(hours=72):
            problems.append(f"{p.locator}: arrives more than 72 h late")
        for before, after in pairwise(legs):
            hub = before.flight.destination
            if after.flight.origin != hub or after.flight.departure < before.flight.arrival + timedelta(
                minutes=mct[hub]
            ):
                problems.append(f"{p.locator}: broken connection at {hub}")
        for leg in legs:
            if leg.flight.cancelled:
                problems.append(f"{p.locator}: cancelled flight {leg.flight.designator}")
            # POLICY: a leg from the airport of a replaced segment keeps that segment's cabin, any other leg the
            # first replaced segment's; never lower.
            booked = p.sector_cabins.get(leg.flight.origin, p.cabin)
            if CABIN_LEVEL[leg.cabin] < CABIN_LEVEL[booked]:
                problems.append(f"{p.locator}: downgraded to {leg.cabin} from {booked} on {leg.flight.designator}")
            used[leg.flight.id, leg.cabin] += p.size
            flights[leg.flight.id] = leg.flight
    problems += [
        f"flight {flight_id} cabin {cabin} oversold: {seats} > {flights[flight_id].free(cabin)}"
        for (flight_id, cabin), seats in used.items()
        if seats > flights[flight_id].free(cabin)
    ]
    return problems
