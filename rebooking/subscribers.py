"""Rebooking's event handlers."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber

from .services import reaccommodate_after


@subscriber("rebooking", on=["flight.delayed", "flight.cancelled"])
def reaccommodate(event: Event) -> dict[str, Any]:
    """Rebook everyone the disruption strands (misconnects of a delay, everyone on a cancellation)."""
    return reaccommodate_after(event)
