"""The OpenAPI schema: valid, served with its Swagger UI, and true of every endpoint (fuzzed from the schema itself)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import Client

from tests.factories import FlightFactory, PassengerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


FLIGHT_PATHS = {"/api/v1/flights/{designator}/{date}", "/api/v1/flights/{designator}/{date}/gate"}


def test_schema_and_docs_are_served(api: Client) -> None:
    schema = api.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    docs = api.get("/api/docs/")

    assert schema.status_code == 200
    assert set(schema.json()["paths"]) >= FLIGHT_PATHS
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.fixture
def operations(api: Client) -> dict[str, dict[str, Any]]:
    """Every operation of the served schema, by operationId."""
    schema = api.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    return {op["operationId"]: op for path in schema["paths"].values() for op in path.values()}


def test_request_bodies_are_json_only(operations: dict[str, dict[str, Any]]) -> None:
    bodies = {name: set(op["requestBody"]["content"]) for name, op in operations.items() if "requestBody" in op}

    with_body = ("reaccommodation_view", "reaccommodation_choose", "booking_lookup")
    assert bodies == {name: {"application/json"} for name in with_body}


def test_the_choice_pattern_admits_the_three_choices_only(operations: dict[str, dict[str, Any]]) -> None:
    (choice,) = [p for p in operations["reaccommodation_choose"]["parameters"] if p["name"] == "choice"]
    pattern = re.compile(choice["schema"]["pattern"])

    assert [c for c in ("accept", "decline", "refund") if pattern.search(c)] == choice["schema"]["enum"]
    assert not [c for c in ("accepted", "xdecline", "refunds", "accept|refund") if pattern.search(c)]


@pytest.mark.parametrize(
    ("operation", "statuses"),
    [
        ("flight_gate", {"400", "404", "405", "429", "500"}),
        ("flight_status", {"400", "404", "405", "429", "500"}),
        ("reaccommodation_view", {"400", "404", "405", "413", "415", "429", "500"}),
        ("reaccommodation_choose", {"400", "404", "405", "409", "413", "415", "429", "500"}),
        ("booking_lookup", {"400", "404", "405", "413", "415", "429", "500"}),
    ],
)
def test_every_error_is_documented_with_its_body_and_an_example(
    operations: dict[str, dict[str, Any]], operation: str, statuses: set[str]
) -> None:
    responses = operations[operation]["responses"]
    errors = {status: r for status, r in responses.items() if status >= "400"}

    assert set(errors) == statuses
    for status, response in errors.items():
        content = response["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}, status
        assert content["examples"], f"{operation} {status} has no example"
        for example in content["examples"].values():
            assert example["value"]["error"]["code"] in response["description"]


# The schema as the app serves it (no database needed). schemathesis' lazy loader (from_fixture) does not run
# under pytest 9, so the schema is loaded when the module is.
# Every endpoint: the booking endpoints answer 404 (no booking) or an error of their schema.
served = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema = served.include(path_regex="^/api/v1/")


@pytest.fixture
def documented_flight(settings: Any) -> None:
    """The flight the schema's examples name (NV117 on 2026-11-25) with the booking they name (K7P2QD, Smith) on
    it, so the examples' answers are the successes too, and no throttling in the way."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"}}
    flight = FlightFactory(number="117", service_date=dt.date(2026, 11, 25))
    PassengerFactory(booking=SegmentFactory(flight=flight, booking__locator="K7P2QD").booking, last_name="Smith")


@schema.parametrize()
# Committed data: the WSGI handler closes the database connection after each request, as under a server.
@pytest.mark.django_db(transaction=True)
# The fixtures are set up once for all examples, which is what they are for: the API only reads.
@hypothesis.settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_api_honours_its_schema(case: schemathesis.Case, documented_flight: None) -> None:
    """No input the schema allows (or nearly allows) makes a 5xx, and every response matches the schema."""
    case.call_and_validate()
