"""Lodging's event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber

from .services import lodge_after_delay, lodge_after_reaccommodation


@subscriber("lodging", on=["flight.delayed"])
def origin_overnight(event: Event) -> dict[str, Any]:
    """Rooms at the origin when a delay moves the departure to a later local date."""
    return lodge_after_delay(event)


@subscriber("lodging", on=["passenger.reaccommodated"])
def rebooked_overnight(event: Event) -> dict[str, Any]:
    """Rooms for rebooked parties departing a later local date, after a cancellation or a missed connection."""
    return lodge_after_reaccommodation(event)
