"""Rebooking's event handlers (thin: the payload's facts in, a service does the work)."""

from __future__ import annotations

from typing import Any

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightCancelled, FlightDelayed

from .services import reaccommodate_after


@subscriber("rebooking", on=[FlightDelayed, FlightCancelled])
def rebook_stranded(payload: FlightDelayed | FlightCancelled, event: EventFacts) -> dict[str, Any]:
    """Rebook everyone the disruption strands (misconnects of a delay, everyone on a cancellation)."""
    return reaccommodate_after(flight_id=payload.flight_id, cause=event)
