"""Lodging's event handlers (thin: the payload's facts in, a service does the work)."""

from __future__ import annotations

from typing import Any

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightDelayed
from rebooking.payloads import PassengerReaccommodated

from .services import lodge_after_delay, lodge_after_reaccommodation


@subscriber("lodging", on=[FlightDelayed])
def origin_overnight(payload: FlightDelayed, event: EventFacts) -> dict[str, Any]:
    """Rooms at the origin when a delay moves the departure to a later local date (where a regime gives care)."""
    return lodge_after_delay(payload, cause=event)


@subscriber("lodging", on=[PassengerReaccommodated])
def rebooked_overnight(payload: PassengerReaccommodated, event: EventFacts) -> dict[str, Any]:
    """Rooms for parties stranded overnight: rebooked onto a later local date, or misconnected with no way on."""
    return lodge_after_reaccommodation(payload, cause=event)
