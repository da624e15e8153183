"""The ``hotel.booked`` payload: the stays one event made, per booking and night."""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from events.contracts import Day, EventPayload, Part
from events.types import EventType

from .models import HotelStay, StayStatus


class BookingStays(Part):
    """One booking's stays for one night: in one hotel, or unaccommodated."""

    booking_id: int
    """The booking."""
    locator: str
    """Its record locator."""
    passenger_ids: list[int]
    """Its passengers staying."""
    stay_ids: list[int]
    """Their stays."""
    airport: str
    """Where they stay."""
    night: Day
    """The night that begins that evening, local time."""
    status: StayStatus
    """`booked`, or `unaccommodated` when no hotel had room (operators act on them)."""
    hotel: str | None
    """The hotel's code; null when unaccommodated."""
    hotel_name: str | None
    """The hotel's name; null when unaccommodated."""
    rooms: int
    """Rooms the booking holds."""

    @property
    def booked(self) -> bool:
        """Whether the booking has a room (else it is unaccommodated)."""
        return self.status == StayStatus.BOOKED

    @classmethod
    def of(cls, stays: list[HotelStay], locator: str) -> BookingStays:
        """The booking's ``stays`` of one night (all in one hotel, or none)."""
        first = stays[0]
        return cls(
            booking_id=first.booking_id,
            locator=locator,
            passenger_ids=[stay.passenger_id for stay in stays],
            stay_ids=[stay.id for stay in stays],
            airport=first.airport_id,
            night=first.night,
            status=StayStatus(first.status),
            hotel=first.hotel.code if first.hotel else None,
            hotel_name=first.hotel.name if first.hotel else None,
            rooms=first.rooms,
        )


class HotelBooked(EventPayload):
    """Stays made for a disrupted flight's passengers (booked, or unaccommodated when no hotel had room)."""

    event_type: ClassVar[str] = EventType.HOTEL_BOOKED

    flight_id: int
    """The disrupted flight."""
    flight: str
    """`DESIGNATOR/DATE`."""
    booked: int
    """Passengers given a room."""
    unaccommodated: int
    """Passengers owed a room that none was left for."""
    stays: list[BookingStays]
    """Per booking and night."""
    booked_by: str | None = None
    """The operator who booked the rooms by hand; null when lodging allocated them."""

    @classmethod
    def of(
        cls,
        *,
        flight_id: int,
        flight: str,
        stays: list[HotelStay],
        locators: dict[int, str],
        booked_by: str | None = None,
    ) -> HotelBooked:
        """The ``stays`` one event made (they come grouped by booking and night); ``locators`` by booking id."""
        booked = sum(stay.status == StayStatus.BOOKED for stay in stays)
        return cls(
            flight_id=flight_id,
            flight=flight,
            booked=booked,
            unaccommodated=len(stays) - booked,
            stays=[
                BookingStays.of(list(group), locators[booking_id])
                for (booking_id, _), group in groupby(stays, key=lambda stay: (stay.booking_id, stay.night))
            ],
            booked_by=booked_by,
        )
