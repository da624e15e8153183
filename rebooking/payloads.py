"""The ``passenger.reaccommodated`` payload (catalogued in events.catalogue and docs/events.md)."""

from __future__ import annotations

from typing import Any

from events.models import Event
from flights.models import Flight

from .domain import Itinerary
from .models import Reaccommodation
from .optimiser import Plan
from .selectors import StrandedBooking


def _legs(legs: list[dict[str, Any]], *, without: set[int]) -> list[dict[str, Any]]:
    return [leg for leg in legs if leg["flight_id"] not in without]


def _party(booking: StrandedBooking, itinerary: Itinerary | None, case: Reaccommodation) -> dict[str, Any]:
    replaced = [{"flight_id": s.flight_id, "flight": str(s.flight.ref), "cabin": s.cabin} for s in booking.replaced]
    new = (
        [{"flight_id": leg.flight.id, "flight": leg.flight.designator, "cabin": leg.cabin} for leg in itinerary.legs]
        if itinerary
        else []
    )
    return {
        "case_id": case.id,
        "booking_id": booking.party.booking_id,
        "locator": booking.party.locator,
        "passenger_ids": list(booking.party.passenger_ids),
        "cause": booking.cause,
        "status": case.status,
        "disruption_airport": booking.party.origin,
        "available_from": booking.party.available_from.isoformat(),
        "first_departure": itinerary.legs[0].flight.departure.isoformat() if itinerary else None,
        "arrival_delay_minutes": case.arrival_delay_minutes,
        "new": new,
        "removed": _legs(replaced, without={leg["flight_id"] for leg in new}),
        "added": _legs(new, without={leg["flight_id"] for leg in replaced}),
    }


def reaccommodated_payload(
    event: Event, flight: Flight, stranded: list[StrandedBooking], plan: Plan, cases: list[Reaccommodation]
) -> dict[str, Any]:
    """What lodging, partners and passengers need to know about one disruption's reaccommodation."""
    case_by_booking = {case.booking_id: case for case in cases}
    return {
        "flight_id": flight.id,
        "flight": str(flight.ref),
        "disruption": event.type,
        "scheduled_departure": flight.scheduled_departure.isoformat(),
        "estimated_arrival": flight.estimated_arrival.isoformat(),
        "refund_allowed": cases[0].refund_allowed,
        "optimal": plan.stats.optimal,
        "parties": [
            _party(b, plan.itineraries[b.party.booking_id], case_by_booking[b.party.booking_id]) for b in stranded
        ],
    }


def operator_choice_payload(
    case: Reaccommodation,
    *,
    previous: list[dict[str, Any]],
    new: list[dict[str, Any]],
    first_departure: str,
    passenger_ids: list[int],
) -> dict[str, Any]:
    """``passenger.reaccommodated`` for one party an operator moved from the ``previous`` legs it held (none
    when it was unprotected) onto ``new``: lodging, compensation, partners and the passengers act on it as on
    the optimiser's."""
    flight = case.disrupted_flight
    return {
        "flight_id": flight.id,
        "flight": str(flight.ref),
        "disruption": case.event.type,
        "scheduled_departure": flight.scheduled_departure.isoformat(),
        "estimated_arrival": flight.estimated_arrival.isoformat(),
        "refund_allowed": case.refund_allowed,
        "optimal": False,
        "parties": [
            {
                "case_id": case.id,
                "booking_id": case.booking_id,
                "locator": case.booking.locator,
                "passenger_ids": passenger_ids,
                "cause": case.cause,
                "status": case.status,
                "disruption_airport": case.disruption_airport_id,
                "available_from": case.available_from.isoformat(),
                "first_departure": first_departure,
                "arrival_delay_minutes": case.arrival_delay_minutes,
                "new": new,
                "removed": _legs(previous, without={leg["flight_id"] for leg in new}),
                "added": _legs(new, without={leg["flight_id"] for leg in previous}),
            }
        ],
    }
