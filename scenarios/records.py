"""A checked scenario as typed records, ready to load. ``index`` is the record's position in its document array."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flights.designators import FlightRef


@dataclass(frozen=True, slots=True)
class AirlineRecord:
    index: int
    code: str
    name: str
    own: bool
    endpoint: str
    secret: str
    country: str


@dataclass(frozen=True, slots=True)
class AirportRecord:
    index: int
    code: str
    name: str
    country: str
    zone: ZoneInfo
    latitude: float
    longitude: float
    min_connection_minutes: int


@dataclass(frozen=True, slots=True)
class HotelRecord:
    index: int
    code: str
    airport: str
    name: str
    rank: int
    rooms: dict[dt.date, int]


@dataclass(slots=True)
class FlightRecord:
    """A flight; ``booked`` counts the passengers booked per cabin, filled in while the bookings are checked."""

    index: int
    ref: FlightRef
    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    seats: dict[str, int]
    terminal: str
    gate: str
    booked: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class PassengerRecord:
    index: int
    ref: str
    first_name: str
    last_name: str
    email: str
    phone: str
    tier: str
    assistance: list[str]


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    flight: FlightRef
    cabin: str


@dataclass(frozen=True, slots=True)
class BookingRecord:
    index: int
    locator: str
    passengers: list[PassengerRecord]
    segments: list[SegmentRecord]


@dataclass(frozen=True)
class Scenario:
    name: str
    airlines: list[AirlineRecord]
    airports: list[AirportRecord]
    hotels: list[HotelRecord]
    flights: list[FlightRecord]
    bookings: list[BookingRecord]

    @property
    def passenger_count(self) -> int:
        return sum(len(booking.passengers) for booking in self.bookings)
