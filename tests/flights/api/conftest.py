"""Fixtures of the API tests: a cache namespace per test, a client, a flight with passengers booked on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from django.test import Client

from flights.models import Flight
from passengers.models import Passenger
from tests.factories import FlightFactory, PassengerFactory, SegmentFactory

GATE_URL = "/api/v1/flights/{}/{}/gate"
STATUS_URL = "/api/v1/flights/{}/{}"


@pytest.fixture(autouse=True)
def isolated_cache(settings: Any) -> None:
    """A cache namespace of the test's own, so entries and throttle counters of other tests (or of other runs
    sharing the Redis database) are invisible to it, without flushing anything."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid4().hex}"}}


@dataclass(frozen=True)
class BookedFlight:
    flight: Flight
    passengers: list[Passenger]

    @property
    def gate_url(self) -> str:
        return GATE_URL.format(self.flight.designator, self.flight.service_date.isoformat())

    @property
    def status_url(self) -> str:
        return STATUS_URL.format(self.flight.designator, self.flight.service_date.isoformat())


@pytest.fixture
def booked(db: None) -> BookedFlight:
    """NV117 LHR-JFK on 2026-07-01 (summer time at both ends), gate B32 in terminal 5, two passengers booked."""
    flight = FlightFactory(
        number="117",
        service_date=dt.date(2026, 7, 1),
        scheduled_departure=dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC),
    )
    segment = SegmentFactory(flight=flight, booking__locator="QX7K2M")
    passengers = [
        PassengerFactory(booking=segment.booking, ref="QX7K2M-1", first_name="Augusta", last_name="Lovelace",
                         email="augusta@example.org", phone="+447700900123"),
        PassengerFactory(booking=segment.booking, ref="QX7K2M-2", first_name="Charles", last_name="Babbage",
                         email="charles@example.org", phone="+447700900456"),
    ]  # fmt: skip
    return BookedFlight(flight=flight, passengers=passengers)


@pytest.fixture
def api() -> Client:
    """A test client whose requests come from 203.0.113.7 (a documentation address)."""
    return Client(REMOTE_ADDR="203.0.113.7")
