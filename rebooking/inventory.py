"""Seat inventory: holds and releases that can never oversell a cabin, nor give a seat back twice.

A hold is one conditional ``UPDATE … WHERE booked + n <= seats``; the database's
check constraint (``flight_cabin_not_oversold``) backs it up. Rows are touched
in (flight, cabin) order so concurrent handlers lock in the same order. A segment
leaves its journey with ``end_active``, one conditional ``UPDATE … WHERE status =
'active'``: a change that finds one already ended by a concurrent one (whose seats
were given back then) raises, so its own release never counts them again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping

from django.db.models import F

from flights.models import Flight
from passengers.models import Segment, SegmentStatus

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


class JourneyChanged(Exception):
    """A concurrent change ended a segment this change meant to end; it must be made again from the journey now."""


def end_active(segment_ids: Collection[int], status: str, *, at: dt.datetime) -> None:
    """Take these segments out of their journeys (``replaced`` or ``cancelled``) as of ``at``, every one of them
    still active: raise :class:`JourneyChanged` otherwise (inside a transaction, so nothing is changed)."""
    ended = Segment.objects.filter(id__in=segment_ids, status=SegmentStatus.ACTIVE).end(status, at=at)
    if ended != len(set(segment_ids)):
        raise JourneyChanged(f"{len(set(segment_ids)) - ended} of the segments were ended meanwhile")


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
