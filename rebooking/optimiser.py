"""Reaccommodation: the lexicographic optimum of POLICY's "Rebooking" section over all disrupted parties.

Objective, compared lexicographically: for priority class 1, then 2, … 6, first the most passengers
protected, then the least total arrival delay of those protected (minutes, summed over passengers, not
clamped: an early arrival counts negative); then the tie-break (see ``lexmilp``). Constraints: a party flies
one candidate or none, all its passengers together, each leg in a cabin of its sector's booked class or
higher (``Party.floor``); no cabin holds more passengers than its free seats.

Pipeline: search every party's candidates; settle parties that need no optimisation and split the rest into
independent components (``components``); per component, smallest first, start from the priority-greedy plan
(``greedy``) and improve it stage by stage with exact MILPs (``lexmilp``) until proved optimal or until the
time limit, when the best plan found so far is kept and its gap reported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .components import Choice, split
from .domain import Candidate, Itinerary, Leg, Party
from .greedy import greedy
from .search import Network

SOLVER = "HiGHS via scipy.optimize.milp"


@dataclass(frozen=True)
class SolveStats:
    """How the plan was obtained.

    ``optimal``: every component proved lexicographically optimal. Otherwise ``gap`` is the largest relative
    gap, over the components that ran out of time, of the first stage left unproved (``stopped_at``, e.g.
    "class 6 total delay"); the later stages of those components keep the best plan found (at worst the
    priority-greedy one) without a proof.
    """

    solver: str
    optimal: bool
    gap: float
    stopped_at: str | None
    seconds: float
    parties: int
    settled: int
    components: int
    fallback_components: int
    milp_solves: int


@dataclass(frozen=True)
class Plan:
    """The chosen itinerary of each party by booking id (None: unprotected), and how it was obtained."""

    itineraries: Mapping[int, Itinerary | None]
    stats: SolveStats

    @property
    def unprotected(self) -> tuple[int, ...]:
        """Booking ids of the parties left without an itinerary."""
        return tuple(key for key, itinerary in self.itineraries.items() if itinerary is None)


def reaccommodate(parties: Sequence[Party], network: Network, *, time_limit: float = 30.0) -> Plan:
    """Rebook ``parties`` (one per booking) on ``network``, within about ``time_limit`` seconds in all."""
    # Imported here, not at the top: SciPy's MILP (about 70 MiB with NumPy) then loads only in the processes that
    # solve, not in every process that loads the app (web workers, beat, the worker's main process).
    from .lexmilp import solve

    started = time.monotonic()
    deadline = started + time_limit
    if len({party.booking_id for party in parties}) != len(parties):
        raise ValueError("a booking appears in more than one party")
    candidates = {party.booking_id: network.candidates(party) for party in parties}
    settled, components = split(parties, candidates)
    itineraries: dict[int, Itinerary | None] = dict.fromkeys(candidates)
    for key, choice in settled.items():
        itineraries[key] = _itinerary(candidates[key], choice)
    outcomes = []
    for component in components:
        outcome = solve(component, greedy(component), deadline)
        outcomes.append(outcome)
        for party, choice in zip(component.parties, outcome.choices, strict=True):
            itineraries[party.booking_id] = _itinerary(candidates[party.booking_id], choice)
    unproved = [outcome for outcome in outcomes if not outcome.optimal]
    worst = max(unproved, key=lambda outcome: outcome.gap, default=None)
    return Plan(
        itineraries=itineraries,
        stats=SolveStats(
            solver=SOLVER,
            optimal=worst is None,
            gap=worst.gap if worst else 0.0,
            stopped_at=worst.stopped_at if worst else None,
            seconds=time.monotonic() - started,
            parties=len(parties),
            settled=len(settled),
            components=len(components),
            fallback_components=len(unproved),
            milp_solves=sum(outcome.solves for outcome in outcomes),
        ),
    )


def _itinerary(candidates: tuple[Candidate, ...], choice: Choice | None) -> Itinerary | None:
    if choice is None:
        return None
    index, cabins = choice
    flights = candidates[index].flights
    return Itinerary(legs=tuple(Leg(flight=flight, cabin=cabin) for flight, cabin in zip(flights, cabins, strict=True)))
