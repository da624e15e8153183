"""The flight API's contract: bodies, designator normalisation, errors, ETags, throttling, no passenger data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.exceptions import ValidationError

from airline.api_errors import exception_handler
from flights import gate_cache
from flights.services import cancel_flight
from tests.factories import FlightFactory
from tests.flights.api.conftest import GATE_URL, STATUS_URL, BookedFlight

pytestmark = pytest.mark.django_db

GATE_BODY = {
    "flight": "NV117",
    "date": "2026-07-01",
    "origin": "LHR",
    "destination": "JFK",
    "terminal": "5",
    "gate": "B32",
    "status": "scheduled",
    "scheduled_departure": "2026-07-01T10:00:00+01:00",
    "estimated_departure": "2026-07-01T10:00:00+01:00",
}


def error(response: Any) -> dict[str, str]:
    """The error of an error response, after checking the shape is exactly the API's."""
    body = response.json()
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


def test_gate_body(api: Client, booked: BookedFlight) -> None:
    response = api.get(booked.gate_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    updated_at = body.pop("updated_at")
    assert body == GATE_BODY
    assert updated_at == booked.flight.updated_at.isoformat().replace("+00:00", "Z")


def test_status_body_adds_arrival_in_destination_time(api: Client, booked: BookedFlight) -> None:
    body = api.get(booked.status_url).json()

    body.pop("updated_at")
    assert body == {
        **GATE_BODY,
        "scheduled_arrival": "2026-07-01T13:00:00-04:00",
        "estimated_arrival": "2026-07-01T13:00:00-04:00",
    }


def test_unassigned_gate_and_terminal_are_null(api: Client) -> None:
    flight = FlightFactory(number="9", gate="", terminal="")

    body = api.get(GATE_URL.format("NV9", flight.service_date)).json()

    assert body["gate"] is None and body["terminal"] is None


@pytest.mark.parametrize("designator", ["NV117", "nv117", "nv0117", "Nv0117", " NV117"])
def test_designator_is_normalised(api: Client, booked: BookedFlight, designator: str) -> None:
    response = api.get(GATE_URL.format(designator, "2026-07-01"))

    assert response.status_code == 200
    assert response.json()["flight"] == "NV117"


def test_suffix_is_part_of_the_designator(api: Client) -> None:
    FlightFactory(number="117A")
    FlightFactory(number="117", gate="C1")

    assert api.get(GATE_URL.format("nv0117a", "2026-11-25")).json()["flight"] == "NV117A"
    assert api.get(GATE_URL.format("NV117", "2026-11-25")).json()["gate"] == "C1"


@pytest.mark.parametrize("designator", ["NV", "NV12345", "NV0", "NV117AB", "N-117", "NV 117", "ÑV117"])
@pytest.mark.parametrize("url", [GATE_URL, STATUS_URL])
def test_malformed_designator_is_400(api: Client, booked: BookedFlight, url: str, designator: str) -> None:
    response = api.get(url.format(designator, "2026-07-01"))

    assert response.status_code == 400
    assert error(response)["code"] == "invalid_designator"
    assert designator in error(response)["message"]


@pytest.mark.parametrize("date", ["2026-13-01", "2026-02-30", "01-07-2026", "2026-7-1", "20260701", "today"])
@pytest.mark.parametrize("url", [GATE_URL, STATUS_URL])
def test_malformed_date_is_400(api: Client, booked: BookedFlight, url: str, date: str) -> None:
    response = api.get(url.format("NV117", date))

    assert response.status_code == 400
    assert error(response)["code"] == "invalid_date"
    assert date in error(response)["message"]


@pytest.mark.parametrize(
    ("designator", "date"), [("NV118", "2026-07-01"), ("NV117", "2026-07-02"), ("XX1", "2026-07-01")]
)
def test_unknown_flight_is_404(api: Client, booked: BookedFlight, designator: str, date: str) -> None:
    response = api.get(GATE_URL.format(designator, date))

    assert response.status_code == 404
    assert error(response) == {"code": "flight_not_found", "message": f"no flight {designator}/{date}"}


@pytest.mark.parametrize(
    "path", ["/api/", "/api/v1/", "/api/v1/flights/NV117", "/api/v2/flights/NV117/2026-07-01/gate",
             "/api/v1/flights/NV117/2026-07-01/gate/", "/api/v1/flights/NV117/2026-07-01/seats"],
)  # fmt: skip
def test_unknown_api_url_is_404_in_the_api_shape(api: Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("url", [GATE_URL, STATUS_URL])
def test_other_methods_are_405(api: Client, booked: BookedFlight, url: str, method: str) -> None:
    api.get(url.format("NV117", "2026-07-01"))  # cached: the fast path must not answer other methods

    response = getattr(api, method)(url.format("NV117", "2026-07-01"))

    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


def test_head_is_allowed(api: Client, booked: BookedFlight) -> None:
    response = api.head(booked.gate_url)

    assert response.status_code == 200
    assert response["ETag"]


def test_validation_errors_take_the_error_shape_too() -> None:
    response = exception_handler(ValidationError({"flight": ["required"], "seats": {"Y": ["too many"]}}), {})

    assert response.data == {"error": {"code": "invalid", "message": "flight: required; seats.Y: too many"}}


# --- ETag and conditional requests --------------------------------------------


def test_etag_and_cache_control(api: Client, booked: BookedFlight) -> None:
    first, second = api.get(booked.gate_url), api.get(booked.gate_url)

    assert first["ETag"].startswith('"') and first["ETag"].endswith('"')
    assert first["ETag"] == second["ETag"]
    assert first["Cache-Control"] == "no-cache"
    assert first.content == second.content


@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
@pytest.mark.parametrize("warm", [True, False], ids=["cached", "not-cached"])
def test_if_none_match_answers_304(api: Client, booked: BookedFlight, header: str, warm: bool) -> None:
    etag = api.get(booked.gate_url)["ETag"]
    if not warm:
        cache.delete(gate_cache.key_for_flight(booked.flight))

    response = api.get(booked.gate_url, headers={"If-None-Match": header.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "no-cache"


def test_a_stale_etag_gets_the_new_body(api: Client, booked: BookedFlight) -> None:
    etag = api.get(booked.gate_url)["ETag"]

    response = api.get(booked.gate_url, headers={"If-None-Match": '"not-the-current-one"'})

    assert response.status_code == 200
    assert response["ETag"] == etag


def test_gate_and_status_have_their_own_etags(api: Client, booked: BookedFlight) -> None:
    assert api.get(booked.gate_url)["ETag"] != api.get(booked.status_url)["ETag"]


def test_a_cached_flight_is_served_without_a_query(
    api: Client, booked: BookedFlight, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        api.get(booked.gate_url)
    with django_assert_num_queries(0):
        assert api.get(booked.gate_url).status_code == 200
        assert api.get(booked.status_url).status_code == 200


# --- Throttling ----------------------------------------------------------------


@pytest.fixture
def two_per_minute(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min"}}


@pytest.mark.usefixtures("two_per_minute")
@pytest.mark.parametrize("url", ["{gate}", "{status}", "/api/v1/flights/NV999/2026-07-01/gate", "/api/v1/nothing"])
def test_throttled_with_429_and_retry_after(api: Client, booked: BookedFlight, url: str) -> None:
    url = url.format(gate=booked.gate_url, status=booked.status_url)
    first, second, third = (api.get(url) for _ in range(3))

    assert first.status_code == second.status_code != 429
    assert third.status_code == 429
    assert 1 <= int(third["Retry-After"]) <= 60
    assert error(third)["code"] == "throttled"


@pytest.mark.usefixtures("two_per_minute")
def test_throttle_counts_per_client_address(booked: BookedFlight) -> None:
    one, other = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    for _ in range(2):
        one.get(booked.gate_url)

    assert one.get(booked.gate_url).status_code == 429
    assert other.get(booked.gate_url).status_code == 200


@pytest.mark.usefixtures("two_per_minute")
def test_a_forged_forwarded_for_does_not_escape_the_throttle(api: Client, booked: BookedFlight) -> None:
    statuses = [api.get(booked.gate_url, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.usefixtures("two_per_minute")
@pytest.mark.parametrize("warm", [True, False], ids=["cached", "not-cached"])
def test_304_is_not_counted(api: Client, booked: BookedFlight, warm: bool) -> None:
    etag = api.get(booked.gate_url)["ETag"]  # the first of two allowed

    revalidations = []
    for _ in range(4):
        if not warm:
            cache.delete(gate_cache.key_for_flight(booked.flight))
        revalidations.append(api.get(booked.gate_url, headers={"If-None-Match": etag}).status_code)

    assert revalidations == [304] * 4
    assert [api.get(booked.gate_url).status_code for _ in range(2)] == [200, 429]


@pytest.mark.usefixtures("two_per_minute")
def test_a_client_over_its_rate_still_gets_its_304(api: Client, booked: BookedFlight) -> None:
    etag = api.get(booked.gate_url)["ETag"]
    api.get(booked.gate_url)
    assert api.get(booked.gate_url).status_code == 429

    assert api.get(booked.gate_url, headers={"If-None-Match": etag}).status_code == 304


# --- No passenger data -----------------------------------------------------------


def test_no_passenger_data_in_any_response(api: Client, booked: BookedFlight) -> None:
    responses = [
        api.get(booked.gate_url),
        api.get(booked.gate_url),  # cached
        api.get(booked.status_url),
        api.get(booked.status_url),
        api.get(GATE_URL.format("NV117", "2026-07-02")),
        api.get(GATE_URL.format("NV1!7", "2026-07-01")),
        api.post(booked.gate_url),
        api.get("/api/schema/"),
    ]
    text = "\n".join(r.content.decode() + json.dumps(dict(r.headers)) for r in responses).lower()

    for passenger in booked.passengers:
        for value in (passenger.first_name, passenger.last_name, passenger.email, passenger.phone, passenger.ref):
            assert value.lower() not in text
    assert "qx7k2m" not in text
    assert not {"passengers", "bookings", "segments", "locator"} & set(responses[0].json())


@pytest.mark.parametrize("url", ["gate_url", "status_url"])
def test_a_cancelled_flight_says_so_and_has_no_gate_nor_estimated_times(
    api: Client, booked: BookedFlight, url: str, django_capture_on_commit_callbacks: Any
) -> None:
    api.get(getattr(booked, url))  # cached before the cancellation: its commit replaces the entry
    with django_capture_on_commit_callbacks(execute=True):
        cancel_flight(flight=booked.flight)

    body = api.get(getattr(booked, url)).json()

    assert body["status"] == "cancelled"
    assert body["gate"] is None and body["estimated_departure"] is None
    assert body.get("estimated_arrival") is None
    assert (body["terminal"], body["scheduled_departure"]) == ("5", GATE_BODY["scheduled_departure"])
