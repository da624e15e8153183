"""Plain value types of reaccommodation (no Django): flights, parties, candidate itineraries, chosen itineraries.

The caller (the rebooking service) loads rows in bulk and builds these; the search and the optimiser only
read them. All datetimes are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Protocol

CABINS_LOWEST_FIRST = ("Y", "J", "F")
"""Cabins from lowest to highest: a seat of a cabin can hold a passenger booked in that cabin or a lower one."""
CABIN_LEVEL = {cabin: level for level, cabin in enumerate(CABINS_LOWEST_FIRST)}
PREMIUM_CABINS = frozenset({"F", "J"})
TIER_CLASSES = {"platinum": 3, "gold": 4, "silver": 5}
LOWEST_CLASS = 6
PRIORITY_CLASSES = tuple(range(1, LOWEST_CLASS + 1))
DEPARTURE_MARGIN = timedelta(minutes=30)
"""No flight departing less than this after the event is offered: it has left, or closed its check-in."""


def priority_class(cabin: str, travellers: Iterable[Traveller]) -> int:
    """The POLICY priority class (1 highest … 6) of a party booked in ``cabin``: the highest of its members.

    1 any member needs assistance; 2 premium cabin (F or J on the first segment being replaced);
    3 platinum, 4 gold, 5 silver; 6 everyone else.
    """
    best = 2 if cabin in PREMIUM_CABINS else LOWEST_CLASS
    for traveller in travellers:
        if traveller.assistance:
            return 1
        best = min(best, TIER_CLASSES.get(traveller.tier, LOWEST_CLASS))
    return best


@dataclass(frozen=True)
class Traveller:
    """A passenger of a party: the facts that set the party's priority."""

    id: int
    tier: str = "none"
    assistance: tuple[str, ...] = ()

    @classmethod
    def of(cls, passenger: PassengerFacts) -> Traveller:
        """The traveller a booked passenger (a ``passengers.Passenger``) is."""
        return cls(id=passenger.id, tier=passenger.tier, assistance=tuple(passenger.assistance))


class PassengerFacts(Protocol):
    """What a passenger record tells about priority (a ``passengers.Passenger`` qualifies)."""

    @property
    def id(self) -> int: ...

    @property
    def tier(self) -> str: ...

    @property
    def assistance(self) -> Iterable[str]: ...


@dataclass(frozen=True)
class FlightOption:
    """A flight that can carry reaccommodated passengers.

    ``designator`` (e.g. "NV117/2026-11-25") is the last tie-break between itineraries, compared as a string.
    ``departure``/``arrival`` are the ESTIMATED times. ``free_seats`` maps cabin (F/J/Y) to the seats free
    after the seats of every passenger being moved have been released; a missing cabin has none.
    """

    id: int
    designator: str
    origin: str
    destination: str
    departure: datetime
    arrival: datetime
    cancelled: bool = False
    free_seats: Mapping[str, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "free_seats", MappingProxyType(dict(self.free_seats)))

    def free(self, cabin: str) -> int:
        """Free seats in ``cabin``."""
        return self.free_seats.get(cabin, 0)


@dataclass(frozen=True)
class Party:
    """The passengers of one booking disrupted by one event; they travel together or not at all.

    ``origin`` is the disruption point, ``available_from`` the earliest departure (cancelled: the cancelled
    flight's scheduled departure; misconnect: its new estimated arrival plus the connecting airport's MCT),
    ``event_time`` when the disruption happened (for an operator's choice: now), ``scheduled_arrival`` the
    arrival the booking was ticketed for at ``destination`` (its final destination), ``cabin`` the cabin booked
    on the first segment being replaced, ``sector_cabins`` the cabin booked on each replaced segment by the
    airport it departs from (POLICY "Cabins, per sector").
    """

    booking_id: int
    locator: str
    travellers: tuple[Traveller, ...]
    cabin: str
    origin: str
    destination: str
    available_from: datetime
    scheduled_arrival: datetime
    event_time: datetime
    sector_cabins: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.travellers:
            raise ValueError(f"party {self.locator} has no travellers")
        for cabin in (self.cabin, *self.sector_cabins.values()):
            if cabin not in CABIN_LEVEL:
                raise ValueError(f"party {self.locator}: unknown cabin {cabin!r}")
        object.__setattr__(self, "sector_cabins", MappingProxyType(dict(self.sector_cabins)))

    @property
    def size(self) -> int:
        """Number of passengers."""
        return len(self.travellers)

    @property
    def passenger_ids(self) -> tuple[int, ...]:
        """Ids of the passengers."""
        return tuple(traveller.id for traveller in self.travellers)

    @property
    def priority(self) -> int:
        """Priority class, 1 (highest) … 6."""
        return priority_class(self.cabin, self.travellers)

    @property
    def earliest_departure(self) -> datetime:
        """The earliest first departure: the party's availability, and never less than ``DEPARTURE_MARGIN``
        after the event."""
        return max(self.available_from, self.event_time + DEPARTURE_MARGIN)

    def floor(self, flight: FlightOption) -> str:
        """The lowest cabin the party may fly on ``flight``: that of the replaced segment departing from the same
        airport, else the cabin of the first replaced segment."""
        return self.sector_cabins.get(flight.origin, self.cabin)

    def cabins_on(self, flight: FlightOption) -> tuple[str, ...]:
        """Cabins of ``flight`` that can seat the whole party: its floor cabin there or higher, lowest first."""
        floor = CABIN_LEVEL[self.floor(flight)]
        return tuple(c for c in CABINS_LOWEST_FIRST if CABIN_LEVEL[c] >= floor and flight.free(c) >= self.size)


@dataclass(frozen=True)
class Candidate:
    """A valid alternative itinerary for one party: its flights in order and, per leg, the cabins (lowest
    first) in which the whole party fits. The optimiser picks one cabin per leg."""

    flights: tuple[FlightOption, ...]
    cabins: tuple[tuple[str, ...], ...]

    @property
    def arrival(self) -> datetime:
        """Arrival at the final destination."""
        return self.flights[-1].arrival

    def preference_key(self) -> tuple[datetime, int, tuple[str, ...]]:
        """POLICY's tie-break order among itineraries: earliest arrival, fewest legs, flight designators."""
        return self.arrival, len(self.flights), tuple(flight.designator for flight in self.flights)


def sector_cabins(replaced: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The floor cabin per airport of the replaced segments, given as (origin airport, booked cabin): a new leg
    from that airport is in that cabin or higher. Two replaced segments from one airport: the higher cabin."""
    floors: dict[str, str] = {}
    for airport, cabin in replaced:
        if airport not in floors or CABIN_LEVEL[cabin] > CABIN_LEVEL[floors[airport]]:
            floors[airport] = cabin
    return floors


def delay_minutes(party: Party, arrival: datetime) -> int:
    """Arrival delay at the final destination in whole minutes (floored).

    Not clamped: an itinerary arriving before the original schedule counts negative, so among protected
    passengers an earlier arrival is always preferred.
    """
    return int((arrival - party.scheduled_arrival).total_seconds() // 60)


def upgrade_steps(party: Party, flight: FlightOption, cabin: str) -> int:
    """Cabin levels above the party's floor cabin on ``flight`` (0 when seated in it)."""
    return CABIN_LEVEL[cabin] - CABIN_LEVEL[party.floor(flight)]


@dataclass(frozen=True)
class Leg:
    """One flight of a chosen itinerary and the cabin the whole party sits in."""

    flight: FlightOption
    cabin: str


@dataclass(frozen=True)
class Itinerary:
    """The itinerary chosen for a party."""

    legs: tuple[Leg, ...]

    @property
    def flight_ids(self) -> tuple[int, ...]:
        """Flight ids in travel order."""
        return tuple(leg.flight.id for leg in self.legs)

    @property
    def cabins(self) -> tuple[str, ...]:
        """Cabin per leg."""
        return tuple(leg.cabin for leg in self.legs)

    @property
    def arrival(self) -> datetime:
        """Arrival at the final destination."""
        return self.legs[-1].flight.arrival
