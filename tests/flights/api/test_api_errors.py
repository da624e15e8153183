"""Every error under ``/api/`` answers in the API's one shape, ``{"error": {"code", "message", ...}}``, as JSON:
404, 405, 413, 415, 429 and 500, on the flight and the booking endpoints alike."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from events.correlation import CorrelationFilter
from flights import gate_cache
from rebooking import api as rebooking_api
from tests.flights.api.conftest import BookedFlight

pytestmark = pytest.mark.django_db

BOOKING_URL = "/api/v1/bookings/QX7K2M/reaccommodation"


def error(response: Any, status: int) -> dict[str, str]:
    """The error of a response, after checking its status, that it is JSON, and that it has the API's shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_404_for_a_path_that_names_no_endpoint(api: Client, method: str) -> None:
    assert error(getattr(api, method)("/api/v1/seats"), 404) == {
        "code": "not_found",
        "message": "no API endpoint at /api/v1/seats",
    }


def _fail(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("secret detail /srv/app/flights/selectors.py")


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every flight served from the database and every booking look-up fails."""
    monkeypatch.setattr(gate_cache, "load", _fail)
    monkeypatch.setattr(rebooking_api, "booking_for", _fail)


@pytest.mark.parametrize(("url", "allow"), [("{gate}", "GET, HEAD"), (BOOKING_URL, "POST, OPTIONS")])
def test_405_names_the_allowed_methods(api: Client, booked: BookedFlight, url: str, allow: str) -> None:
    response = api.put(url.format(gate=booked.gate_url), "{}", content_type="application/json")

    assert error(response, 405)["code"] == "method_not_allowed"
    assert response["Allow"] == allow


@pytest.mark.usefixtures("failing")  # the view would fail: the 413 comes before it runs
def test_413_for_a_body_over_the_limit_before_it_is_read(api: Client, settings: Any, caplog: Any) -> None:
    settings.API_MAX_BODY_BYTES = 100
    body = '{"last_name": "%s"}' % ("x" * 100)

    with caplog.at_level(logging.WARNING):
        response = api.post(BOOKING_URL, body, content_type="application/json")

    assert error(response, 413) == {
        "code": "request_too_large",
        "message": f"The request body is {len(body)} bytes; at most 100 are accepted.",
    }
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_at_the_limit_is_read(api: Client, booked: BookedFlight, settings: Any) -> None:
    body = '{"last_name": "Lovelace"}'
    settings.API_MAX_BODY_BYTES = len(body)

    assert error(api.post(BOOKING_URL, body, content_type="application/json"), 404)["code"] == "booking_not_found"


def test_the_default_limit_refuses_megabytes(api: Client) -> None:
    response = api.post(BOOKING_URL, b"x" * 3_000_000, content_type="application/json")

    assert error(response, 413)["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "last_name=Lovelace"),
        (
            "multipart/form-data; boundary=b",
            '--b\r\nContent-Disposition: form-data; name="last_name"\r\n\r\nX\r\n--b--',
        ),
        ("text/plain", '{"last_name": "Lovelace"}'),
    ],
)
def test_415_for_a_body_that_is_not_json(api: Client, booked: BookedFlight, content_type: str, body: str) -> None:
    response = api.post(BOOKING_URL, body, content_type=content_type)

    assert error(response, 415)["code"] == "unsupported_media_type"


def test_malformed_json_is_400(api: Client) -> None:
    assert error(api.post(BOOKING_URL, "{", content_type="application/json"), 400)["code"] == "parse_error"


def test_429_says_when_to_come_back(api: Client, booked: BookedFlight, settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    api.get(booked.gate_url)

    response = api.get(booked.gate_url)

    assert error(response, 429)["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


@pytest.mark.usefixtures("failing")
@pytest.mark.parametrize("call", ["gate", "booking"])
def test_500_names_its_log_line_and_nothing_else(api: Client, booked: BookedFlight, caplog: Any, call: str) -> None:
    caplog.handler.addFilter(CorrelationFilter())
    with caplog.at_level(logging.INFO):
        if call == "gate":
            response = api.get(booked.gate_url)
        else:
            response = api.post(BOOKING_URL, {"last_name": "Lovelace"}, content_type="application/json")

    body = error(response, 500)
    correlation_id = response["X-Correlation-ID"]
    assert body == {
        "code": "server_error",
        "message": "The server failed to answer; the failure is logged.",
        "correlation_id": correlation_id,
    }
    assert b"secret" not in response.content and b"Traceback" not in response.content
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    assert logged[0].correlation_id == correlation_id
    assert "RuntimeError" in logged[0].getMessage() and logged[0].exc_info is None


def test_every_api_answer_has_a_correlation_id_of_its_own(api: Client, booked: BookedFlight) -> None:
    ids = {api.get(booked.gate_url)["X-Correlation-ID"], api.get("/api/v1/nothing")["X-Correlation-ID"]}

    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
