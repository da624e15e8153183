"""IATA flight designators and flight references, parsed and normalised in one place.

A designator is a 2-character carrier code, a 1-4 digit flight number and an
optional operational suffix letter, case-insensitive, leading zeros ignored:
``nv0117`` and ``NV117`` are the same flight. A flight reference adds the
service date: ``NV117/2026-11-25``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DESIGNATOR = re.compile(r"^(?P<carrier>[A-Z0-9]{2})(?P<number>[0-9]{1,4})(?P<suffix>[A-Z]?)$")


class InvalidDesignator(ValueError):
    """A string that is not an IATA flight designator or flight reference."""


@dataclass(frozen=True, slots=True)
class Designator:
    """A normalised flight designator such as ``NV117`` or ``NV117A``."""

    carrier: str
    number: int
    suffix: str = ""

    def __str__(self) -> str:
        return f"{self.carrier}{self.number}{self.suffix}"

    @property
    def number_with_suffix(self) -> str:
        """The flight number as the scenario contract writes it (``117A``)."""
        return f"{self.number}{self.suffix}"


@dataclass(frozen=True, slots=True)
class FlightRef:
    """A flight on a service date: ``NV117/2026-11-25``."""

    designator: Designator
    date: dt.date

    def __str__(self) -> str:
        return f"{self.designator}/{self.date.isoformat()}"

    @classmethod
    def of(cls, carrier: str, number: str, date: dt.date) -> FlightRef:
        """The reference of a flight row's carrier code, stored number (``117A``) and service date."""
        digits = number.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return cls(Designator(carrier=carrier, number=int(digits), suffix=number[len(digits) :]), date)


def parse_designator(text: str) -> Designator:
    """Parse a designator, case-insensitive, leading zeros of the number ignored."""
    match = _DESIGNATOR.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise InvalidDesignator(
            f"{text!r} is not a flight designator (2-character carrier, 1-4 digits, optional suffix letter)"
        )
    number = int(match["number"])
    if number == 0:
        raise InvalidDesignator(f"{text!r} has flight number 0")
    return Designator(carrier=match["carrier"], number=number, suffix=match["suffix"])


def parse_service_date(text: str) -> dt.date:
    """Parse a service date written ``YYYY-MM-DD``."""
    try:
        if not isinstance(text, str) or not _DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDesignator(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parse_flight_ref(text: str) -> FlightRef:
    """Parse ``DESIGNATOR/DATE`` into a :class:`FlightRef`."""
    designator, sep, date = text.partition("/") if isinstance(text, str) else ("", "", "")
    if not sep:
        raise InvalidDesignator(f"{text!r} is not a flight reference (DESIGNATOR/YYYY-MM-DD)")
    return FlightRef(designator=parse_designator(designator), date=parse_service_date(date))
