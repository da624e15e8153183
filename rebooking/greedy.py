"""Priority-greedy reaccommodation: the optimiser's starting plan and its fallback when time runs out."""

from __future__ import annotations

from collections.abc import Mapping

from .components import Choice, Component
from .domain import CABINS_LOWEST_FIRST, Candidate, Party


def greedy(component: Component, kept: Mapping[int, Choice | None] | None = None) -> list[Choice | None]:
    """A feasible plan for ``component`` (one choice per party, aligned with ``component.parties``).

    Parties in ``kept`` (by index) keep their choice, which must be feasible; the others go in priority order
    (class 1 first), larger parties first within a class (they are the harder to fit), then by locator, and
    each takes its best candidate (earliest arrival, fewest legs, designators) that still has room, in the
    lowest cabin that seats the whole party on each leg.
    """
    remaining = {
        (flight.id, cabin): flight.free(cabin)
        for options in component.candidates
        for option in options
        for flight in option.flights
        if flight.id in component.contended
        for cabin in CABINS_LOWEST_FIRST
    }
    plan: list[Choice | None] = [None] * len(component.parties)
    for k, choice in (kept or {}).items():
        if choice is not None:
            _take(component, k, choice, plan, remaining)
    order = sorted(set(range(len(component.parties))) - set(kept or ()), key=lambda k: _order(component.parties[k]))
    for k in order:
        for index, option in enumerate(component.candidates[k]):
            cabins = _seat(component, component.parties[k], option, remaining)
            if cabins is not None:
                _take(component, k, (index, cabins), plan, remaining)
                break
    return plan


def _take(
    component: Component, k: int, choice: Choice, plan: list[Choice | None], remaining: dict[tuple[int, str], int]
) -> None:
    plan[k] = choice
    index, cabins = choice
    for flight, cabin in zip(component.candidates[k][index].flights, cabins, strict=True):
        if (flight.id, cabin) in remaining:
            remaining[flight.id, cabin] -= component.parties[k].size


def _order(party: Party) -> tuple[int, int, str, int]:
    return party.priority, -party.size, party.locator, party.booking_id


def _seat(
    component: Component, party: Party, option: Candidate, remaining: dict[tuple[int, str], int]
) -> tuple[str, ...] | None:
    """The lowest cabin per leg with room for the party, or None when a leg is full."""
    cabins = []
    for flight in option.flights:
        # Uncontended flights have no entry in ``remaining``: they always have room.
        fits = [
            c for c in component.cabins_for(party, flight) if remaining.get((flight.id, c), party.size) >= party.size
        ]
        if not fits:
            return None
        cabins.append(fits[0])
    return tuple(cabins)
