"""Why a passenger's or an operator's decision on a reaccommodation was refused (nothing was changed).

Pure (no Django): the refund rule and the services raise :class:`DecisionError`; the API answers 409 with its
``reason`` (machine-readable) and message, the admin shows the message.
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """The machine-readable reasons a decision is refused."""

    DELAY_UNDER_300_MINUTES = "delay_under_300_minutes"
    """No refund: the flight is neither cancelled nor delayed 300 minutes or more at departure."""
    NO_REGIME = "no_regime"
    """No refund: neither EU261 nor UK261 applies to the flight (operators may still act by hand)."""
    ALREADY_REFUNDED = "already_refunded"
    """The passengers chose a refund already: nothing is left to choose."""
    CHOICE_NOT_OPEN = "choice_not_open"
    """The case's status does not allow that choice now (e.g. accepting twice)."""
    ITINERARY_NOT_VALID = "itinerary_not_valid"
    """The itinerary an operator chose breaks a rebooking rule now (times, horizon, cabins or seats)."""
    SEATS_TAKEN = "seats_taken"
    """The seats of the chosen itinerary were taken meanwhile by a concurrent change."""
    JOURNEY_CHANGED = "journey_changed"
    """A concurrent change (rebooking, another choice) rewrote the journey meanwhile: look again."""


class DecisionError(ValueError):
    """A decision this case does not allow now; nothing was changed. ``reason`` says why, for machines."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
