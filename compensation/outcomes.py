"""The ``compensation`` section of the outcome document."""

from __future__ import annotations

from typing import Any

from events.scopes import RowScope, every_row

from .models import Entitlement


def compensation_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every passenger's compensation in ``scope``, one record per passenger per journey (one query)."""
    entitlements = (
        scope(Entitlement.objects.all())
        .select_related("passenger", "booking", "flight")
        .order_by("booking__locator", "passenger__ref")
    )
    return [
        {
            "passenger": entitlement.passenger.ref,
            "locator": entitlement.booking.locator,
            "flight": str(entitlement.flight.ref),
            "regime": entitlement.regime,
            "amount": f"{entitlement.amount:.2f}",
            "currency": entitlement.currency,
            "status": entitlement.status,
        }
        for entitlement in entitlements
    ]
