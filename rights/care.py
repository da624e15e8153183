"""Meal vouchers, the right to care of Art. 6 and 9(1)(a): who is owed one, its value, and when it is raised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from rights.bands import Band
from rights.regime import Regime, currency_of

#: Art. 6(1)(a)-(c): the departure delay, in minutes, at which care is owed, by the band of the flight's own distance.
CARE_THRESHOLD_MINUTES = {Band.SHORT: 120, Band.MEDIUM: 180, Band.LONG: 240}
#: A voucher is worth one tariff step per started period of delay.
PERIOD_MINUTES = 120
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TariffRule:
    """What a meal voucher is worth (operators configure it): ``per_period`` for every started 2 hours of delay,
    never less than ``minimum`` nor more than ``maximum``, in ``currency`` (ISO 4217)."""

    per_period: Decimal = Decimal("10.00")
    minimum: Decimal = Decimal("10.00")
    maximum: Decimal = Decimal("40.00")
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.minimum <= self.maximum or self.per_period < 0:
            raise ValueError(f"a tariff needs 0 <= minimum <= maximum and per_period >= 0, not {self}")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency must be an ISO 4217 code, not {self.currency!r}")


DEFAULT_TARIFF = TariffRule()


def default_tariff(regime: Regime) -> TariffRule:
    """The regulation's default tariff under ``regime``, in its currency: 10 per started 2 hours, 10 to 40 (EUR for
    EU261, GBP for UK261). ValueError for ``none``: no voucher is owed where no regime applies."""
    return TariffRule(currency=currency_of(regime))


class VoucherAction(StrEnum):
    """What to do with a passenger's meal voucher for one disrupted flight."""

    NONE = "none"  # no voucher, none owed
    ISSUE = "issue"
    RAISE = "raise"
    KEEP = "keep"


@dataclass(frozen=True)
class VoucherDecision:
    """An action and the voucher's value once it is done (None: there is no voucher)."""

    action: VoucherAction
    amount: Decimal | None


def voucher_value(delay_minutes: int, tariff: TariffRule = DEFAULT_TARIFF) -> Decimal:
    """The value of a meal voucher for a delay: ``per_period`` per started 2 hours (120 min is one period,
    121 two), clamped to the tariff's minimum and maximum, to the cent."""
    if delay_minutes < 0:
        raise ValueError(f"a delay cannot be negative: {delay_minutes}")
    started_periods = -(-delay_minutes // PERIOD_MINUTES)
    return min(max(tariff.per_period * started_periods, tariff.minimum), tariff.maximum).quantize(CENT)


def meal_voucher_owed(
    *, band: Band, delay_minutes: int, cancelled: bool, tariff: TariffRule = DEFAULT_TARIFF
) -> Decimal | None:
    """The meal voucher every passenger booked on a flight is owed now, or None when care is not due.

    ``band`` is the band of the flight's own distance; ``delay_minutes`` its departure delay (0 when on time).
    Care is due once the delay reaches the band's threshold (Art. 6(1)), or at once for a cancellation
    (Art. 5(1)(b)): a cancelled flight's voucher is worth the tariff maximum, as how long its passengers will wait
    is not known when the cancellation is handled.
    """
    if cancelled:
        return tariff.maximum.quantize(CENT)
    if delay_minutes >= CARE_THRESHOLD_MINUTES[band]:
        return voucher_value(delay_minutes, tariff)
    return None


def decide_meal_voucher(
    existing: Decimal | None,
    *,
    band: Band,
    delay_minutes: int,
    cancelled: bool,
    tariff: TariffRule = DEFAULT_TARIFF,
) -> VoucherDecision:
    """What to do for one passenger of a disrupted flight, given the value of the voucher they already hold for it
    (``existing``, None when they hold none) and the flight's new state.

    At most one voucher per passenger per flight: a longer delay raises the existing voucher, never issues a second;
    a shorter delay neither lowers nor voids it (the passenger already waited).
    """
    owed = meal_voucher_owed(band=band, delay_minutes=delay_minutes, cancelled=cancelled, tariff=tariff)
    if existing is None:
        return VoucherDecision(VoucherAction.NONE, None) if owed is None else VoucherDecision(VoucherAction.ISSUE, owed)
    if owed is not None and owed > existing:
        return VoucherDecision(VoucherAction.RAISE, owed)
    return VoucherDecision(VoucherAction.KEEP, existing)
