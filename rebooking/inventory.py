"""Seat inventory: holds and releases that can never oversell a cabin.

A hold is one conditional ``UPDATE … WHERE booked + n <= seats``; the database's
check constraint (``flight_cabin_not_oversold``) backs it up. Rows are touched
in (flight, cabin) order so concurrent handlers lock in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db.models import F

from flights.models import Flight

SeatCounts = Mapping[tuple[int, str], int]
SeatTally = Counter[tuple[int, str]]


def seats_for(legs: Iterable[tuple[int, str]], party_size: int) -> SeatTally:
    """The seats a party of ``party_size`` takes (or gives back) on each (flight id, cabin) of ``legs``."""
    tally: SeatTally = Counter()
    for leg in legs:
        tally[leg] += party_size
    return tally


class SeatConflict(Exception):
    """A concurrent change took seats this plan counted on; the plan must be made again."""


def _column(cabin: str) -> str:
    if cabin not in ("F", "J", "Y"):
        raise ValueError(f"unknown cabin {cabin!r}")
    return f"booked_{cabin.lower()}"


def release(counts: SeatCounts) -> None:
    """Give back ``n`` seats per (flight id, cabin)."""
    for (flight_id, cabin), n in sorted(counts.items()):
        if n:
            column = _column(cabin)
            Flight.objects.filter(id=flight_id).update(**{column: F(column) - n})


def hold(counts: SeatCounts) -> None:
    """Take ``n`` seats per (flight id, cabin), all or none (raise :class:`SeatConflict` inside a transaction)."""
    for (flight_id, cabin), n in sorted(counts.items()):
        if not n:
            continue
        column = _column(cabin)
        capacity = f"seats_{cabin.lower()}"
        taken = Flight.objects.filter(id=flight_id, **{f"{column}__lte": F(capacity) - n}).update(
            **{column: F(column) + n}
        )
        if not taken:
            raise SeatConflict(f"flight {flight_id} has no {n} free {cabin} seats any more")
