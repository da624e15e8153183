"""Itinerary search: every one- and two-leg alternative a party may be rebooked on (POLICY, "Rebooking")."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta

from .domain import Candidate, FlightOption, Party

MAX_LATE_ARRIVAL = timedelta(hours=72)


class _Departures:
    """Flights of one city pair sorted by departure, searchable by earliest departure."""

    def __init__(self, flights: list[FlightOption]) -> None:
        self.flights = sorted(flights, key=lambda flight: (flight.departure, flight.id))
        self.times = [flight.departure for flight in self.flights]

    def between(self, earliest: datetime, latest: datetime) -> Iterator[FlightOption]:
        """Flights departing in [earliest, latest]."""
        for index in range(bisect_left(self.times, earliest), len(self.flights)):
            flight = self.flights[index]
            if flight.departure > latest:
                return
            yield flight


class Network:
    """The flights open for reaccommodation, indexed by city pair, and each airport's minimum connection time.

    Build it once per disruption and ask for the candidates of every party; cancelled flights are dropped here.
    ``min_connection`` maps every airport that can be a connecting point to its MCT in minutes.
    """

    def __init__(self, flights: Iterable[FlightOption], min_connection: Mapping[str, int]) -> None:
        by_pair: dict[tuple[str, str], list[FlightOption]] = defaultdict(list)
        for flight in flights:
            if not flight.cancelled:
                by_pair[flight.origin, flight.destination].append(flight)
        self._pairs = {pair: _Departures(group) for pair, group in by_pair.items()}
        self._origins_to: dict[str, set[str]] = defaultdict(set)
        for origin, destination in by_pair:
            self._origins_to[destination].add(origin)
        self._min_connection = dict(min_connection)

    def candidates(self, party: Party) -> tuple[Candidate, ...]:
        """Every valid itinerary for ``party``, best first (earliest arrival, fewest legs, designators).

        Valid: one or two flights, not cancelled, from the party's disruption point to its final destination;
        first departure no earlier than ``available_from`` nor than 30 minutes after the event; at a
        connection, the second departure no earlier than the first arrival plus the connecting airport's MCT;
        last arrival at most 72 h after the ticketed arrival; every leg with a cabin that seats the whole
        party, of its sector's booked class or higher (``Party.floor``).
        """
        earliest = party.earliest_departure
        latest = party.scheduled_arrival + MAX_LATE_ARRIVAL
        cabins = _CabinsOn(party)
        found = [
            Candidate(flights=(flight,), cabins=(seated,))
            for flight in self._flights(party.origin, party.destination, earliest, latest)
            if flight.arrival <= latest and (seated := cabins(flight))
        ]
        for hub in self._origins_to.get(party.destination, ()):
            if hub in (party.origin, party.destination):
                continue
            connection = timedelta(minutes=self._min_connection[hub])
            for first in self._flights(party.origin, hub, earliest, latest):
                first_cabins = cabins(first)
                if not first_cabins:
                    continue
                found.extend(
                    Candidate(flights=(first, second), cabins=(first_cabins, second_cabins))
                    for second in self._flights(hub, party.destination, first.arrival + connection, latest)
                    if second.arrival <= latest and (second_cabins := cabins(second))
                )
        return tuple(sorted(found, key=Candidate.preference_key))

    def _flights(self, origin: str, destination: str, earliest: datetime, latest: datetime) -> Iterator[FlightOption]:
        departures = self._pairs.get((origin, destination))
        return departures.between(earliest, latest) if departures else iter(())


class _CabinsOn:
    """``party.cabins_on`` of each flight, worked out once: a flight is the onward leg of many first legs."""

    def __init__(self, party: Party) -> None:
        self._party = party
        self._known: dict[int, tuple[str, ...]] = {}

    def __call__(self, flight: FlightOption) -> tuple[str, ...]:
        cabins = self._known.get(flight.id)
        if cabins is None:
            cabins = self._known[flight.id] = self._party.cabins_on(flight)
        return cabins
