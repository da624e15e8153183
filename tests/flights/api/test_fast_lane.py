"""The gate API's fast lane (in front of Django, ``airline.wsgi``): hits served from this process's copy of the
cache, with no Redis command, kept fresh by Redis's invalidation pushes; the same answers as the full path, which
answers everything else; the throttle counted in batches and still enforced; the API's metrics still counted."""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection
from prometheus_client import REGISTRY
from redis.exceptions import RedisError

from airline.redis_cache import RedisCache
from airline.throttling import LOCAL_BATCH, ClientRateThrottle, _LocalCounts
from flights.fast_lane import FastLane
from flights.services import change_gate
from tests.flights.api.conftest import BookedFlight
from tests.support.wsgi import Answer, WSGIClient

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


@pytest.fixture
def other_backend() -> RedisCache:
    """The cache backend of another process (web worker, Celery worker): its own connections to Redis."""
    params = django_settings.CACHES["default"]
    return RedisCache(params["LOCATION"], params)


def test_a_write_by_another_process_is_seen_by_the_next_read(backend: RedisCache, other_backend: RedisCache) -> None:
    backend.set("entry", "B32")
    assert backend.tracked_get("entry") == "B32"

    other_backend.set("entry", "C7")
    assert backend.tracked_get("entry") == "C7"

    other_backend.delete("entry")
    assert backend.tracked_get("entry") is None


def test_each_write_waits_for_a_later_answer_before_it_returns(
    other_backend: RedisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis may write the write's reply before the invalidations it caused: a command answered in a later pass
    over its clients is what guarantees they were written (``airline.tracked_cache``)."""
    client = other_backend._cache.get_client(None, write=True)
    sent: list[str] = []
    real = client.execute_command

    def observed(*args: Any, **kwargs: Any) -> Any:
        sent.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", observed)

    other_backend.set("entry", "C7")
    other_backend.delete("entry")
    other_backend.delete_many(["entry"])

    assert sent == ["SET", "PING", "DEL", "PING", "DEL", "PING"]


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


@pytest.fixture
def django_requests() -> list[object]:
    """The requests Django's handler began while the test runs (the fast lane's answers are not among them)."""
    began: list[object] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        began.append(sender)

    request_started.connect(receiver)
    yield began
    request_started.disconnect(receiver)


def stack() -> tuple[WSGIClient, WSGIClient]:
    """Clients of the project's WSGI stack (the fast lane in front of Django) and of Django's handler alone, built
    with the settings in force now (middlewares read theirs when the handler loads them)."""
    django = WSGIHandler()
    return WSGIClient(FastLane(django)), WSGIClient(django)


@pytest.fixture
def lane() -> WSGIClient:
    return stack()[0]


def warmed(client: WSGIClient, url: str, **request: Any) -> None:
    """Two requests of a kind: the first fills the cache and this process's copy, Django answers the second too,
    and the lane answers the kind from then on."""
    client.get(url, **request)
    client.get(url, **request)


def test_the_projects_wsgi_application_is_the_fast_lane_in_front_of_django() -> None:
    import airline.wsgi

    assert isinstance(airline.wsgi.application, FastLane)
    assert isinstance(airline.wsgi.application.app, WSGIHandler)


def test_a_hit_makes_no_redis_command(
    lane: WSGIClient, booked: BookedFlight, commands: list[tuple[Any, ...]], django_requests: list[object]
) -> None:
    lane.get(booked.gate_url)  # a miss: the copy asks, then the full path counts, asks again, renders and fills
    lane.get(booked.gate_url)  # the copy reads the entry; Django answers this kind once: counts, reads
    assert [args[0] for args in commands] == ["GET", "EVALSHA", "GET", "SET", "GET", "EVALSHA", "GET"]
    commands.clear()
    django_requests.clear()

    for _ in range(LOCAL_BATCH - 1):  # the throttle's batch is not due yet
        assert lane.get(booked.gate_url).status_code == 200
    assert commands == []
    assert django_requests == []
    lane.get(booked.gate_url)
    assert [args[0] for args in commands] == ["EVALSHA"]  # the batch


@pytest.mark.django_db(transaction=True)
def test_a_commit_in_another_thread_is_seen_by_the_next_request(
    lane: WSGIClient, booked: BookedFlight, django_requests: list[object]
) -> None:
    """The commit's cache write goes over that thread's own connection: the copy learns of it from Redis."""
    warmed(lane, booked.gate_url)
    django_requests.clear()
    assert lane.get(booked.gate_url).json()["gate"] == "B32"
    assert django_requests == []  # the lane answered

    def write() -> None:
        change_gate(flight=booked.flight, gate="E9")
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()

    assert lane.get(booked.gate_url).json()["gate"] == "E9"


def test_a_commit_is_seen_by_the_next_request(
    lane: WSGIClient, booked: BookedFlight, django_capture_on_commit_callbacks: Any
) -> None:
    warmed(lane, booked.status_url)
    etag = lane.get(booked.status_url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        change_gate(flight=booked.flight, gate="E9")

    assert lane.get(booked.status_url).json()["gate"] == "E9"
    assert lane.get(booked.status_url, headers={"If-None-Match": etag}).status_code == 200  # not a stale 304


SECURE_BEHIND_A_PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"), "SECURE_HSTS_SECONDS": 3600}


@pytest.mark.parametrize("url", ["gate_url", "status_url"])
@pytest.mark.parametrize("revalidated", [False, True], ids=["200", "304"])
@pytest.mark.parametrize(
    ("configured", "headers"),
    [
        ({}, {}),
        (SECURE_BEHIND_A_PROXY, {"X-Forwarded-Proto": "https"}),
        (SECURE_BEHIND_A_PROXY, {"X-Forwarded-Proto": "http"}),
    ],
    ids=["http", "https-behind-a-proxy", "http-behind-a-proxy"],
)
def test_a_fast_answer_is_the_full_paths(
    settings: Any,
    booked: BookedFlight,
    django_requests: list[object],
    url: str,
    revalidated: bool,
    configured: dict[str, Any],
    headers: dict[str, str],
) -> None:
    for name, value in configured.items():
        setattr(settings, name, value)
    lane, full = stack()
    url = getattr(booked, url)
    if revalidated:
        headers = {**headers, "If-None-Match": full.get(url)["ETag"]}
    warmed(lane, url, headers=headers)
    django_requests.clear()

    fast, other_fast = lane.get(url, headers=headers), lane.get(url, headers=headers)
    assert django_requests == []
    reference = full.get(url, headers=headers)

    assert fast.status_code == reference.status_code == (304 if revalidated else 200)
    assert fast.content == reference.content
    assert _with_correlation_id(fast, "-") == _with_correlation_id(reference, "-")
    assert re.fullmatch("[0-9a-f]{32}", fast["X-Correlation-ID"])
    assert fast["X-Correlation-ID"] != other_fast["X-Correlation-ID"]
    assert fast.has_header("Strict-Transport-Security") is (headers.get("X-Forwarded-Proto") == "https")


def _with_correlation_id(answer: Answer, value: str) -> list[tuple[str, str]]:
    return [(name, value if name == "X-Correlation-ID" else v) for name, v in answer.header_list]


@pytest.mark.parametrize(
    ("method", "url", "headers", "environ", "status"),
    [
        ("HEAD", "{gate}", {}, {}, 200),
        ("POST", "{gate}", {}, {}, 405),
        ("GET", "{gate}", {"Origin": "https://app.example"}, {}, 200),
        ("GET", "{gate}?lang=pl", {}, {}, 200),
        ("GET", "{gate}", {}, {"CONTENT_LENGTH": "5000"}, 413),
        ("GET", "{gate}", {"Host": "elsewhere.example"}, {}, 400),
        ("GET", "/api/v1/flights/NV0/2026-07-01/gate", {}, {}, 400),
        ("GET", "/api/v1/flights/NV118/2026-07-01/gate", {}, {}, 404),
        ("GET", "{gate}/", {}, {}, 404),
    ],
    ids=["head", "post", "cors", "query", "body", "disallowed-host", "malformed", "unknown", "other-url"],
)
def test_anything_else_is_left_to_django(
    settings: Any,
    booked: BookedFlight,
    django_requests: list[object],
    method: str,
    url: str,
    headers: dict[str, str],
    environ: dict[str, str],
    status: int,
) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    lane, _ = stack()
    warmed(lane, booked.gate_url)
    django_requests.clear()

    answers = [lane.request(method, url.format(gate=booked.gate_url), headers, **environ) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [status, status]
    assert len(django_requests) == 2
    if "Origin" in headers:
        assert answers[1]["Access-Control-Allow-Origin"] == "https://app.example"


def test_plain_http_is_redirected_when_https_is_required(
    settings: Any, booked: BookedFlight, django_requests: list[object]
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    lane, _ = stack()
    warmed(lane, booked.gate_url, **{"wsgi.url_scheme": "https"})
    django_requests.clear()

    assert lane.get(booked.gate_url, **{"wsgi.url_scheme": "https"}).status_code == 200
    assert django_requests == []
    answers = [lane.get(booked.gate_url) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [301, 301]
    assert answers[1]["Location"] == f"https://127.0.0.1{booked.gate_url}"
    assert len(django_requests) == 2


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_client_over_its_rate_is_refused_by_django_and_counted_once(
    settings: Any, lane: WSGIClient, booked: BookedFlight, django_requests: list[object]
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    warmed(lane, booked.gate_url)  # two of the three, counted by DRF
    revalidation = {"If-None-Match": lane.get(booked.gate_url)["ETag"]}  # the third, counted by the lane
    warmed(lane, booked.gate_url, headers=revalidation)  # 304s are not counted
    django_requests.clear()

    refused = lane.get(booked.gate_url)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert len(django_requests) == 1
    assert caches["default"].get(ClientRateThrottle().counter_key("203.0.113.7")) == 4
    revalidated = lane.get(booked.gate_url, headers=revalidation)  # a 304 is not counted, even now
    assert (revalidated.status_code, len(django_requests)) == (304, 1)
    assert caches["default"].get(ClientRateThrottle().counter_key("203.0.113.7")) == 4


def test_batched_counts_of_two_processes_hold_the_limit_within_the_tolerance(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100/min"}}
    processes = [_LocalCounts(), _LocalCounts()]

    admitted = 0
    for n in range(300):  # one client's requests, spread over both processes
        throttle = ClientRateThrottle()
        key = throttle.counter_key("203.0.113.9")
        admitted += throttle.allows(processes[n % 2].count(throttle, key))

    assert 100 <= admitted <= 100 + (len(processes) - 1) * (LOCAL_BATCH - 1)


def test_a_throttle_batch_is_sent_every_local_batch_requests(lane: WSGIClient, booked: BookedFlight) -> None:
    warmed(lane, booked.gate_url)
    for _ in range(2 * LOCAL_BATCH):
        lane.get(booked.gate_url)

    counter = caches["default"].get(ClientRateThrottle().counter_key("203.0.113.7"))
    assert counter == 2 + 2 * LOCAL_BATCH  # the two Django answered counted by DRF, the lane's in two batches


@pytest.mark.parametrize(("url", "endpoint"), [("gate_url", "flight-gate"), ("status_url", "flight-status")])
@pytest.mark.parametrize("revalidated", [False, True], ids=["200", "304"])
def test_a_fast_answer_is_counted_under_its_endpoint_and_as_a_cache_hit(
    lane: WSGIClient, booked: BookedFlight, django_requests: list[object], url: str, endpoint: str, revalidated: bool
) -> None:
    url = getattr(booked, url)
    headers = {"If-None-Match": lane.get(url)["ETag"]} if revalidated else {}
    warmed(lane, url, headers=headers)
    status = "304" if revalidated else "200"
    requests_before = _sample("airline_api_requests_total", endpoint=endpoint, status=status)
    timed_before = _sample("airline_api_request_duration_seconds_count", endpoint=endpoint)
    hits_before = _sample("airline_gate_cache_requests_total", result="hit")
    django_requests.clear()

    assert lane.get(url, headers=headers).status_code == int(status)
    assert django_requests == []
    assert _sample("airline_api_requests_total", endpoint=endpoint, status=status) == requests_before + 1
    assert _sample("airline_api_request_duration_seconds_count", endpoint=endpoint) == timed_before + 1
    assert _sample("airline_gate_cache_requests_total", result="hit") == hits_before + 1
