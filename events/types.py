"""The event types of the project: their names live here and nowhere else."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """Every event type a project app publishes (the value is the name stored on the event)."""

    FLIGHT_DELAYED = "flight.delayed"
    FLIGHT_CANCELLED = "flight.cancelled"
    FLIGHT_GATE_CHANGED = "flight.gate_changed"
    PASSENGER_REACCOMMODATED = "passenger.reaccommodated"
    ITINERARY_ACCEPTED = "itinerary.accepted"
    ITINERARY_DECLINED = "itinerary.declined"
    PASSENGER_REFUNDED = "passenger.refunded"
    VOUCHER_ISSUED = "voucher.issued"
    HOTEL_BOOKED = "hotel.booked"
    COMPENSATION_ASSESSED = "compensation.assessed"
    DUTY_WAIVED = "duty.waived"
