"""The integer model of one component: variables, structural rows, and plans encoded as vectors.

Interchangeable parties — same size, class, booked cabins per sector, ticketed arrival and candidates (thus
the same cabins on every flight) — form a *group* and share integer variables counting its parties, which removes
the symmetry between them (passengers of one cancelled flight going to the same place mostly look alike).

Variables. ``x[g,i]`` in [0, |g|]: parties of group g flying candidate i. ``y[g,f,c]`` in [0, |g|]: parties
of g seated in cabin c of contended flight f (only cabins of the party's floor class on f or higher that seat
a whole party). Rows: a group flies at most |g| candidates; on each contended flight of its candidates a group has
exactly as many cabin seats as parties flying it (sum_c y[g,f,c] = sum_{i uses f} x[g,i]); each cabin of a
contended flight holds at most its free seats (sum_g size_g * y[g,f,c] <= free[f,c]). A J seat can thus
hold a Y party but a Y seat never holds a J party: the cabins offered to a party are the nesting.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.sparse import csr_array

from .components import Choice, Component
from .domain import CABIN_LEVEL, Candidate, FlightOption, Party


class Model:
    """The columns (``x`` then ``y``; per column its upper ``bound`` and the priority ``column_class`` of its
    group), the structural rows (``rows`` between ``lower`` and ``upper``; row g is group g's row), the
    contended ``flights`` by id and the encoding of plans of a component."""

    def __init__(self, component: Component) -> None:
        self.component = component
        self.groups = _groups(component)
        self.x = [(g, i) for g in range(len(self.groups)) for i in range(len(self.options(g)))]
        self.x_column = {key: column for column, key in enumerate(self.x)}
        self.y: list[tuple[int, int, str]] = []
        rows = [{self.x_column[g, i]: 1 for i in range(len(self.options(g)))} for g in range(len(self.groups))]
        lower = [-math.inf] * len(rows)
        upper = [float(len(members)) for members in self.groups]
        seated: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
        self.flights: dict[int, FlightOption] = {}
        for g in range(len(self.groups)):
            party = self.party(g)
            for flight, indices in self._contended_users(g):
                self.flights[flight.id] = flight
                link = {self.x_column[g, i]: -1 for i in indices}
                for cabin in party.cabins_on(flight):
                    column = len(self.x) + len(self.y)
                    self.y.append((g, flight.id, cabin))
                    link[column] = 1
                    seated[flight.id, cabin][column] = party.size
                rows.append(link)
                lower.append(0.0)
                upper.append(0.0)
        self.y_column = {key: len(self.x) + offset for offset, key in enumerate(self.y)}
        column_group = [g for g, _ in self.x] + [g for g, _, _ in self.y]
        self.bound = np.array([len(self.groups[g]) for g in column_group])
        self.column_class = np.array([self.party(g).priority for g in column_group])
        for (flight_id, cabin), row in seated.items():
            free = self.flights[flight_id].free(cabin)
            if sum(size * self.bound[column] for column, size in row.items()) > free:  # else never oversold
                rows.append(row)
                lower.append(-math.inf)
                upper.append(float(free))
        self.size = len(column_group)
        self.rows = _matrix(rows, self.size)
        self.lower, self.upper = np.array(lower), np.array(upper)

    def party(self, g: int) -> Party:
        """A representative party of group ``g``."""
        return self.component.parties[self.groups[g][0]]

    def options(self, g: int) -> tuple[Candidate, ...]:
        """The candidates of group ``g``, best first."""
        return self.component.candidates[self.groups[g][0]]

    def _contended_users(self, g: int) -> list[tuple[FlightOption, list[int]]]:
        """Each contended flight of group ``g``'s candidates, with the indices of the candidates using it."""
        users: dict[int, tuple[FlightOption, list[int]]] = {}
        for i, option in enumerate(self.options(g)):
            for flight in option.flights:
                if flight.id in self.component.contended:
                    users.setdefault(flight.id, (flight, []))[1].append(i)
        return list(users.values())

    def encode(self, choices: list[Choice | None]) -> np.ndarray:
        """The integer vector of a plan (one choice per party of the component)."""
        vector = np.zeros(self.size)
        for g, members in enumerate(self.groups):
            for k in members:
                if choices[k] is not None:
                    index, cabins = choices[k]
                    vector[self.x_column[g, index]] += 1
                    for flight, cabin in zip(self.options(g)[index].flights, cabins, strict=True):
                        if flight.id in self.component.contended:
                            vector[self.y_column[g, flight.id, cabin]] += 1
        return vector

    def decode(self, vector: np.ndarray) -> list[Choice | None]:
        """The plan of an integer vector: within a group, parties in locator order take the best candidates."""
        counts = np.rint(vector).astype(int)
        cabins: dict[tuple[int, int], list[str]] = defaultdict(list)
        for column in np.flatnonzero(counts[len(self.x) :]):
            g, flight_id, cabin = self.y[column]
            cabins[g, flight_id] += [cabin] * counts[len(self.x) + column]
        for pool in cabins.values():
            pool.sort(key=CABIN_LEVEL.__getitem__, reverse=True)  # popped from the end: lowest cabin first
        choices: list[Choice | None] = [None] * len(self.component.parties)
        slots: dict[int, list[int]] = defaultdict(list)
        for column in np.flatnonzero(counts[: len(self.x)]):
            g, index = self.x[column]
            slots[g] += [index] * counts[column]
        for g, indices in slots.items():
            for k, index in zip(self.groups[g], sorted(indices), strict=False):
                choices[k] = (index, self._take_cabins(g, index, cabins))
        return choices

    def _take_cabins(self, g: int, index: int, pools: dict[tuple[int, int], list[str]]) -> tuple[str, ...]:
        """Cabins per leg for one party of group ``g`` on candidate ``index``, taken from the group's pools."""
        party = self.party(g)
        return tuple(
            pools[g, flight.id].pop() if flight.id in self.component.contended else party.floor(flight)
            for flight in self.options(g)[index].flights
        )


def _groups(component: Component) -> list[tuple[int, ...]]:
    """Indices of interchangeable parties, each group in locator order."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for k, (party, options) in enumerate(zip(component.parties, component.candidates, strict=True)):
        routes = tuple(tuple(flight.id for flight in option.flights) for option in options)
        sectors = tuple(sorted(party.sector_cabins.items()))
        by_key[party.size, party.priority, party.cabin, sectors, party.scheduled_arrival, routes].append(k)

    def locator(k: int) -> tuple[str, int]:
        return component.parties[k].locator, component.parties[k].booking_id

    return [tuple(sorted(members, key=locator)) for members in sorted(by_key.values(), key=min)]


def _matrix(rows: list[dict[int, int]], columns: int) -> csr_array:
    indptr = np.cumsum([0, *(len(row) for row in rows)])
    indices = np.fromiter((column for row in rows for column in row), dtype=np.int64, count=indptr[-1])
    data = np.fromiter((value for row in rows for value in row.values()), dtype=float, count=indptr[-1])
    return csr_array((data, indices, indptr), shape=(len(rows), columns))
