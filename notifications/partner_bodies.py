"""The JSON body of a partner message (POLICY.md "Partner-airline messages"), built once and stored."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from flights.models import Flight
from flights.payloads import FlightDelayed
from passengers.models import Passenger


def passenger_line(passenger: Passenger, cabin: str) -> dict[str, str]:
    """A passenger as partners list them: ``LASTNAME/FIRSTNAME`` with locator, id and cabin."""
    return {
        "locator": passenger.booking.locator,
        "passenger": passenger.ref,
        "name": f"{passenger.last_name.upper()}/{passenger.first_name.upper()}",
        "cabin": cabin,
    }


def flight_section(flight: Flight) -> dict[str, str]:
    """The partner's own flight the message is about."""
    return {
        "flight": str(flight.designator),
        "date": flight.service_date.isoformat(),
        "origin": flight.origin_id,
        "destination": flight.destination_id,
        "scheduled_departure": flight.scheduled_departure.isoformat(),
    }


def inbound_section(delayed: FlightDelayed) -> dict[str, str]:
    """The late inbound flight, from a ``flight.delayed`` payload."""
    designator, date = delayed.flight.split("/")
    return {
        "flight": designator,
        "date": date,
        "origin": delayed.origin,
        "destination": delayed.destination,
        "scheduled_arrival": delayed.scheduled_arrival.isoformat(),
        "estimated_arrival": delayed.estimated_arrival.isoformat(),
    }


def message_body(
    *,
    message_id: uuid.UUID,
    kind: str,
    sent_at: dt.datetime,
    flight: Flight,
    passengers: list[dict[str, str]],
    inbound_flight: dict[str, str] | None = None,
) -> str:
    """The body's exact text (ASCII JSON); ``inbound_flight`` only for ``inbound_delay``."""
    body: dict[str, Any] = {
        "message_id": str(message_id),
        "kind": kind,
        "sent_at": sent_at.isoformat(),
        "operating_carrier": flight.carrier_id,
    }
    if inbound_flight is not None:
        body["inbound_flight"] = inbound_flight
    body["flight"] = flight_section(flight)
    body["passengers"] = passengers
    return json.dumps(body, separators=(",", ":"))
