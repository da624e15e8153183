"""Vouchers' event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber

from .services import grant_meal_vouchers


@subscriber("vouchers", on=["flight.delayed", "flight.cancelled"])
def right_to_care(event: Event) -> dict[str, Any]:
    """Meal vouchers for everyone booked on a delayed or cancelled flight (POLICY "Meal vouchers")."""
    return grant_meal_vouchers(event)
