"""The handlers that touch one journey take turns, whichever flight their event is about: each locks the journeys'
bookings before it reads the records it may overwrite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connection, transaction

from events.models import Event
from flights.services import delay_flight
from passengers.models import Booking
from tests.support.flows import flush_test_redis, handle

from .support import flight, hub

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def delayed(tmp_path: Path) -> Iterator[Event]:
    """NV1 delayed (committed: another connection must see it); its deliveries' messages are dropped after."""
    hub(tmp_path)
    try:
        yield delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    finally:
        flush_test_redis()


def test_a_handler_waits_for_a_journey_another_holds(delayed: Event) -> None:
    locked, release = threading.Event(), threading.Event()

    def hold_the_journey() -> None:
        try:
            with transaction.atomic():
                list(Booking.objects.select_for_update().filter(locator="SHORTS"))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_journey)
    holder.start()
    try:
        assert locked.wait(10)
        with transaction.atomic(), pytest.raises(OperationalError, match="lock timeout"):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            handle(delayed, "compensation")
    finally:
        release.set()
        holder.join()
    with transaction.atomic():
        assert handle(delayed, "compensation") == {"assessed": 3, "eligible": 3}, "once the journey is free"
