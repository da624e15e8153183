"""Event types and their payloads: what publishers promise and subscribers may rely on.

``docs/events.md`` is the readable catalogue (every type, its payload and who
subscribes); this module is what the code checks payloads against. A payload
is a small JSON object of ids and facts; a new required field means a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class InvalidPayload(ValueError):
    """A payload that does not match its event type's specification."""


@dataclass(frozen=True)
class EventSpec:
    """An event type: its current version and the payload fields it requires (name → JSON type)."""

    type: str
    version: int
    fields: dict[str, type | tuple[type, ...]] = field(default_factory=dict)

    def check(self, payload: Any) -> None:
        """Raise :class:`InvalidPayload` listing every missing or mistyped field."""
        if not isinstance(payload, dict):
            raise InvalidPayload(f"{self.type}: the payload must be a JSON object")
        problems = []
        for name, expected in self.fields.items():
            if name not in payload:
                problems.append(f"missing {name!r}")
            elif not isinstance(payload[name], expected) or (
                isinstance(payload[name], bool) and bool not in _as_tuple(expected)
            ):
                problems.append(f"{name!r} is {type(payload[name]).__name__}")
        if problems:
            raise InvalidPayload(f"{self.type} v{self.version} payload: " + "; ".join(problems))


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


_specs: dict[str, EventSpec] = {}


def define(spec: EventSpec) -> EventSpec:
    """Add an event type to the catalogue."""
    _specs[spec.type] = spec
    return spec


def spec_for(event_type: str) -> EventSpec:
    """The specification of ``event_type`` (``InvalidPayload`` if it is not catalogued)."""
    try:
        return _specs[event_type]
    except KeyError:
        raise InvalidPayload(f"{event_type!r} is not a catalogued event type") from None


def all_specs() -> list[EventSpec]:
    return [_specs[name] for name in sorted(_specs)]


_FLIGHT = {
    "flight_id": int,
    "flight": str,
    "origin": str,
    "destination": str,
    "scheduled_departure": str,
    "scheduled_arrival": str,
    "reason": (str, type(None)),
    "drill": bool,
}
FLIGHT_DELAYED = define(
    EventSpec(
        "flight.delayed",
        1,
        {
            **_FLIGHT,
            "delay_minutes": int,
            "previous_delay_minutes": int,
            "estimated_departure": str,
            "estimated_arrival": str,
        },
    )
)
FLIGHT_CANCELLED = define(EventSpec("flight.cancelled", 1, dict(_FLIGHT)))
FLIGHT_GATE_CHANGED = define(
    EventSpec(
        "flight.gate_changed",
        1,
        {
            **_FLIGHT,
            "gate": str,
            "previous_gate": str,
            "terminal": str,
            "previous_terminal": str,
        },
    )
)
PASSENGER_REACCOMMODATED = define(
    EventSpec(
        "passenger.reaccommodated",
        1,
        {
            "flight_id": int,
            "flight": str,
            "disruption": str,
            "scheduled_departure": str,
            "estimated_arrival": str,
            "refund_allowed": bool,
            "optimal": bool,
            "parties": list,
        },
    )
)
VOUCHER_ISSUED = define(
    EventSpec(
        "voucher.issued",
        1,
        {"flight_id": int, "flight": str, "airport": str, "passenger_ids": list, "vouchers": list},
    )
)
HOTEL_BOOKED = define(
    EventSpec(
        "hotel.booked",
        1,
        {"flight_id": int, "flight": str, "booked": int, "unaccommodated": int, "stays": list},
    )
)
