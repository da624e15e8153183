"""Rebooking's event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber
from passengers.selectors import passengers_on_flight


@subscriber("rebooking", on=["flight.delayed", "flight.cancelled"])
def reaccommodate(event: Event) -> dict[str, Any]:
    """Report the passengers of the disrupted flight (reaccommodation itself arrives with the rebooking feature)."""
    return {"passengers_on_flight": passengers_on_flight(event.payload["flight_id"]).count()}
