"""Lodging's event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber
from passengers.selectors import passengers_on_flight


@subscriber("lodging", on=["flight.delayed", "flight.cancelled"])
def overnight_stays(event: Event) -> dict[str, Any]:
    """Report the passengers who may need a room (stays arrive with the right-to-care feature)."""
    return {"passengers_on_flight": passengers_on_flight(event.payload["flight_id"]).count()}
