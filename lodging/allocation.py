"""Filling an airport's hotels for one night: in the operators' rank order, a booking never split.

Pure: the caller passes each hotel with the rooms it believes free, and ``take``, which claims rooms for real
(a conditional UPDATE) and says whether it got them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

H = TypeVar("H")


@dataclass(frozen=True)
class RoomRequest:
    """A booking's passengers staying together, and the rooms they need."""

    booking_id: int
    rooms: int


def fill(
    hotels: Sequence[tuple[H, int]], requests: Sequence[RoomRequest], take: Callable[[H, int], bool]
) -> dict[int, H]:
    """Place parties in ``hotels`` (``(hotel, rooms free)`` in rank order): each hotel takes the waiting parties
    that fit, first fit in the parties' order, with one ``take(hotel, rooms)``. When ``take`` fails, a concurrent
    handler got those rooms first: the hotel is passed over and its parties wait for the next one.

    Returns the hotel of each placed booking; parties left out found no room.
    """
    placed: dict[int, H] = {}
    waiting = list(requests)
    for hotel, free in hotels:
        chosen = []
        for party in waiting:
            if party.rooms <= free:
                chosen.append(party)
                free -= party.rooms
        if chosen and take(hotel, sum(party.rooms for party in chosen)):
            placed.update((party.booking_id, hotel) for party in chosen)
            waiting = [party for party in waiting if party.booking_id not in placed]
    return placed
