"""Vouchers' event handlers (thin: the payload's facts in, a service does the work)."""

from __future__ import annotations

from typing import Any

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightCancelled, FlightDelayed

from .services import grant_meal_vouchers


@subscriber("vouchers", on=[FlightDelayed, FlightCancelled])
def right_to_care(payload: FlightDelayed | FlightCancelled, event: EventFacts) -> dict[str, Any]:
    """Meal vouchers for everyone booked on a delayed or cancelled flight (POLICY "Meal vouchers")."""
    delay = payload.delay_minutes if isinstance(payload, FlightDelayed) else None
    return grant_meal_vouchers(flight_id=payload.flight_id, delay_minutes=delay, cause=event)
