"""Notifications' event handlers: partner airlines (queue ``partners``) and passengers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber
from passengers.selectors import passengers_on_flight


@subscriber("partners", on=["flight.delayed"])
def tell_partners(event: Event) -> dict[str, Any]:
    """Report the passengers of the delayed flight (partner messages arrive with the notifications feature)."""
    return {"passengers_on_flight": passengers_on_flight(event.payload["flight_id"]).count()}


@subscriber("notifications", on=["flight.delayed", "flight.cancelled", "flight.gate_changed"])
def tell_passengers(event: Event) -> dict[str, Any]:
    """Report the passengers to tell (messages arrive with the notifications feature)."""
    return {"passengers_on_flight": passengers_on_flight(event.payload["flight_id"]).count()}
