"""A room booked by hand (an operator acting on a hotel duty): rooms taken from the inventory, never oversold, the
unaccommodated stays resolved, and ``hotel.booked`` published in the disruption's flow; otherwise nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from events.models import Event
from flights.models import Flight
from flights.services import delay_flight
from lodging.models import HotelStay, RoomNight, StayCause, StayStatus
from lodging.services import NotBookable, book_by_hand
from passengers.models import Passenger
from tests.factories import BookingFactory, FlightFactory, HotelFactory, PassengerFactory, RoomNightFactory

pytestmark = pytest.mark.django_db

NIGHT = dt.date(2026, 11, 25)


@pytest.fixture
def flight() -> Flight:
    return FlightFactory()


@pytest.fixture
def root(flight: Flight) -> Event:
    return delay_flight(flight=flight, delay_minutes=900, reason="TECH")


@pytest.fixture
def party() -> list[Passenger]:
    booking = BookingFactory(locator="HAND01")
    return [PassengerFactory(booking=booking) for _ in range(3)]


def _book(party: list[Passenger], room_night: RoomNight | None, flight: Flight, root: Event, **kwargs) -> list:
    hotel = room_night.hotel if room_night else HotelFactory(code="LHR-PHONE")
    return book_by_hand(
        passenger_ids=[p.id for p in party],
        hotel=hotel,
        night=NIGHT,
        flight_id=flight.id,
        by="controller",
        cause=root.facts,
        **kwargs,
    )


def _unaccommodated(passenger: Passenger, flight: Flight) -> HotelStay:
    return HotelStay.objects.create(
        passenger=passenger,
        booking=passenger.booking,
        airport_id="LHR",
        night=NIGHT,
        status=StayStatus.UNACCOMMODATED,
        cause=StayCause.DELAY,
        flight=flight,
    )


def test_rooms_are_taken_the_unaccommodated_stay_resolved_and_hotel_booked_published(
    party: list[Passenger], flight: Flight, root: Event
) -> None:
    waiting = _unaccommodated(party[0], flight)
    room_night = RoomNightFactory(rooms=2)
    stays = _book(party, room_night, flight, root, reference="CONF-7")
    room_night.refresh_from_db()
    assert room_night.rooms_used == 2
    assert waiting.id in {stay.id for stay in stays}, "the unaccommodated stay is booked, not doubled"
    assert set(HotelStay.objects.values_list("status", "rooms", "booked_by", "reference")) == {
        ("booked", 2, "controller", "CONF-7")
    }
    (booked,) = Event.objects.filter(type="hotel.booked")
    assert (booked.caused_by_id, booked.root_id) == (root.id, root.id)
    assert booked.payload["booked_by"] == "controller"
    assert booked.payload["stays"][0]["passenger_ids"] == [p.id for p in party]


def test_a_full_hotel_books_nothing_and_publishes_nothing(party: list[Passenger], flight: Flight, root: Event) -> None:
    waiting = _unaccommodated(party[0], flight)
    room_night = RoomNightFactory(rooms=3, rooms_used=2)
    with pytest.raises(NotBookable, match="full"):
        _book(party, room_night, flight, root)
    room_night.refresh_from_db()
    assert room_night.rooms_used == 2
    assert list(HotelStay.objects.values_list("id", "status")) == [(waiting.id, "unaccommodated")]
    assert not Event.objects.filter(type="hotel.booked").exists()


def test_a_hotel_without_inventory_that_night_is_booked_as_the_operator_says(
    party: list[Passenger], flight: Flight, root: Event
) -> None:
    stays = _book(party[:1], None, flight, root)
    assert [(stay.hotel.code, stay.rooms, stay.cause) for stay in stays] == [("LHR-PHONE", 1, "delay")]


def test_a_passenger_with_a_room_that_night_or_of_another_booking_is_refused(
    party: list[Passenger], flight: Flight, root: Event
) -> None:
    room_night = RoomNightFactory(rooms=5)
    _book(party[:1], room_night, flight, root)
    with pytest.raises(NotBookable, match="already has a room"):
        _book(party, room_night, flight, root)
    with pytest.raises(NotBookable, match="one booking"):
        _book([party[1], PassengerFactory()], room_night, flight, root)
    room_night.refresh_from_db()
    assert room_night.rooms_used == 1
    assert Event.objects.filter(type="hotel.booked").count() == 1
