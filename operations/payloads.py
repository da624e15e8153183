"""The ``duty.waived`` payload: an operator's decision that nothing more is owed for some duties of a disruption."""

from __future__ import annotations

from typing import ClassVar

from events.contracts import EventPayload
from events.types import EventType
from rights.duties import DutyKind


class DutyWaived(EventPayload):
    """Open duties of one kind, of one disruption and flight, waived by an operator with a reason."""

    event_type: ClassVar[str] = EventType.DUTY_WAIVED

    flight_id: int
    """The disrupted flight."""
    flight: str
    """`DESIGNATOR/DATE`."""
    kind: DutyKind
    """The kind of the duties waived."""
    duty_ids: list[int]
    """The duties waived (those still open when the observer handles the event change)."""
    passenger_ids: list[int]
    """Their passengers."""
    by: str
    """The operator's user name."""
    reason: str
    """Why nothing more is owed (never empty)."""

    def summary(self) -> str:
        return f"{self.kind} waived for {len(self.passenger_ids)} by {self.by}"
