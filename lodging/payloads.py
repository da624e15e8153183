"""The ``hotel.booked`` payload (catalogued in events.catalogue and docs/events.md)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from events.models import Event

from .models import HotelStay, StayStatus


def _booking_stays(stays: list[HotelStay], locators: dict[int, str]) -> dict[str, Any]:
    first = stays[0]
    return {
        "booking_id": first.booking_id,
        "locator": locators[first.booking_id],
        "passenger_ids": [stay.passenger_id for stay in stays],
        "stay_ids": [stay.id for stay in stays],
        "airport": first.airport_id,
        "night": first.night.isoformat(),
        "status": first.status,
        "hotel": first.hotel.code if first.hotel else None,
        "hotel_name": first.hotel.name if first.hotel else None,
        "rooms": first.rooms,
    }


def hotel_booked_payload(event: Event, stays: list[HotelStay], locators: dict[int, str]) -> dict[str, Any]:
    """The stays one event made, per booking and night (``stays`` come grouped so), for notifications and
    operators; ``locators`` by booking id."""
    booked = sum(stay.status == StayStatus.BOOKED for stay in stays)
    return {
        "flight_id": event.payload["flight_id"],
        "flight": event.payload["flight"],
        "booked": booked,
        "unaccommodated": len(stays) - booked,
        "stays": [
            _booking_stays(list(group), locators)
            for _, group in groupby(stays, key=lambda stay: (stay.booking_id, stay.night))
        ],
    }
