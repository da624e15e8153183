"""Reads of passengers: who is on which flight."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Passenger, SegmentStatus


def passengers_on_flight(flight_id: int) -> QuerySet[Passenger]:
    """Every passenger holding an active segment on the flight."""
    return Passenger.objects.filter(
        booking__segments__flight_id=flight_id, booking__segments__status=SegmentStatus.ACTIVE
    )
