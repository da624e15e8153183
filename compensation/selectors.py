"""Compensation's reads: the records held. (The journeys as ticketed, and which journeys a flight ended, are
``passengers.selectors``': the duties observer reads them too.)"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from events.models import Event

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
    """The records held for these passengers, by (passenger id, booking id) (one query).

    Each record's event is looked up by its key (a subquery), not joined: a join may hash the whole event log
    for a few hundred records."""
    assessed_on = Event.objects.filter(id=OuterRef("event_id")).values("occurred_at")
    rows = (
        Entitlement.objects.filter(passenger_id__in=list(passenger_ids))
        .annotate(assessed_on=Subquery(assessed_on))
        .values_list("passenger_id", "booking_id", "flight_id", "status", "event_id", "assessed_on")
    )
    return {
        (passenger_id, booking_id): Held(flight_id, status, event_id, assessed_on)
        for passenger_id, booking_id, flight_id, status, event_id, assessed_on in rows
    }
