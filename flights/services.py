"""Every write to flights: disruptions recorded in one transaction each.

Admin actions, the ``disrupt`` command, delay drills and the API all call these
functions, so a disruption is recorded the same way whoever causes it: the
flight row and its event (the outbox) are written in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from events.models import Event
from events.services import publish

from .models import Flight, FlightStatus
from .payloads import FlightCancelled, FlightDelayed, FlightGateChanged
from .reasons import DEFAULT_REASON, REASONS

MAX_DELAY_MINUTES = 2880


class DisruptionError(ValueError):
    """A disruption that cannot be applied to this flight (nothing was changed)."""


def _locked(flight: Flight) -> Flight:
    """Re-read the flight under a row lock so concurrent disruptions apply one after another.

    Only the flight's row (``of=self``): without it PostgreSQL locks the joined airports too, and every
    disruption departing from or arriving at the same airport would wait for the others (and for a preview).
    """
    return Flight.objects.select_for_update(of=("self",)).select_related("origin", "destination").get(pk=flight.pk)


def _check_reason(reason: str) -> str:
    if reason not in REASONS:
        raise DisruptionError(f"unknown reason code {reason!r}; expected one of {', '.join(REASONS)}")
    return reason


@transaction.atomic
def delay_flight(*, flight: Flight, delay_minutes: int, reason: str = DEFAULT_REASON, drill: bool = False) -> Event:
    """Set the departure delay against the schedule (absolute minutes; 0 restores the schedule).

    Publishes ``flight.delayed`` and returns that event.
    """
    _check_reason(reason)
    if isinstance(delay_minutes, bool) or not isinstance(delay_minutes, int):
        raise DisruptionError("the delay must be a whole number of minutes")
    if not 0 <= delay_minutes <= MAX_DELAY_MINUTES:
        raise DisruptionError(f"the delay must be between 0 and {MAX_DELAY_MINUTES} minutes, not {delay_minutes}")
    flight = _locked(flight)
    if flight.status == FlightStatus.CANCELLED:
        raise DisruptionError(f"{flight} is cancelled and cannot be delayed")
    previous_delay = flight.delay_minutes
    shift = dt.timedelta(minutes=delay_minutes)
    flight.estimated_departure = flight.scheduled_departure + shift
    flight.estimated_arrival = flight.scheduled_arrival + shift
    flight.status = FlightStatus.DELAYED if delay_minutes else FlightStatus.SCHEDULED
    flight.delay_reason = reason if delay_minutes else ""
    flight.save(update_fields=["estimated_departure", "estimated_arrival", "status", "delay_reason", "updated_at"])
    return publish(
        FlightDelayed.of(flight, previous_delay_minutes=previous_delay, drill=drill), flight_id=flight.id, drill=drill
    )


@transaction.atomic
def cancel_flight(*, flight: Flight, reason: str = DEFAULT_REASON, drill: bool = False) -> Event:
    """Cancel a flight; publishes ``flight.cancelled`` and returns that event."""
    _check_reason(reason)
    flight = _locked(flight)
    if flight.status == FlightStatus.CANCELLED:
        raise DisruptionError(f"{flight} is already cancelled")
    flight.status = FlightStatus.CANCELLED
    flight.delay_reason = reason
    flight.save(update_fields=["status", "delay_reason", "updated_at"])
    return publish(FlightCancelled.of(flight, drill=drill), flight_id=flight.id, drill=drill)


@transaction.atomic
def change_gate(*, flight: Flight, gate: str, terminal: str | None = None) -> Event:
    """Move a flight to another gate (and terminal, when given); publishes ``flight.gate_changed``."""
    gate = gate.strip().upper()
    if not gate or len(gate) > 8:
        raise DisruptionError("a gate is 1 to 8 characters")
    if terminal is not None and len(terminal.strip()) > 8:
        raise DisruptionError("a terminal is at most 8 characters")
    flight = _locked(flight)
    if flight.status == FlightStatus.CANCELLED:
        raise DisruptionError(f"{flight} is cancelled; its gate cannot change")
    previous_gate, previous_terminal = flight.gate, flight.terminal
    flight.gate = gate
    if terminal is not None:
        flight.terminal = terminal.strip().upper()
    flight.save(update_fields=["gate", "terminal", "updated_at"])
    return publish(
        FlightGateChanged.of(flight, previous_gate=previous_gate, previous_terminal=previous_terminal),
        flight_id=flight.id,
    )
