"""Freshness of the flight API's cache: every change of a flight is served from the first request after its
commit, and not before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from flights import gate_cache
from flights.models import Flight
from flights.services import cancel_flight, change_gate, delay_flight
from scenarios.loader import delete_scenario_data
from tests.factories import FlightFactory
from tests.flights.api.conftest import GATE_URL, BookedFlight

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 25)


def gate(api: Client, flight: BookedFlight) -> dict[str, Any]:
    response = api.get(flight.gate_url)
    assert response.status_code == 200
    return response.json()


def test_gate_change_is_served_after_commit_not_before(
    api: Client, booked: BookedFlight, django_capture_on_commit_callbacks: Any
) -> None:
    etag = api.get(booked.gate_url)["ETag"]

    with django_capture_on_commit_callbacks() as callbacks:
        change_gate(flight=booked.flight, gate="C7", terminal="3")
    assert gate(api, booked)["gate"] == "B32"  # not committed yet (callbacks not run)
    for callback in callbacks:
        callback()

    response = api.get(booked.gate_url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert (response.json()["gate"], response.json()["terminal"]) == ("C7", "3")


def test_delay_is_served_after_commit(
    api: Client, booked: BookedFlight, django_capture_on_commit_callbacks: Any
) -> None:
    gate(api, booked)

    with django_capture_on_commit_callbacks(execute=True):
        delay_flight(flight=booked.flight, delay_minutes=45)

    body = gate(api, booked)
    assert body["status"] == "delayed"
    assert body["estimated_departure"] == "2026-07-01T10:45:00+01:00"
    assert api.get(booked.status_url).json()["estimated_arrival"] == "2026-07-01T13:45:00-04:00"


def test_cancellation_is_served_after_commit(
    api: Client, booked: BookedFlight, django_capture_on_commit_callbacks: Any
) -> None:
    gate(api, booked)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_flight(flight=booked.flight)

    assert gate(api, booked)["status"] == "cancelled"


def test_an_admin_save_is_served_after_commit(
    api: Client, booked: BookedFlight, django_capture_on_commit_callbacks: Any
) -> None:
    gate(api, booked)
    flight = Flight.objects.get(pk=booked.flight.pk)
    flight.scheduled_departure += dt.timedelta(minutes=30)
    flight.gate = "D4"

    with django_capture_on_commit_callbacks(execute=True):
        flight.save()

    body = gate(api, booked)
    assert (body["gate"], body["scheduled_departure"]) == ("D4", "2026-07-01T10:30:00+01:00")


def test_a_renumbered_flight_leaves_its_old_url(api: Client, django_capture_on_commit_callbacks: Any) -> None:
    flight = FlightFactory(number="500")
    assert api.get(GATE_URL.format("NV500", "2026-11-25")).status_code == 200

    flight.number = "501"
    with django_capture_on_commit_callbacks(execute=True):
        flight.save()

    assert api.get(GATE_URL.format("NV500", "2026-11-25")).status_code == 404
    assert api.get(GATE_URL.format("NV501", "2026-11-25")).json()["flight"] == "NV501"


def test_a_deleted_flight_is_404_after_commit(api: Client, django_capture_on_commit_callbacks: Any) -> None:
    FlightFactory(number="600")
    assert api.get(GATE_URL.format("NV600", "2026-11-25")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Flight.objects.filter(number="600").delete()  # a queryset delete, as the scenario loader's --replace

    assert api.get(GATE_URL.format("NV600", "2026-11-25")).status_code == 404


def test_a_scenario_replace_forgets_every_cached_flight_on_commit(
    api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    FlightFactory(number="600")
    url = GATE_URL.format("NV600", "2026-11-25")
    assert api.get(url).status_code == 200  # cached

    with django_capture_on_commit_callbacks() as callbacks:
        delete_scenario_data()  # the loader's --replace
    assert cache.get(gate_cache.key_for_flight(Flight(carrier_id="NV", number="600", service_date=DAY)))
    for callback in callbacks:
        callback()

    assert api.get(url).status_code == 404


def test_a_bulk_created_flight_is_served_at_once(api: Client, booked: BookedFlight) -> None:
    url = GATE_URL.format("NV700", "2026-07-01")
    assert api.get(url).status_code == 404  # unknown flights are not cached
    known = booked.flight

    # The scenario loader's way: no signals.
    Flight.objects.bulk_create([FlightFactory.build(number="700", service_date=known.service_date,
                                                    carrier=known.carrier, origin=known.origin,
                                                    destination=known.destination)])  # fmt: skip

    assert api.get(url).status_code == 200


def test_a_request_cannot_overwrite_what_a_commit_cached(booked: BookedFlight) -> None:
    """A request that read the flight before a commit fills the cache with add: the commit's entry stays."""
    key = gate_cache.key_for_flight(booked.flight)
    committed = {"gate": gate_cache.Rendered(body=b"{}", etag='"committed"')}
    cache.set(key, committed)

    gate_cache.load(booked.flight.ref)

    assert cache.get(key) == committed


def test_a_cache_outage_does_not_fail_a_disruption(
    booked: BookedFlight, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    class Unreachable:
        def set(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(gate_cache, "cache", Unreachable())

    with django_capture_on_commit_callbacks(execute=True):
        change_gate(flight=booked.flight, gate="C7")

    assert Flight.objects.get(pk=booked.flight.pk).gate == "C7"


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_is_seen_by_the_very_next_request(api: Client, booked: BookedFlight) -> None:
    assert gate(api, booked)["gate"] == "B32"

    with transaction.atomic():
        change_gate(flight=booked.flight, gate="E9")
        assert gate(api, booked)["gate"] == "B32"  # inside the transaction: the cache still has the committed gate

    assert gate(api, booked)["gate"] == "E9"


def test_with_the_cache_down_the_api_answers_from_the_database(
    api: Client, booked: BookedFlight, settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "airline.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    change_gate(flight=booked.flight, gate="D4", terminal="2")
    for _ in range(3):  # the rate limit fails open too
        assert gate(api, booked)["gate"] == "D4"
