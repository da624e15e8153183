"""Compensation's event handlers: a subscriber of its own (own deliveries, retries and failures) that shares
the ``vouchers`` queue's workers (ADR 4)."""

from __future__ import annotations

from typing import Any

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightDelayed
from rebooking.payloads import PassengerReaccommodated, PassengerRefunded

from .services import assess_after_delay, assess_after_reaccommodation, assess_after_refund


@subscriber("compensation", on=[FlightDelayed], queue="vouchers")
def delayed_not_rerouted(payload: FlightDelayed, event: EventFacts) -> dict[str, Any]:
    """Compensation of the passengers whose journey ends with the delayed flight."""
    return assess_after_delay(flight_id=payload.flight_id, cause=event)


@subscriber("compensation", on=[PassengerReaccommodated], queue="vouchers")
def rerouted_or_not(payload: PassengerReaccommodated, event: EventFacts) -> dict[str, Any]:
    """Compensation of every reaccommodated party, now that its new arrival (or none) is known."""
    return assess_after_reaccommodation(flight_id=payload.flight_id, parties=payload.parties, cause=event)


@subscriber("compensation", on=[PassengerRefunded], queue="vouchers")
def refunded(payload: PassengerRefunded, event: EventFacts) -> dict[str, Any]:
    """Compensation of refunded passengers: after a cancellation, as not rerouted; after a delay, as it was."""
    return assess_after_refund(
        flight_id=payload.flight_id, booking_id=payload.booking_id, passenger_ids=payload.passenger_ids, cause=event
    )
