"""Compensation (Art. 5 and 7; Sturgeon C-402/07; Folkerts C-11/11) under EU261 or UK261: whether a passenger is
owed it, how much, and in which currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from flights.reasons import REASONS, is_extraordinary
from rights.bands import Band, band_between
from rights.geo import Sited
from rights.regime import Regime, currency_of, journey_regime

NOTHING = Decimal("0.00")
#: Art. 7(1)(a)-(c) (UK261: as amended for the United Kingdom), by regime and the band of the whole journey.
AMOUNTS = {
    Regime.EU261: {Band.SHORT: Decimal("250.00"), Band.MEDIUM: Decimal("400.00"), Band.LONG: Decimal("600.00")},
    Regime.UK261: {Band.SHORT: Decimal("220.00"), Band.MEDIUM: Decimal("350.00"), Band.LONG: Decimal("520.00")},
}
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
    MISSED_CONNECTION_UNPROTECTED = "missed_connection_unprotected"  # missed the connection, no new itinerary
    CANCELLED_REFUNDED = "cancelled_refunded"  # cancelled, the passenger chose a refund (Art. 8(1)(a))


class Status(StrEnum):
    """Whether compensation is owed."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Compensation:
    """The outcome for one passenger: ``amount`` in ``currency`` (ISO 4217, the regime's), 0.00 when not
    eligible; ``reason`` says why, for the record."""

    status: Status
    amount: Decimal
    currency: str
    reason: str


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
#: The cases without an arrival to measure, and how their reason words them: the full amount of the band (POLICY.md:
#: no way on within 72 hours is always 3 hours late or more; a refunded passenger was not rerouted at all).
NOT_REROUTED = {
    Disruption.CANCELLED_UNPROTECTED: ("cancelled and not rerouted", "Art. 5(1)(c), 7(1)({})"),
    Disruption.MISSED_CONNECTION_UNPROTECTED: ("missed connection and not rerouted", "Art. 7(1)({}); Sturgeon"),
    Disruption.CANCELLED_REFUNDED: ("cancelled and refunded instead of rerouted", "Art. 5(1)(c), 7(1)({}), 8(1)(a)"),
}


def assess_compensation(
    *, regime: Regime, disruption: Disruption, band: Band, reason_code: str, arrival_delay_minutes: int | None = None
) -> Compensation:
    """Compensation for one passenger.

    ``regime``: the law of the journey (``regime.journey_regime``; ValueError for ``none``: nothing is owed where
    no regime applies); ``band``: the band of the whole journey (``bands.band_between`` of the first segment's
    origin and the final destination, ``uk261=`` under UK261); ``reason_code``: the disruption's reason
    (``flights.reasons``); ``arrival_delay_minutes``: the (new) arrival at the final destination minus the
    ticketed one, in whole minutes — needed by every disruption with an arrival (not by those ``NOT_REROUTED``).
    """
    currency = currency_of(regime)
    if is_extraordinary(reason_code):
        return Compensation(
            Status.NOT_ELIGIBLE,
            NOTHING,
            currency,
            f"extraordinary circumstance {reason_code} ({REASONS[reason_code]}): no compensation ({regime} Art. 5(3))",
        )
    amount, letter, label = AMOUNTS[regime][band], LETTERS[band], LABELS[band]
    if disruption in NOT_REROUTED:
        what, articles = NOT_REROUTED[disruption]
        return Compensation(
            Status.ELIGIBLE,
            amount,
            currency,
            f"{label}, {what}: {currency} {amount} ({regime} {articles.format(letter)})",
        )
    if arrival_delay_minutes is None:
        raise ValueError(f"a {disruption} passenger's compensation needs the arrival delay")
    late = arrival_delay_minutes
    context = CONTEXTS[disruption]
    threshold = ELIGIBLE_FROM_MINUTES[disruption]
    if late < threshold:
        return Compensation(Status.NOT_ELIGIBLE, NOTHING, currency, f"{context}arrived {late} min late (< {threshold})")
    if _halved(disruption, band, late):
        half = (amount / 2).quantize(NOTHING)
        return Compensation(
            Status.ELIGIBLE,
            half,
            currency,
            f"{label}, {context}arrived {late} min late: 50%, {currency} {half} ({regime} Art. 7(2)({letter}))",
        )
    return Compensation(
        Status.ELIGIBLE,
        amount,
        currency,
        f"{label}, {context}arrived {late} min late: {currency} {amount} ({regime} Art. 7(1)({letter}))",
    )


def cannot_be_eligible(disruption: Disruption, *, reason_code: str, arrival_delay_minutes: int | None) -> bool:
    """Whether compensation is refused whatever the journey's law and band: the reason is an extraordinary
    circumstance, or the arrival delay is known and short of the case's threshold (:func:`assess_compensation`
    refuses both before it looks at the journey, so a caller may leave such claims out before reading journeys).
    ``arrival_delay_minutes`` None: not known yet, only the reason decides."""
    if is_extraordinary(reason_code):
        return True
    threshold = ELIGIBLE_FROM_MINUTES.get(disruption)
    return threshold is not None and arrival_delay_minutes is not None and arrival_delay_minutes < threshold


def arrival_delay(arrival: dt.datetime, ticketed_arrival: dt.datetime) -> int:
    """How late ``arrival`` is at the final destination against the arrival the journey was ticketed for, in whole
    minutes (rounded down)."""
    return int((arrival - ticketed_arrival).total_seconds() // 60)


def _halved(disruption: Disruption, band: Band, late: int) -> bool:
    if disruption is Disruption.DELAYED:
        # Sturgeon applies Art. 7(2)(c) to delays: only long-haul, no more than 4 hours late (POLICY.md version 2).
        return band is Band.LONG and late <= HALF_UP_TO_MINUTES[Band.LONG]
    return late <= HALF_UP_TO_MINUTES[band]


@dataclass(frozen=True)
class Claim:
    """One passenger's journey after the latest disruption that touched it: what happened to it, and the (new)
    arrival at the final destination, None when the passenger does not get there on this booking."""

    passenger_id: int
    booking_id: int
    disruption: Disruption
    arrival: dt.datetime | None


@dataclass(frozen=True)
class Assessment:
    """A journey's compensation as assessed on one disruption: the law and band it falls under, how late it
    arrives at its final destination against the ticketed arrival (None when not rerouted), and the outcome."""

    regime: Regime
    band: Band
    arrival_delay_minutes: int | None
    outcome: Compensation

    @property
    def eligible(self) -> bool:
        """Whether compensation is owed."""
        return self.outcome.status is Status.ELIGIBLE


class TicketedJourney(Protocol):
    """A journey as it was ticketed: its first origin, its final destination and the arrival it was ticketed for
    (a ``passengers.selectors.Journey`` qualifies)."""

    @property
    def origin(self) -> Sited: ...

    @property
    def destination(self) -> Sited: ...

    @property
    def ticketed_arrival(self) -> dt.datetime: ...


def assess_journey(
    claim: Claim, *, journey: TicketedJourney, first_flight: Regime, disrupted_flight: Regime | None, reason_code: str
) -> Assessment | None:
    """A passenger's ``claim`` on the ``journey`` it was ticketed for, assessed on a disruption with
    ``reason_code``: ``first_flight`` and ``disrupted_flight`` are the regimes of the journey's first flight and
    of its (first) disrupted flight (None: not looked up, see ``regime.journey_regime``). None where no regime
    applies to the journey: nothing is owed or recorded.

    The one place both the compensation subscriber (which records it) and the duties observer (which owes a
    ``compensation`` duty when it is eligible) decide a journey's compensation.
    """
    regime = journey_regime(first_flight=first_flight, disrupted_flight=disrupted_flight)
    if regime is Regime.NONE:
        return None
    late = None if claim.arrival is None else arrival_delay(claim.arrival, journey.ticketed_arrival)
    band = band_between(journey.origin, journey.destination, uk261=regime is Regime.UK261)
    outcome = assess_compensation(
        regime=regime, disruption=claim.disruption, band=band, reason_code=reason_code, arrival_delay_minutes=late
    )
    return Assessment(regime, band, late, outcome)


def reaccommodated_disruption(*, cancelled: bool, rerouted: bool) -> Disruption:
    """What happened to a reaccommodated party's journey: by its cause (a cancellation, else a missed connection)
    and whether it was rerouted (else unprotected)."""
    if cancelled:
        return Disruption.CANCELLED if rerouted else Disruption.CANCELLED_UNPROTECTED
    return Disruption.MISSED_CONNECTION if rerouted else Disruption.MISSED_CONNECTION_UNPROTECTED
