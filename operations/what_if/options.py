"""The options an operator can preview, and every reason a preview of them cannot be made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from airline import clock
from flights.models import Flight, FlightStatus
from flights.reasons import REASONS
from flights.services import MAX_DELAY_MINUTES


class OptionKind(StrEnum):
    DELAY = "delay"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Option:
    """One disruption to preview: a departure delay against the schedule (absolute minutes), or a cancellation."""

    kind: OptionKind
    delay_minutes: int | None = None

    @classmethod
    def delay(cls, minutes: int) -> Option:
        return cls(OptionKind.DELAY, minutes)

    @classmethod
    def cancel(cls) -> Option:
        return cls(OptionKind.CANCEL)

    def __str__(self) -> str:
        return f"delay {self.delay_minutes} min" if self.kind == OptionKind.DELAY else "cancel"


class InvalidPreview(ValueError):
    """The preview cannot be made; ``problems`` lists every reason (nothing was changed)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def problems_of(flight: Flight, options: list[Option], reason: str) -> list[str]:
    """Every reason the options cannot be previewed for ``flight`` (none: the preview may run)."""
    problems = option_problems(options)
    if reason not in REASONS:
        problems.append(f"unknown reason code {reason!r}; expected one of {', '.join(REASONS)}")
    return problems + flight_problems(flight)


def flight_problems(flight: Flight) -> list[str]:
    """Why ``flight`` can no longer be disrupted by any option (none: it can)."""
    if flight.status == FlightStatus.CANCELLED:
        return [f"{flight.ref} is already cancelled"]
    if flight.estimated_departure <= clock.now():
        departed = f"{flight.estimated_departure.astimezone(dt.UTC):%Y-%m-%d %H:%M}"
        return [f"{flight.ref} has departed (estimated departure {departed} (UTC))"]
    return []


def option_problems(options: list[Option]) -> list[str]:
    """Every reason the options themselves cannot be previewed, whatever the flight."""
    problems = [] if options else ["no option: give at least one --delay MINUTES or --cancel"]
    for option in options:
        minutes = option.delay_minutes
        if option.kind == OptionKind.DELAY and not (
            isinstance(minutes, int) and not isinstance(minutes, bool) and 0 <= minutes <= MAX_DELAY_MINUTES
        ):
            problems.append(f"a delay must be a whole number of minutes from 0 to {MAX_DELAY_MINUTES}, not {minutes}")
    return problems
