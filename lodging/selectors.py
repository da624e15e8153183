"""Lodging's reads: airports' timezones, the stays already made, and the rooms on offer (one query each)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from flights.models import Airport

from .models import HotelStay, RoomNight


def airport_timezones(codes: Collection[str]) -> dict[str, str]:
    """The IANA timezone of each airport."""
    return dict(Airport.objects.filter(code__in=codes).values_list("code", "timezone"))


def nights_taken(passenger_ids: Collection[int], nights: Collection[dt.date]) -> set[tuple[int, dt.date]]:
    """The ``(passenger id, night)`` pairs that already have a stay."""
    return set(
        HotelStay.objects.filter(passenger_id__in=passenger_ids, night__in=nights).values_list("passenger_id", "night")
    )


def ranked_room_nights(
    airports: Collection[str], nights: Collection[dt.date]
) -> dict[tuple[str, dt.date], list[RoomNight]]:
    """The rooms on offer per ``(airport, night)``, hotels in the operators' rank order (with their hotel)."""
    room_nights = (
        RoomNight.objects.filter(hotel__airport_id__in=airports, night__in=nights)
        .select_related("hotel")
        .order_by("hotel__rank", "hotel__code")
    )
    ranked: dict[tuple[str, dt.date], list[RoomNight]] = defaultdict(list)
    for room_night in room_nights:
        ranked[room_night.hotel.airport_id, room_night.night].append(room_night)
    return ranked
