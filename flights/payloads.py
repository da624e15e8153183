"""The payloads of the events flights publish: ``flight.delayed``, ``flight.cancelled``, ``flight.gate_changed``.

Each is built from the flight in exactly one place, the ``of`` class method of its model.
"""

from __future__ import annotations

from typing import Any, ClassVar

from events.contracts import EventPayload, Moment
from events.types import EventType

from .models import Flight


class FlightFacts(EventPayload):
    """The facts every flight event carries."""

    flight_id: int
    """Primary key of the flight."""
    flight: str
    """`DESIGNATOR/DATE`, e.g. `NV117/2026-11-25`."""
    origin: str
    """IATA code of the departure airport."""
    destination: str
    """IATA code of the arrival airport."""
    scheduled_departure: Moment
    """The scheduled departure."""
    scheduled_arrival: Moment
    """The scheduled arrival."""
    reason: str | None
    """Reason code (`TECH`, `CREW`, `WX`, `ATC`, `SEC`, `STRIKE-EXT`, `BIRD`, `MED`, `OTHER`), null when none."""
    drill: bool
    """Injected by a scheduled delay drill."""

    @staticmethod
    def facts_of(flight: Flight, *, drill: bool) -> dict[str, Any]:
        """The common fields of ``flight``'s events."""
        return {
            "flight_id": flight.id,
            "flight": str(flight.ref),
            "origin": flight.origin_id,
            "destination": flight.destination_id,
            "scheduled_departure": flight.scheduled_departure,
            "scheduled_arrival": flight.scheduled_arrival,
            "reason": flight.delay_reason or None,
            "drill": drill,
        }


class FlightDelayed(FlightFacts):
    """The departure delay against the schedule was set (0 restores the schedule)."""

    event_type: ClassVar[str] = EventType.FLIGHT_DELAYED

    delay_minutes: int
    """Departure delay against the schedule (absolute; 0 = back on schedule)."""
    previous_delay_minutes: int
    """The delay before this change."""
    estimated_departure: Moment
    """The new estimated departure."""
    estimated_arrival: Moment
    """The new estimated arrival."""

    def summary(self) -> str:
        return f"{self.delay_minutes} min ({self.reason or '—'})"

    @classmethod
    def of(cls, flight: Flight, *, previous_delay_minutes: int, drill: bool) -> FlightDelayed:
        """The event of ``flight``'s delay, as the flight now stands."""
        return cls(
            **cls.facts_of(flight, drill=drill),
            delay_minutes=flight.delay_minutes,
            previous_delay_minutes=previous_delay_minutes,
            estimated_departure=flight.estimated_departure,
            estimated_arrival=flight.estimated_arrival,
        )


class FlightCancelled(FlightFacts):
    """The flight was cancelled."""

    event_type: ClassVar[str] = EventType.FLIGHT_CANCELLED

    def summary(self) -> str:
        return f"cancelled ({self.reason or '—'})"

    @classmethod
    def of(cls, flight: Flight, *, drill: bool) -> FlightCancelled:
        """The event of ``flight``'s cancellation."""
        return cls(**cls.facts_of(flight, drill=drill))


class FlightGateChanged(FlightFacts):
    """The flight moved to another gate or terminal."""

    event_type: ClassVar[str] = EventType.FLIGHT_GATE_CHANGED

    gate: str
    """The new gate."""
    previous_gate: str
    """The gate before."""
    terminal: str
    """The new terminal."""
    previous_terminal: str
    """The terminal before."""

    def summary(self) -> str:
        return f"gate {self.previous_gate or '—'} → {self.gate}"

    @classmethod
    def of(cls, flight: Flight, *, previous_gate: str, previous_terminal: str) -> FlightGateChanged:
        """The event of ``flight``'s move from ``previous_gate`` (in ``previous_terminal``)."""
        return cls(
            **cls.facts_of(flight, drill=False),
            gate=flight.gate,
            previous_gate=previous_gate,
            terminal=flight.terminal,
            previous_terminal=previous_terminal,
        )
