"""The duties observer's handlers (queue ``duties``): what each disruption owes, and the subscribers' events
that meet it (ADR 8). Thin: the payload's facts in, a service does the work."""

from __future__ import annotations

from typing import Any

from compensation.payloads import CompensationAssessed
from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightCancelled, FlightDelayed
from lodging.payloads import HotelBooked
from rebooking.payloads import ItineraryAccepted, ItineraryDeclined, PassengerReaccommodated, PassengerRefunded
from rights.duties import DutyKind
from vouchers.payloads import VoucherIssued

from . import services
from .payloads import DutyWaived


@subscriber("duties", on=[FlightDelayed, FlightCancelled])
def owed_by_disruption(payload: FlightDelayed | FlightCancelled, event: EventFacts) -> dict[str, Any]:
    """Meal, hotel, notice of rights, reaccommodation and (a delay's) compensation owed to the passengers booked,
    by the rulebook."""
    return services.owe_for_disruption(payload, cause=event)


@subscriber("duties", on=[PassengerReaccommodated])
def reaccommodated(payload: PassengerReaccommodated, event: EventFacts) -> dict[str, Any]:
    """Rebooked parties' reaccommodation met; the nights and the compensation their new itinerary, or no way on,
    now owes them."""
    return services.owe_after_reaccommodation(payload, cause=event)


@subscriber("duties", on=[VoucherIssued])
def vouchers_issued(payload: VoucherIssued, event: EventFacts) -> dict[str, Any]:
    """Each passenger whose voucher was issued or raised has had their meal duty met."""
    met = services.meet(DutyKind.MEAL, payload.passenger_ids, cause=event, flight_id=payload.flight_id)
    return {"met": met}


@subscriber("duties", on=[HotelBooked])
def hotels_booked(payload: HotelBooked, event: EventFacts) -> dict[str, Any]:
    """Each passenger given a room has had their hotel duty met."""
    return services.meet_hotels(payload, cause=event)


@subscriber("duties", on=[ItineraryAccepted, ItineraryDeclined])
def passengers_chose(payload: ItineraryAccepted | ItineraryDeclined, event: EventFacts) -> dict[str, Any]:
    """A party that accepted or declined its new itinerary has had its reaccommodation duty met."""
    met = services.meet(DutyKind.REACCOMMODATION, payload.passenger_ids, cause=event, flight_id=payload.flight_id)
    return {"met": met}


@subscriber("duties", on=[PassengerRefunded])
def refunded(payload: PassengerRefunded, event: EventFacts) -> dict[str, Any]:
    """A refunded party has had its reaccommodation duty met; after a cancellation it is owed compensation."""
    return services.owe_after_refund(payload, cause=event)


@subscriber("duties", on=[CompensationAssessed])
def compensation_recorded(payload: CompensationAssessed, event: EventFacts) -> dict[str, Any]:
    """Each passenger whose compensation was recorded eligible has had their compensation duty met."""
    met = services.meet(DutyKind.COMPENSATION, payload.passenger_ids, cause=event, flight_id=payload.flight_id)
    return {"met": met}


@subscriber("duties", on=[DutyWaived])
def duties_waived(payload: DutyWaived, event: EventFacts) -> dict[str, Any]:
    """An operator's waiver: the duties still open are waived, with who and why."""
    return services.apply_waiver(payload, cause=event)
