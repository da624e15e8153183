"""Split a reaccommodation problem into parties that are settled outright and independent components.

A flight is *contended* when the parties that could use it might not all fit in their floor cabins there
(``Party.floor``: the booked cabin of that sector): for some cabin c, the parties whose floor on the flight is
c and who have a candidate on it outnumber its free c seats. Only contended flights need a capacity
constraint.

Settling. A party whose best candidate (earliest arrival, fewest legs, designators) uses no contended flight
takes it in its floor cabins: no choice can be better for that party on any criterion (protected, least
delay, best tie-break rank, no upgrade), and it takes no seat anyone else could be short of. Its other
candidates stop counting towards demand, which may settle more parties; this repeats to a fixpoint.

Components. The remaining parties are grouped by the contended flights their candidates share (union-find).
Components share no constrained seat, and the objective is a sum over components, so the lexicographic
optimum of the whole is the union of the components' lexicographic optima (lexicographic order is
compatible with addition).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .domain import Candidate, FlightOption, Party

Choice = tuple[int, tuple[str, ...]]
"""A party's decision: the index of the chosen candidate and the cabin per leg."""


@dataclass(frozen=True)
class Component:
    """Parties competing for the seats of ``contended`` flights (ids); ``candidates[k]`` belong to ``parties[k]``,
    best first."""

    parties: tuple[Party, ...]
    candidates: tuple[tuple[Candidate, ...], ...]
    contended: frozenset[int]

    @property
    def passengers(self) -> int:
        """Passengers in the component."""
        return sum(party.size for party in self.parties)

    def cabins_for(self, party: Party, flight: FlightOption) -> tuple[str, ...]:
        """Cabins ``party`` may be given on ``flight``: a choice on contended flights, its floor cabin elsewhere."""
        return party.cabins_on(flight) if flight.id in self.contended else (party.floor(flight),)


def split(
    parties: Sequence[Party], candidates: Mapping[int, tuple[Candidate, ...]]
) -> tuple[dict[int, Choice], list[Component]]:
    """Settle what needs no optimisation and group the rest into independent components.

    ``candidates`` maps a party's booking id to its candidates, best first. Returns the settled choices (by
    booking id, always candidate 0 in the floor cabins) and the components, smallest first. Parties without
    candidates appear in neither: they are unprotected.
    """
    by_id = {party.booking_id: party for party in parties}
    open_ids = {party.booking_id for party in parties if candidates[party.booking_id]}
    settled: dict[int, Choice] = {}
    while True:
        contended = _contended(by_id, candidates, open_ids, settled)
        newly = [key for key in open_ids if not any(f.id in contended for f in candidates[key][0].flights)]
        if not newly:
            break
        for key in newly:
            settled[key] = (0, tuple(by_id[key].floor(flight) for flight in candidates[key][0].flights))
            open_ids.discard(key)
    return settled, _components(by_id, candidates, open_ids, contended)


def _contended(
    parties: Mapping[int, Party],
    candidates: Mapping[int, tuple[Candidate, ...]],
    open_ids: set[int],
    settled: Mapping[int, Choice],
) -> frozenset[int]:
    demand: dict[tuple[int, str], int] = defaultdict(int)
    flights: dict[int, FlightOption] = {}
    for key in (*open_ids, *settled):
        party = parties[key]
        options = candidates[key] if key in open_ids else candidates[key][:1]
        for flight in {flight.id: flight for option in options for flight in option.flights}.values():
            demand[flight.id, party.floor(flight)] += party.size
            flights[flight.id] = flight
    return frozenset(
        flight_id for (flight_id, cabin), seats in demand.items() if seats > flights[flight_id].free(cabin)
    )


def _components(
    parties: Mapping[int, Party],
    candidates: Mapping[int, tuple[Candidate, ...]],
    open_ids: set[int],
    contended: frozenset[int],
) -> list[Component]:
    root = {key: key for key in open_ids}

    def find(key: int) -> int:
        while root[key] != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    first_user: dict[int, int] = {}
    for key in sorted(open_ids):
        for option in candidates[key]:
            for flight in option.flights:
                if flight.id in contended:
                    root[find(key)] = find(first_user.setdefault(flight.id, key))
    groups: dict[int, list[int]] = defaultdict(list)
    for key in sorted(open_ids):
        groups[find(key)].append(key)
    components = []
    for members in groups.values():
        used = {flight.id for key in members for option in candidates[key] for flight in option.flights}
        components.append(
            Component(
                parties=tuple(parties[key] for key in members),
                candidates=tuple(candidates[key] for key in members),
                contended=frozenset(used & contended),
            )
        )
    return sorted(components, key=lambda component: (component.passengers, component.parties[0].booking_id))
