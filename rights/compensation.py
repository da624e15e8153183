"""Compensation (Art. 5 and 7; Sturgeon C-402/07; Folkerts C-11/11): whether a passenger is owed it, and how much."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from flights.reasons import REASONS, is_extraordinary
from rights.bands import Band

CURRENCY = "EUR"
NOTHING = Decimal("0.00")
#: Art. 7(1)(a)-(c), by the band of the whole journey.
AMOUNTS = {Band.SHORT: Decimal("250.00"), Band.MEDIUM: Decimal("400.00"), Band.LONG: Decimal("600.00")}
#: Art. 7(2)(a)-(c): a rerouted arrival no more than this many minutes late halves the amount.
HALF_UP_TO_MINUTES = {Band.SHORT: 120, Band.MEDIUM: 180, Band.LONG: 240}
LETTERS = {Band.SHORT: "a", Band.MEDIUM: "b", Band.LONG: "c"}
LABELS = {Band.SHORT: "short-haul", Band.MEDIUM: "medium-haul", Band.LONG: "long-haul"}


class Disruption(StrEnum):
    """What happened to a passenger's journey."""

    DELAYED = "delayed"  # delayed, not rerouted
    MISSED_CONNECTION = "missed_connection"  # rerouted after a missed connection
    CANCELLED = "cancelled"  # rerouted after a cancellation
    CANCELLED_UNPROTECTED = "cancelled_unprotected"  # cancelled, no new itinerary


class Status(StrEnum):
    """Whether compensation is owed."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Compensation:
    """The outcome for one passenger: amount is 0.00 when not eligible; reason says why, for the record."""

    status: Status
    amount: Decimal
    reason: str
    currency: str = CURRENCY


#: Minutes late at the final destination from which compensation is owed. Sturgeon treats an arrival 3 hours late
#: like a cancellation, Folkerts measures it at the final destination; POLICY.md's 2 hours after a cancellation
#: stands for Art. 5(1)(c)(iii).
ELIGIBLE_FROM_MINUTES = {Disruption.DELAYED: 180, Disruption.MISSED_CONNECTION: 180, Disruption.CANCELLED: 120}
#: How the reason of each case with an arrival delay begins.
CONTEXTS = {
    Disruption.DELAYED: "",
    Disruption.MISSED_CONNECTION: "rerouted after a missed connection, ",
    Disruption.CANCELLED: "rerouted after a cancellation, ",
}


def assess_compensation(
    *, disruption: Disruption, band: Band, reason_code: str, arrival_delay_minutes: int | None = None
) -> Compensation:
    """Compensation for one passenger.

    ``band``: the band of the whole journey (``bands.band_between`` of the first segment's origin and the final
    destination); ``reason_code``: the disruption's reason (``flights.reasons``); ``arrival_delay_minutes``: the
    (new) arrival at the final destination minus the originally scheduled one, in whole minutes — needed by
    every disruption but ``CANCELLED_UNPROTECTED``.
    """
    if is_extraordinary(reason_code):
        return Compensation(
            Status.NOT_ELIGIBLE,
            NOTHING,
            f"extraordinary circumstance {reason_code} ({REASONS[reason_code]}): no compensation (Art. 5(3))",
        )
    amount, letter = AMOUNTS[band], LETTERS[band]
    if disruption is Disruption.CANCELLED_UNPROTECTED:
        return Compensation(
            Status.ELIGIBLE,
            amount,
            f"{LABELS[band]}, cancelled and not rerouted: EUR {amount} (Art. 5(1)(c), 7(1)({letter}))",
        )
    if arrival_delay_minutes is None:
        raise ValueError(f"a {disruption} passenger's compensation needs the arrival delay")
    late = arrival_delay_minutes
    context = CONTEXTS[disruption]
    threshold = ELIGIBLE_FROM_MINUTES[disruption]
    if late < threshold:
        return Compensation(Status.NOT_ELIGIBLE, NOTHING, f"{context}arrived {late} min late (< {threshold})")
    if _halved(disruption, band, late):
        return Compensation(
            Status.ELIGIBLE,
            (amount / 2).quantize(NOTHING),
            f"{LABELS[band]}, {context}arrived {late} min late: 50% (Art. 7(2)({letter}))",
        )
    return Compensation(
        Status.ELIGIBLE, amount, f"{LABELS[band]}, {context}arrived {late} min late: EUR {amount} (Art. 7(1)({letter}))"
    )


def _halved(disruption: Disruption, band: Band, late: int) -> bool:
    if disruption is Disruption.DELAYED:
        # Sturgeon applies Art. 7(2)(c) to delays: only long-haul, and POLICY.md halves strictly under 4 hours.
        return band is Band.LONG and late < HALF_UP_TO_MINUTES[Band.LONG]
    return late <= HALF_UP_TO_MINUTES[band]
