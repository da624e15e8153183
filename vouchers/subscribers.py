"""Vouchers' event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber
from passengers.selectors import passengers_on_flight


@subscriber("vouchers", on=["flight.delayed", "flight.cancelled"])
def right_to_care(event: Event) -> dict[str, Any]:
    """Report the passengers owed care (vouchers themselves arrive with the right-to-care feature)."""
    return {"passengers_on_flight": passengers_on_flight(event.payload["flight_id"]).count()}
