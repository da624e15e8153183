"""Vouchers' reads: the tariff in force, who is owed care for a flight, the vouchers they hold."""

from __future__ import annotations

from rights import care

from .models import MealVoucher, VoucherTariff


def current_tariff() -> care.TariffRule:
    """The tariff operators set in the admin, or the regulation's defaults when they have set none."""
    row = VoucherTariff.objects.filter(id=VoucherTariff.SINGLETON_ID).first()
    return row.rule() if row else care.DEFAULT_TARIFF


def vouchers_for_update(flight_id: int) -> dict[int, MealVoucher]:
    """The vouchers already held for a flight, by passenger id, locked until the transaction ends (one query).

    The lock makes two handlers raising the same vouchers at once take turns, the second seeing the first's amounts.
    """
    return {v.passenger_id: v for v in MealVoucher.objects.select_for_update().filter(flight_id=flight_id)}
