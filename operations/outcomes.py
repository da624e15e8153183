"""The ``duties`` section of the outcome document (POLICY.md "Duties")."""

from __future__ import annotations

from typing import Any

from events.scopes import RowScope, every_row

from .models import Duty


def duties_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every duty in ``scope`` with its passenger, the disrupted flight of its root event, kind, status and due
    time (one query)."""
    duties = (
        scope(Duty.objects.all()).select_related("passenger", "flight").order_by("due", "kind", "passenger__ref", "id")
    )
    return [
        {
            "passenger": duty.passenger.ref,
            "flight": str(duty.flight.ref),
            "kind": duty.kind,
            "status": duty.status,
            "due": duty.due.isoformat(),
        }
        for duty in duties
    ]
