"""The ``hotel_stays`` section of the outcome document."""

from __future__ import annotations

from typing import Any

from events.scopes import RowScope, every_row

from .models import HotelStay


def hotel_stays_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every hotel night in ``scope`` booked, or owed but unaccommodated (one query)."""
    stays = (
        scope(HotelStay.objects.all())
        .select_related("passenger", "booking", "hotel")
        .order_by("night", "airport_id", "id")
    )
    return [
        {
            "passenger": stay.passenger.ref,
            "locator": stay.booking.locator,
            "hotel": stay.hotel.code if stay.hotel else None,
            "airport": stay.airport_id,
            "night": stay.night.isoformat(),
            "status": stay.status,
        }
        for stay in stays
    ]
