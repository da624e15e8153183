"""The database itself holds the data model's invariants: writes that skip model validation are refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from flights.models import Flight
from lodging.models import RoomNight
from passengers.models import Booking, Segment, SegmentStatus
from tests.factories import BookingFactory, FlightFactory, RoomNightFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@contextmanager
def refused_by(*constraints: str) -> Iterator[None]:
    """Expect the database to refuse the write with (one of) the named constraint(s)."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        yield
    assert any(constraint in str(refused.value) for constraint in constraints), refused.value


def update(flight: Flight, **values: object) -> None:
    Flight.objects.filter(pk=flight.pk).update(**values)


def test_duplicate_flight_is_refused() -> None:
    flight = FlightFactory(number="117")
    twin = Flight.objects.get(pk=flight.pk)
    twin.pk = None
    with refused_by("flight_unique_designator_date"):
        Flight.objects.bulk_create([twin])


def test_same_flight_number_on_another_day_is_accepted() -> None:
    flight = FlightFactory(number="117")
    FlightFactory(number="117", service_date=flight.service_date + dt.timedelta(days=1))
    assert Flight.objects.filter(number="117").count() == 2


def test_flight_number_with_leading_zero_is_refused() -> None:
    flight = FlightFactory(number="117")
    with refused_by("flight_number_format"):
        update(flight, number="0117")


def test_duplicate_locator_is_refused() -> None:
    BookingFactory(locator="QX7K2M")
    with refused_by("locator"):
        Booking.objects.create(locator="QX7K2M")


@pytest.mark.parametrize("field", ["seats_f", "seats_j", "seats_y"])
def test_negative_seats_are_refused(field: str) -> None:
    flight = FlightFactory()
    # Negative seats also break "booked <= seats" (booked is never negative): any of them may fire first.
    with refused_by("flight_seats_not_negative", "flight_cabin_not_oversold", f"flights_flight_{field}_check"):
        update(flight, **{field: -1})


@pytest.mark.parametrize("cabin", ["f", "j", "y"])
def test_booking_beyond_seats_is_refused(cabin: str) -> None:
    flight = FlightFactory()
    update(flight, **{f"booked_{cabin}": F(f"seats_{cabin}")})  # full is fine
    with refused_by("flight_cabin_not_oversold"):
        update(flight, **{f"booked_{cabin}": F(f"seats_{cabin}") + 1})


def test_origin_equal_to_destination_is_refused() -> None:
    flight = FlightFactory()
    with refused_by("flight_origin_not_destination"):
        update(flight, destination=F("origin"))


@pytest.mark.parametrize(
    ("arrival", "departure", "constraint"),
    [
        ("scheduled_arrival", "scheduled_departure", "flight_arrives_after_departure"),
        ("estimated_arrival", "estimated_departure", "flight_estimated_arrives_after"),
    ],
)
def test_arrival_not_after_departure_is_refused(arrival: str, departure: str, constraint: str) -> None:
    flight = FlightFactory()
    with refused_by(constraint):
        update(flight, **{arrival: F(departure) - dt.timedelta(minutes=1)})
    with refused_by(constraint):
        update(flight, **{arrival: F(departure)})


def test_duplicate_active_segment_position_is_refused() -> None:
    segment = SegmentFactory(position=1)
    with refused_by("segment_unique_active_position"):
        Segment.objects.create(booking=segment.booking, position=1, flight=FlightFactory(), cabin="Y")


def test_replaced_segment_may_share_its_position() -> None:
    segment = SegmentFactory(position=1, status=SegmentStatus.REPLACED)
    Segment.objects.create(booking=segment.booking, position=1, flight=FlightFactory(), cabin="Y")
    assert segment.booking.segments.count() == 2


def test_room_night_beyond_rooms_is_refused() -> None:
    night = RoomNightFactory(rooms=10)
    with refused_by("room_night_not_oversold"):
        RoomNight.objects.filter(pk=night.pk).update(rooms_used=11)
