"""Reads of flights."""

from __future__ import annotations

from .designators import FlightRef
from .models import Flight


def get_flight(ref: FlightRef) -> Flight:
    """The flight for a designator and service date (raises ``Flight.DoesNotExist``)."""
    d = ref.designator
    return Flight.objects.select_related("origin", "destination", "carrier").get(
        carrier_id=d.carrier, number=d.number_with_suffix, service_date=ref.date
    )
