"""Two disruptions handled at once by two worker processes, competing for the same seats: no oversell."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from events.models import Event
from flights.models import Flight
from flights.services import cancel_flight
from passengers.models import Passenger, Segment
from rebooking.models import Reaccommodation
from tests.rebooking.test_service import _booking, _flight, _load
from tests.support.flows import flush_test_redis, wait_until_finished
from tests.support.processes import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_rebooking_onto_the_same_flight_never_oversell(tmp_path: Path) -> None:
    _load(
        [
            _flight("100", "LHR", "JFK", "10:00", "18:00", Y=40),
            _flight("101", "LHR", "JFK", "10:30", "18:30", Y=40),
            _flight("102", "LHR", "JFK", "14:00", "22:00", J=5, Y=20),
        ],
        [_booking(f"A{n:05d}", [("100", "Y")], size=1 + n % 3) for n in range(15)]
        + [_booking(f"B{n:05d}", [("101", "Y")], size=1 + n % 2) for n in range(15)],
        tmp_path,
    )
    flush_test_redis()
    workers = [WorkerProcess(tmp_path / f"worker{n}.log", concurrency=1) for n in range(2)]
    try:
        with transaction.atomic():
            first = cancel_flight(flight=Flight.objects.get(number="100"), reason="TECH")
            second = cancel_flight(flight=Flight.objects.get(number="101"), reason="TECH")
        assert wait_until_finished(first, 60) == "completed"
        assert wait_until_finished(second, 60) == "completed"
    finally:
        for worker in workers:
            worker.stop()
    nv102 = Flight.objects.get(number="102")
    held = (
        Segment.objects.filter(flight=nv102, status="active")
        .values("cabin")
        .annotate(passengers=Count("booking__passengers"))
    )
    by_cabin = {row["cabin"]: row["passengers"] for row in held}
    assert (nv102.booked_j, nv102.booked_y) == (by_cabin.get("J", 0), by_cabin.get("Y", 0))
    assert nv102.booked_j <= 5 and nv102.booked_y <= 20
    rebooked = Reaccommodation.objects.filter(status="rebooked").values_list("booking_id", flat=True)
    protected = Passenger.objects.filter(booking_id__in=rebooked).count()
    assert protected == nv102.booked_j + nv102.booked_y
    assert protected >= 24, "the 25 seats are used as fully as whole parties allow"
    assert Reaccommodation.objects.count() == 30
    assert Event.objects.filter(type="passenger.reaccommodated").count() == 2
    assert Flight.objects.filter(number__in=["100", "101"]).aggregate(s=Sum("booked_y"))["s"] == 0
