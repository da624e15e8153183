"""rights.care: meal-voucher entitlement, value and the raise-never-reissue rule (pure, no DB)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rights.bands import Band
from rights.care import (
    DEFAULT_TARIFF,
    TariffRule,
    VoucherAction,
    VoucherDecision,
    decide_meal_voucher,
    default_tariff,
    meal_voucher_owed,
    voucher_value,
)
from rights.regime import Regime

D = Decimal
POUNDS = TariffRule(per_period=D("7.50"), minimum=D("5"), maximum=D("25"), currency="GBP")


@pytest.mark.parametrize(
    ("delay_minutes", "value"),
    [
        (0, "10.00"),  # the minimum
        (1, "10.00"),
        (119, "10.00"),
        (120, "10.00"),  # exactly 2 hours: one period, the second has not started
        (121, "20.00"),
        (239, "20.00"),
        (240, "20.00"),
        (241, "30.00"),
        (360, "30.00"),
        (361, "40.00"),
        (480, "40.00"),
        (481, "40.00"),  # five periods, capped at the maximum
        (600, "40.00"),
        (10_000, "40.00"),
    ],
)
def test_default_voucher_value(delay_minutes: int, value: str) -> None:
    result = voucher_value(delay_minutes)
    assert result == D(value)
    assert str(result) == value  # always to the cent


@pytest.mark.parametrize(
    ("delay_minutes", "value"),
    [(0, "5.00"), (1, "7.50"), (120, "7.50"), (121, "15.00"), (360, "22.50"), (361, "25.00")],
)
def test_configured_voucher_value(delay_minutes: int, value: str) -> None:
    assert str(voucher_value(delay_minutes, POUNDS)) == value


def test_a_negative_delay_has_no_voucher_value() -> None:
    with pytest.raises(ValueError, match="negative"):
        voucher_value(-1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"minimum": D("50")}, "minimum <= maximum"),  # above the maximum
        ({"minimum": D("-1")}, "0 <= minimum"),
        ({"per_period": D("-0.01")}, "per_period >= 0"),
        ({"currency": "eur"}, "ISO 4217"),
        ({"currency": "EURO"}, "ISO 4217"),
    ],
)
def test_a_tariff_must_make_sense(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TariffRule(**fields)  # type: ignore[arg-type]


def test_default_tariff_is_policy() -> None:
    policy = TariffRule(per_period=D("10"), minimum=D("10"), maximum=D("40"), currency="EUR")
    assert policy == DEFAULT_TARIFF


@pytest.mark.parametrize(("regime", "currency"), [(Regime.EU261, "EUR"), (Regime.UK261, "GBP")])
def test_each_regime_s_default_tariff_is_policy_in_its_currency(regime: Regime, currency: str) -> None:
    assert default_tariff(regime) == TariffRule(per_period=D("10"), minimum=D("10"), maximum=D("40"), currency=currency)


def test_no_tariff_where_no_regime_applies() -> None:
    with pytest.raises(ValueError, match="no regime applies"):
        default_tariff(Regime.NONE)


@pytest.mark.parametrize(
    ("band", "delay_minutes", "cancelled", "owed"),
    [
        # Art. 6(1): the threshold of the flight's own band, reached at exactly the threshold.
        (Band.SHORT, 0, False, None),
        (Band.SHORT, 119, False, None),
        (Band.SHORT, 120, False, "10.00"),
        (Band.SHORT, 121, False, "20.00"),
        (Band.MEDIUM, 179, False, None),
        (Band.MEDIUM, 180, False, "20.00"),
        (Band.LONG, 239, False, None),
        (Band.LONG, 240, False, "20.00"),
        (Band.LONG, 241, False, "30.00"),
        # A cancellation: always, at the maximum, whatever the delay before it.
        (Band.SHORT, 0, True, "40.00"),
        (Band.MEDIUM, 30, True, "40.00"),
        (Band.LONG, 600, True, "40.00"),
    ],
)
def test_meal_voucher_owed(band: Band, delay_minutes: int, cancelled: bool, owed: str | None) -> None:
    result = meal_voucher_owed(band=band, delay_minutes=delay_minutes, cancelled=cancelled)
    assert result == (None if owed is None else D(owed))


def test_configured_cancellation_voucher_is_the_configured_maximum() -> None:
    assert str(meal_voucher_owed(band=Band.SHORT, delay_minutes=0, cancelled=True, tariff=POUNDS)) == "25.00"


NONE = VoucherDecision(VoucherAction.NONE, None)


def issue(amount: str) -> VoucherDecision:
    return VoucherDecision(VoucherAction.ISSUE, D(amount))


def raise_to(amount: str) -> VoucherDecision:
    return VoucherDecision(VoucherAction.RAISE, D(amount))


def keep(amount: str) -> VoucherDecision:
    return VoucherDecision(VoucherAction.KEEP, D(amount))


@pytest.mark.parametrize(
    ("existing", "band", "delay_minutes", "cancelled", "decision"),
    [
        # No voucher yet.
        (None, Band.SHORT, 119, False, NONE),
        (None, Band.SHORT, 120, False, issue("10.00")),
        (None, Band.LONG, 239, False, NONE),
        (None, Band.LONG, 240, False, issue("20.00")),
        (None, Band.MEDIUM, 0, True, issue("40.00")),
        # A longer delay raises the voucher held.
        ("10.00", Band.SHORT, 121, False, raise_to("20.00")),
        ("20.00", Band.LONG, 361, False, raise_to("40.00")),
        ("10.00", Band.SHORT, 0, True, raise_to("40.00")),  # delayed, then cancelled
        # The same value: nothing changes.
        ("10.00", Band.SHORT, 120, False, keep("10.00")),
        ("20.00", Band.SHORT, 240, False, keep("20.00")),
        ("40.00", Band.SHORT, 600, False, keep("40.00")),
        ("40.00", Band.LONG, 0, True, keep("40.00")),
        # A shorter delay, even below the threshold, neither lowers nor voids it.
        ("30.00", Band.SHORT, 121, False, keep("30.00")),
        ("20.00", Band.MEDIUM, 179, False, keep("20.00")),
        ("20.00", Band.LONG, 0, False, keep("20.00")),
    ],
)
def test_decide_meal_voucher(
    existing: str | None, band: Band, delay_minutes: int, cancelled: bool, decision: VoucherDecision
) -> None:
    held = None if existing is None else D(existing)
    assert decide_meal_voucher(held, band=band, delay_minutes=delay_minutes, cancelled=cancelled) == decision


def test_decide_meal_voucher_with_a_configured_tariff() -> None:
    decision = decide_meal_voucher(D("7.50"), band=Band.SHORT, delay_minutes=121, cancelled=False, tariff=POUNDS)
    assert decision == raise_to("15.00")


@pytest.mark.parametrize("band", list(Band))
@pytest.mark.parametrize("cancelled", [False, True])
def test_a_held_voucher_is_never_issued_again_nor_lowered(band: Band, cancelled: bool) -> None:
    for held in (D("10.00"), D("20.00"), D("40.00")):
        for delay_minutes in range(0, 721, 7):
            decision = decide_meal_voucher(held, band=band, delay_minutes=delay_minutes, cancelled=cancelled)
            assert decision.action in {VoucherAction.RAISE, VoucherAction.KEEP}
            assert decision.amount is not None
            assert decision.amount >= held
