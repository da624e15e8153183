"""Notifications' event handlers: partner airlines (queue ``partners``) and passengers (queue ``notifications``).

Handlers only write message rows; the messages are sent by tasks after the handler's transaction commits.
"""

from __future__ import annotations

from typing import Any

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightCancelled, FlightDelayed, FlightGateChanged
from lodging.payloads import HotelBooked
from rebooking.payloads import ItineraryAccepted, ItineraryDeclined, PassengerReaccommodated, PassengerRefunded
from vouchers.payloads import VoucherIssued

from .services import partners, passengers


@subscriber("partners", on=[FlightDelayed])
def tell_partners_of_delay(payload: FlightDelayed, event: EventFacts) -> dict[str, Any]:
    """``inbound_delay`` to each partner whose flight passengers of the late flight continue on."""
    return partners.record_inbound_delays(payload, cause=event)


@subscriber("partners", on=[PassengerReaccommodated])
def tell_partners_of_rebooking(payload: PassengerReaccommodated, event: EventFacts) -> dict[str, Any]:
    """``rebooked_in`` / ``rebooked_out`` to each partner whose flight gained or lost passengers."""
    return partners.record_rebookings(payload.parties, cause=event)


@subscriber("partners", on=[PassengerRefunded])
def tell_partners_of_refund(payload: PassengerRefunded, event: EventFacts) -> dict[str, Any]:
    """``rebooked_out`` to each partner whose flight a refunded party gave up."""
    return partners.record_refund(payload, cause=event)


@subscriber("notifications", on=[FlightDelayed, FlightCancelled, FlightGateChanged])
def tell_passengers_of_flight_change(
    payload: FlightDelayed | FlightCancelled | FlightGateChanged, event: EventFacts
) -> dict[str, Any]:
    """Delay, cancellation or gate change to everyone booked on the flight, and the notice of rights where owed."""
    return passengers.tell_flight_change(
        flight_id=payload.flight_id,
        delay_minutes=payload.delay_minutes if isinstance(payload, FlightDelayed) else 0,
        cancelled=isinstance(payload, FlightCancelled),
        cause=event,
    )


@subscriber("notifications", on=[PassengerReaccommodated])
def tell_passengers_of_reaccommodation(payload: PassengerReaccommodated, event: EventFacts) -> dict[str, Any]:
    """New itinerary and, when allowed, the refund option."""
    return passengers.tell_reaccommodations(payload, cause=event)


@subscriber("notifications", on=[VoucherIssued])
def tell_passengers_of_vouchers(payload: VoucherIssued, event: EventFacts) -> dict[str, Any]:
    """Each passenger's meal voucher code."""
    return passengers.tell_vouchers(payload, cause=event)


@subscriber("notifications", on=[HotelBooked])
def tell_passengers_of_hotels(payload: HotelBooked, event: EventFacts) -> dict[str, Any]:
    """Each passenger's hotel and night."""
    return passengers.tell_hotels(payload, cause=event)


@subscriber("notifications", on=[ItineraryAccepted, ItineraryDeclined, PassengerRefunded])
def tell_passengers_of_choice(
    payload: ItineraryAccepted | ItineraryDeclined | PassengerRefunded, event: EventFacts
) -> dict[str, Any]:
    """Each passenger of the party: their acceptance, refusal or refund confirmed."""
    return passengers.tell_choice(payload, cause=event)
