"""Vouchers' reads: the tariff in force under a regime, and the vouchers held for a flight."""

from __future__ import annotations

from rights import care
from rights.regime import Regime

from .models import MealVoucher, VoucherTariff


def tariff_for(regime: Regime) -> care.TariffRule:
    """The tariff operators set for ``regime`` in the admin, or the regulation's defaults in its currency when they
    have set none (ValueError for ``none``: no voucher is owed there)."""
    if regime is Regime.NONE:
        raise ValueError("no meal voucher is owed where no regime applies")
    row = VoucherTariff.objects.filter(regime=regime).first()
    return row.rule() if row else care.default_tariff(regime)


def vouchers_for_update(flight_id: int) -> dict[int, MealVoucher]:
    """The vouchers already held for a flight, by passenger id, locked until the transaction ends (one query).

    The lock makes two handlers raising the same vouchers at once take turns, the second seeing the first's amounts.
    """
    return {v.passenger_id: v for v in MealVoucher.objects.select_for_update().filter(flight_id=flight_id)}
