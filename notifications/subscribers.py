"""Notifications' event handlers: partner airlines (queue ``partners``) and passengers (queue ``notifications``).

Handlers only write message rows; the messages are sent by tasks after the handler's transaction commits.
"""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber

from . import partner_services, passenger_services


@subscriber("partners", on=["flight.delayed"])
def tell_partners_of_delay(event: Event) -> dict[str, Any]:
    """``inbound_delay`` to each partner whose flight passengers of the late flight continue on."""
    return partner_services.record_inbound_delays(event)


@subscriber("partners", on=["passenger.reaccommodated"])
def tell_partners_of_rebooking(event: Event) -> dict[str, Any]:
    """``rebooked_in`` / ``rebooked_out`` to each partner whose flight gained or lost passengers."""
    return partner_services.record_rebookings(event)


@subscriber("notifications", on=["flight.delayed", "flight.cancelled", "flight.gate_changed"])
def tell_passengers_of_flight_change(event: Event) -> dict[str, Any]:
    """Delay, cancellation or gate change to everyone booked on the flight."""
    return passenger_services.tell_flight_change(event)


@subscriber("notifications", on=["passenger.reaccommodated"])
def tell_passengers_of_reaccommodation(event: Event) -> dict[str, Any]:
    """New itinerary and, when allowed, the refund option."""
    return passenger_services.tell_reaccommodations(event)


@subscriber("notifications", on=["voucher.issued"])
def tell_passengers_of_vouchers(event: Event) -> dict[str, Any]:
    """Each passenger's meal voucher code."""
    return passenger_services.tell_vouchers(event)


@subscriber("notifications", on=["hotel.booked"])
def tell_passengers_of_hotels(event: Event) -> dict[str, Any]:
    """Each passenger's hotel and night."""
    return passenger_services.tell_hotels(event)
