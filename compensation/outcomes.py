"""The ``compensation`` section of the outcome document."""

from __future__ import annotations

from typing import Any

from .models import Entitlement


def compensation_section() -> list[dict[str, Any]]:
    """Every passenger's compensation per disrupted flight (one query)."""
    entitlements = Entitlement.objects.select_related("passenger", "flight").order_by("flight_id", "passenger__ref")
    return [
        {
            "passenger": entitlement.passenger.ref,
            "flight": str(entitlement.flight.ref),
            "amount": f"{entitlement.amount:.2f}",
            "currency": entitlement.currency,
            "status": entitlement.status,
        }
        for entitlement in entitlements
    ]
