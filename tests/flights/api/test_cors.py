"""CORS: web clients of the configured origins only may call the API from a browser; none by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.flights.api.conftest import BookedFlight

pytestmark = pytest.mark.django_db

APP = "https://app.novair.example"


@pytest.fixture
def app_origin(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = [APP]


def test_no_origin_is_allowed_by_default(api: Client, booked: BookedFlight) -> None:
    response = api.get(booked.gate_url, headers={"Origin": APP})

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.usefixtures("app_origin")
def test_a_configured_origin_reads_answers_and_their_headers(api: Client, booked: BookedFlight) -> None:
    response = api.get(booked.gate_url, headers={"Origin": APP})

    assert response["Access-Control-Allow-Origin"] == APP
    assert {"etag", "retry-after", "x-correlation-id"} <= set(
        response["Access-Control-Expose-Headers"].lower().split(", ")
    )


@pytest.mark.usefixtures("app_origin")
def test_a_configured_origin_reads_errors_too(api: Client, settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 10
    response = api.post(
        "/api/v1/bookings/K7P2QD/reaccommodation", '{"last_name": "Smith"}', "application/json", headers={"Origin": APP}
    )

    assert (response.status_code, response["Access-Control-Allow-Origin"]) == (413, APP)


@pytest.mark.usefixtures("app_origin")
def test_preflight_of_a_json_post_from_a_configured_origin(api: Client) -> None:
    response = api.options(
        "/api/v1/bookings/K7P2QD/reaccommodation",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "content-type" in response["Access-Control-Allow-Headers"]


@pytest.mark.usefixtures("app_origin")
def test_other_origins_are_not_allowed(api: Client, booked: BookedFlight) -> None:
    response = api.get(booked.gate_url, headers={"Origin": "https://evil.example"})

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.usefixtures("app_origin")
def test_pages_outside_the_api_get_no_cors_headers(api: Client) -> None:
    assert "Access-Control-Allow-Origin" not in api.get("/admin/login/", headers={"Origin": APP})
