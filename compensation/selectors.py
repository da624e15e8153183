"""Compensation's reads: the records held. (The journeys as ticketed, and which journeys a flight ended, are
``passengers.selectors``': the duties observer reads them too.)"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Entitlement


@dataclass(frozen=True)
class Held:
    """A record already held for a passenger's journey."""

    flight_id: int
    status: str
    event_id: uuid.UUID | None
    """The event it was last assessed on (None when that event is gone)."""
    assessed_on: dt.datetime | None
    """When that event happened (None when it is gone)."""


def held_records(passenger_ids: Iterable[int]) -> dict[tuple[int, int], Held]:
    """The records held for these passengers, by (passenger id, booking id) (one query)."""
    rows = Entitlement.objects.filter(passenger_id__in=list(passenger_ids)).values_list(
        "passenger_id", "booking_id", "flight_id", "status", "event_id", "event__occurred_at"
    )
    return {
        (passenger_id, booking_id): Held(flight_id, status, event_id, assessed_on)
        for passenger_id, booking_id, flight_id, status, event_id, assessed_on in rows
    }
