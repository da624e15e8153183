"""``disrupt FLIGHT DATE (--delay MINUTES | --cancel | --gate GATE)``: record a disruption of one flight."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.models import Event
from events.selectors import IN_PROGRESS, flow_deliveries, status_of
from flights.designators import FlightRef, InvalidDesignator, parse_designator, parse_service_date
from flights.models import Flight
from flights.reasons import DEFAULT_REASON, REASONS
from flights.selectors import get_flight
from flights.services import DisruptionError, cancel_flight, change_gate, delay_flight


class Command(BaseCommand):
    help = (
        "Record a delay, cancellation or gate change of one flight, through the same services as every operator tool."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flight", help="flight designator, e.g. NV117 (case-insensitive, leading zeros ignored)")
        parser.add_argument("date", help="service date YYYY-MM-DD: the local date of the scheduled departure")
        change = parser.add_mutually_exclusive_group(required=True)
        change.add_argument(
            "--delay",
            type=int,
            metavar="MINUTES",
            help="departure delay against the schedule (absolute; 0 restores it)",
        )
        change.add_argument("--cancel", action="store_true", help="cancel the flight")
        change.add_argument("--gate", help="move the flight to this gate")
        parser.add_argument("--terminal", help="with --gate: the flight's new terminal")
        parser.add_argument(
            "--reason",
            type=str.upper,
            choices=list(REASONS),
            default=DEFAULT_REASON,
            help=f"reason code of a delay or cancellation (default {DEFAULT_REASON})",
        )
        parser.add_argument(
            "--wait",
            type=float,
            metavar="SECONDS",
            help="block until every subscriber has finished with the event (or the time is up), then summarise",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["terminal"] is not None and options["gate"] is None:
            raise CommandError("--terminal goes with --gate")
        if options["wait"] is not None and options["wait"] < 0:
            raise CommandError("--wait must be zero or more seconds")
        flight = find_flight(options["flight"], options["date"])
        try:
            event, summary = apply_disruption(
                flight,
                delay=options["delay"],
                cancel=options["cancel"],
                gate=options["gate"],
                terminal=options["terminal"],
                reason=options["reason"],
            )
        except DisruptionError as exc:
            raise CommandError(f"Nothing changed: {exc}") from None
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(f"Event {event.type} {event.id} published to {event.deliveries.count()} subscribers.")
        if options["wait"] is not None:
            self._wait_and_summarise(event, options["wait"])

    def _wait_and_summarise(self, event: Event, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (status := status_of(event)) == IN_PROGRESS and time.monotonic() < deadline:
            time.sleep(0.2)
        for delivery in flow_deliveries([event.id])[event.id]:
            took = f"{delivery.duration_seconds:.2f}s" if delivery.duration_seconds is not None else "-"
            produced = ", ".join(f"{k}={v}" for k, v in delivery.result.items())
            error = f"  error: {delivery.last_error.splitlines()[0]}" if delivery.last_error else ""
            self.stdout.write(
                f"  {delivery.subscriber:<16} {delivery.event.type:<26} {delivery.status:<8} "
                f"attempts={delivery.attempts} took={took} {produced}{error}"
            )
        self.stdout.write(f"Flow {status}.")
        if status != "completed":
            raise CommandError(f"the flow is {status}" + (f" after {seconds:g} s" if status == IN_PROGRESS else ""))


def find_flight(designator: str, date: str) -> Flight:
    """The flight named on the command line, or a CommandError saying why there is none."""
    try:
        ref = FlightRef(designator=parse_designator(designator), date=parse_service_date(date))
    except InvalidDesignator as exc:
        raise CommandError(str(exc)) from None
    try:
        return get_flight(ref)
    except Flight.DoesNotExist:
        raise CommandError(
            f"No flight {ref}: check the designator and the service date (local date of the scheduled departure)"
        ) from None


def apply_disruption(
    flight: Flight, *, delay: int | None, cancel: bool, gate: str | None, terminal: str | None, reason: str
) -> tuple[Event, str]:
    """Apply exactly one disruption through flights.services; return its event and a one-line description."""
    if cancel:
        event = cancel_flight(flight=flight, reason=reason)
        return event, f"{flight} cancelled ({reason})"
    if gate is not None:
        event = change_gate(flight=flight, gate=gate, terminal=terminal)
        flight.refresh_from_db()  # the service normalises gate and terminal
        place = f"terminal {flight.terminal} gate {flight.gate}" if flight.terminal else f"gate {flight.gate}"
        return event, f"{flight} now at {place}"
    event = delay_flight(flight=flight, delay_minutes=delay, reason=reason)
    flight.refresh_from_db()
    departs = _local_departure(flight)
    if delay:
        return event, f"{flight} delayed {delay} min ({reason}): departs {departs} local"
    return event, f"{flight} back on schedule: departs {departs} local"


def _local_departure(flight: Flight) -> str:
    """The estimated departure in the origin's local time, with the date when it is not the service date."""
    local = flight.estimated_departure.astimezone(flight.origin.tzinfo)
    return f"{local:%H:%M}" if local.date() == flight.service_date else f"{local:%Y-%m-%d %H:%M}"
