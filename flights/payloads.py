"""Payloads of the events flights publish (catalogued in events.catalogue and docs/events.md)."""

from __future__ import annotations

from typing import Any

from .models import Flight


def flight_facts(flight: Flight, *, drill: bool) -> dict[str, Any]:
    """The facts every flight event carries."""
    return {
        "flight_id": flight.id,
        "flight": str(flight.ref),
        "origin": flight.origin_id,
        "destination": flight.destination_id,
        "scheduled_departure": flight.scheduled_departure.isoformat(),
        "scheduled_arrival": flight.scheduled_arrival.isoformat(),
        "reason": flight.delay_reason or None,
        "drill": drill,
    }


def delayed_payload(flight: Flight, *, previous_delay_minutes: int, drill: bool) -> dict[str, Any]:
    return {
        **flight_facts(flight, drill=drill),
        "delay_minutes": flight.delay_minutes,
        "previous_delay_minutes": previous_delay_minutes,
        "estimated_departure": flight.estimated_departure.isoformat(),
        "estimated_arrival": flight.estimated_arrival.isoformat(),
    }


def gate_changed_payload(flight: Flight, *, previous_gate: str, previous_terminal: str) -> dict[str, Any]:
    return {
        **flight_facts(flight, drill=False),
        "gate": flight.gate,
        "previous_gate": previous_gate,
        "terminal": flight.terminal,
        "previous_terminal": previous_terminal,
    }
