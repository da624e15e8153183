"""The gate API's fast lane: hits served from this process's copy of the cache, with no Redis command, kept fresh
by Redis's invalidation pushes; the same answers as the full path; the throttle counted in batches."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from prometheus_client import REGISTRY
from redis.exceptions import RedisError

from airline.redis_cache import RedisCache
from airline.throttling import LOCAL_BATCH, ClientRateThrottle, _LocalCounts
from flights import gate_cache
from flights.services import change_gate
from tests.flights.api.conftest import BookedFlight

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend() -> RedisCache:
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    return backend


@pytest.fixture
def other_client() -> redis.Redis:
    """A Redis connection of another process's kind: nothing of this process's copy knows of it."""
    client = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    yield client
    client.close()


@pytest.fixture
def commands(backend: RedisCache, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The commands this thread sends to Redis, over its tracking connection and its client (observed, still
    sent)."""
    sent: list[tuple[Any, ...]] = []

    def observe(target: Any, method: str) -> None:
        real = getattr(target, method)
        monkeypatch.setattr(target, method, lambda *args, **kwargs: (sent.append(args), real(*args, **kwargs))[1])

    observe(backend._cache.tracked()._connected(), "send_command")
    observe(backend._cache.get_client(), "execute_command")
    return sent


def test_a_value_is_read_from_redis_once(backend: RedisCache, commands: list[tuple[Any, ...]]) -> None:
    backend.set("entry", {"gate": "B32"})
    commands.clear()

    assert [backend.tracked_get("entry") for _ in range(3)] == [{"gate": "B32"}] * 3
    assert [args[0] for args in commands] == ["GET"]


def test_a_write_by_another_connection_is_seen_by_the_next_read(backend: RedisCache, other_client: redis.Redis) -> None:
    backend.set("entry", "B32")
    assert backend.tracked_get("entry") == "B32"

    other_client.set(backend.make_key("entry"), backend._cache._serializer.dumps("C7"))
    assert backend.tracked_get("entry") == "C7"

    other_client.delete(backend.make_key("entry"))
    assert backend.tracked_get("entry") is None


def test_a_lost_tracking_connection_forgets_the_copy(backend: RedisCache, other_client: redis.Redis) -> None:
    backend.set("entry", "B32")
    assert backend.tracked_get("entry") == "B32"
    host, port = backend._cache.tracked()._connected()._sock.getsockname()[:2]
    other_client.client_kill(f"{host}:{port}")

    # Written while the connection is gone: its invalidation is never received.
    other_client.set(backend.make_key("entry"), backend._cache._serializer.dumps("C7"))

    with contextlib.suppress(RedisError):  # the lookup that finds the connection closed fails (the API falls back)
        assert backend.tracked_get("entry") == "C7"
    assert backend.tracked_get("entry") == "C7"


def test_a_hit_makes_no_redis_command(
    api: Client, booked: BookedFlight, backend: RedisCache, commands: list[tuple[Any, ...]]
) -> None:
    api.get(booked.gate_url)  # a miss: the copy asks, then the full path counts, asks again, renders and fills
    api.get(booked.gate_url)  # the copy reads the entry; the throttle counts the request in this process
    assert [args[0] for args in commands] == ["GET", "EVALSHA", "GET", "SET", "GET"]
    commands.clear()

    for _ in range(LOCAL_BATCH - 2):  # the throttle's batch is not due yet
        assert api.get(booked.gate_url).status_code == 200
    assert commands == []
    api.get(booked.gate_url)
    assert [args[0] for args in commands] == ["EVALSHA"]  # the batch


@pytest.mark.django_db(transaction=True)
def test_a_commit_in_another_thread_is_seen_by_the_next_request(api: Client, booked: BookedFlight) -> None:
    """The commit's cache write goes over that thread's own connection: the copy learns of it from Redis."""
    assert api.get(booked.gate_url).json()["gate"] == "B32"
    assert api.get(booked.gate_url).json()["gate"] == "B32"  # from the copy

    def write() -> None:
        change_gate(flight=booked.flight, gate="E9")
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()

    assert api.get(booked.gate_url).json()["gate"] == "E9"


def test_a_hit_has_the_headers_of_the_full_path(api: Client, booked: BookedFlight) -> None:
    miss = api.get(booked.gate_url, headers={"Origin": "https://app.example"})
    hit = api.get(booked.gate_url, headers={"Origin": "https://app.example"})

    assert gate_cache.cached_here(gate_cache.key_for_flight(booked.flight)) is not None
    assert hit.content == miss.content
    # DRF's Allow is the one header the full path adds (it always did: hits were answered before DRF already).
    assert _headers(hit) == _headers(miss) - {("Allow", "GET, HEAD")}


def _headers(response: Any) -> set[tuple[str, str]]:
    return {(name, value) for name, value in response.items() if name != "X-Correlation-ID"}


def test_batched_counts_of_two_processes_hold_the_limit_within_the_tolerance(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100/min"}}
    processes = [_LocalCounts(), _LocalCounts()]

    admitted = 0
    for n in range(300):  # one client's requests, spread over both processes
        throttle = ClientRateThrottle()
        key = throttle.counter_key("203.0.113.9")
        admitted += throttle.allows(processes[n % 2].count(throttle, key))

    assert 100 <= admitted <= 100 + (len(processes) - 1) * (LOCAL_BATCH - 1)


def test_a_throttle_batch_is_sent_every_local_batch_requests(api: Client, booked: BookedFlight) -> None:
    api.get(booked.gate_url)
    for _ in range(2 * LOCAL_BATCH):
        api.get(booked.gate_url)

    counter = caches["default"].get(ClientRateThrottle().counter_key("203.0.113.7"))
    assert counter == 1 + 2 * LOCAL_BATCH  # the miss counted by DRF, the hits in two batches


def test_a_hit_is_counted_under_its_endpoint_and_as_a_cache_hit(api: Client, booked: BookedFlight) -> None:
    """The fast lane answers before URL resolution would: the API's metrics still see which endpoint it was."""

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    api.get(booked.gate_url)  # a miss of the copy: the full path answers (from Redis)
    requests_before = sample("airline_api_requests_total", endpoint="flight-gate", status="200")
    hits_before = sample("airline_gate_cache_requests_total", result="hit")

    assert api.get(booked.gate_url).status_code == 200  # from the copy
    assert gate_cache.cached_here(gate_cache.key_for_flight(booked.flight)) is not None
    assert sample("airline_api_requests_total", endpoint="flight-gate", status="200") == requests_before + 1
    assert sample("airline_gate_cache_requests_total", result="hit") == hits_before + 1
