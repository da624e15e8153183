"""The ``reaccommodations`` section of the outcome document (one row per passenger)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from events.scopes import RowScope, every_row
from passengers.models import Passenger

from .models import Reaccommodation


def reaccommodations_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every disrupted passenger's old and new journey in ``scope``, status and arrival delay (two queries)."""
    cases = list(
        scope(Reaccommodation.objects.all())
        .select_related("booking", "disrupted_flight")
        .order_by("created_at", "booking_id")
    )
    passengers: dict[int, list[str]] = defaultdict(list)
    for booking_id, ref in (
        Passenger.objects.filter(booking__reaccommodations__isnull=False)
        .distinct()
        .values_list("booking_id", "ref")
        .order_by("booking_id", "ref")
    ):
        passengers[booking_id].append(ref)
    return [
        {
            "locator": case.booking.locator,
            "passenger": ref,
            "disrupted": str(case.disrupted_flight.ref),
            "old": [leg["flight"] for leg in case.old],
            "new": [leg["flight"] for leg in case.new],
            "cabins": [leg["cabin"] for leg in case.new],
            "status": case.status,
            "arrival_delay_minutes": case.arrival_delay_minutes,
        }
        for case in cases
        for ref in passengers[case.booking_id]
    ]
