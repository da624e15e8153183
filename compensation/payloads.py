"""The ``compensation.assessed`` payload: the journeys one event's handling recorded compensation for."""

from __future__ import annotations

from typing import ClassVar

from events.contracts import EventPayload
from events.types import EventType


class CompensationAssessed(EventPayload):
    """Compensation recorded (assessed anew) for passengers' journeys on a delay, reaccommodation or refund."""

    event_type: ClassVar[str] = EventType.COMPENSATION_ASSESSED

    flight_id: int
    """The disrupted flight of the event handled."""
    flight: str
    """`DESIGNATOR/DATE` of that flight."""
    assessed_passenger_ids: list[int]
    """The passengers whose record this event wrote (eligible or not)."""
    passenger_ids: list[int]
    """Those of them recorded `eligible`: compensation is owed and now on record."""
