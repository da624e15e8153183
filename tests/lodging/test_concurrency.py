"""Two overnight delays handled at once by two worker processes, competing for the same hotels: never oversold."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import F

from flights.models import Flight
from flights.services import delay_flight
from lodging.models import HotelStay, RoomNight
from passengers.models import Passenger
from tests.support.flows import flush_test_redis, handle, wait_until_finished
from tests.support.processes import WorkerProcess
from tests.support.scenarios import DAY, load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_lodging_two_flights_never_oversell_a_hotel(tmp_path: Path) -> None:
    load_network(
        [
            scenario_flight("100", "LHR", "JFK", "20:00", "2026-11-26T04:00", Y=60),
            scenario_flight("200", "LHR", "JFK", "20:30", "2026-11-26T04:30", Y=60),
        ],
        [scenario_booking(f"A{n:05d}", [("100", "Y")], size=1 + n % 3) for n in range(14)]
        + [scenario_booking(f"B{n:05d}", [("200", "Y")], size=1 + n % 3) for n in range(14)],
        tmp_path,
        hotels=[
            {"code": "LHR-H1", "airport": "LHR", "name": "First", "rooms": {DAY: 9}},
            {"code": "LHR-H2", "airport": "LHR", "name": "Second", "rooms": {DAY: 5}},
        ],
    )  # each flight alone needs 18 rooms: together they want 36 of the 14 on offer
    flush_test_redis()
    workers = [WorkerProcess(tmp_path / f"worker{n}.log", concurrency=1) for n in range(2)]
    try:
        with transaction.atomic():
            events = [
                delay_flight(flight=Flight.objects.get(number=number), delay_minutes=300, reason="TECH")
                for number in ("100", "200")
            ]
        for event in events:
            assert wait_until_finished(event, 60) == "completed"
    finally:
        for worker in workers:
            worker.stop()

    rooms_held: dict[str, int] = defaultdict(int)
    hotels_of_booking: dict[int, set[str | None]] = defaultdict(set)
    for booking_id, hotel, rooms in (
        HotelStay.objects.order_by().values_list("booking_id", "hotel__code", "rooms").distinct()
    ):
        hotels_of_booking[booking_id].add(hotel)
        if hotel:
            rooms_held[hotel] += rooms
    for night in RoomNight.objects.select_related("hotel"):
        assert night.rooms_used <= night.rooms
        assert night.rooms_used == rooms_held[night.hotel.code], "rooms used are exactly the rooms the stays hold"
    assert all(len(hotels) == 1 for hotels in hotels_of_booking.values()), "a booking is never split"
    assert HotelStay.objects.count() == Passenger.objects.count() == 54, "one stay each, booked or unaccommodated"
    assert sum(rooms_held.values()) >= 12, "the hotels are used about as fully as whole bookings allow"


def test_rooms_taken_by_a_concurrent_transaction_send_the_booking_to_the_next_hotel(tmp_path: Path) -> None:
    load_network(
        [scenario_flight("100", "LHR", "JFK", "20:00", "2026-11-26T04:00")],
        [scenario_booking("AAAAAA", [("100", "Y")], size=2)],
        tmp_path,
        hotels=[
            {"code": "LHR-H1", "airport": "LHR", "name": "First", "rooms": {DAY: 3}},
            {"code": "LHR-H2", "airport": "LHR", "name": "Second", "rooms": {DAY: 3}},
        ],
    )
    event = delay_flight(flight=Flight.objects.get(number="100"), delay_minutes=300, reason="TECH")
    taken = threading.Event()

    def take_every_room_of_the_first_hotel() -> None:
        try:
            with transaction.atomic():
                RoomNight.objects.filter(hotel__code="LHR-H1").update(rooms_used=F("rooms"))
                taken.set()
                time.sleep(0.5)  # the handler reads 3 rooms free, then waits for this row's lock
        finally:
            connection.close()

    rival = threading.Thread(target=take_every_room_of_the_first_hotel)
    rival.start()
    assert taken.wait(5)
    with transaction.atomic():
        result = handle(event, "lodging")
    rival.join()
    assert result == {"booked": 2, "unaccommodated": 0, "rooms": 1}
    assert set(HotelStay.objects.values_list("hotel__code", flat=True)) == {"LHR-H2"}
    assert dict(RoomNight.objects.values_list("hotel__code", "rooms_used")) == {"LHR-H1": 3, "LHR-H2": 1}
