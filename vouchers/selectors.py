"""Vouchers' reads: the tariff in force, who is owed care for a flight, the vouchers they hold."""

from __future__ import annotations

from eu261 import care
from passengers.models import Passenger, SegmentStatus

from .models import MealVoucher, VoucherTariff


def current_tariff() -> care.VoucherTariff:
    """The tariff operators set in the admin, or the regulation's defaults when they have set none."""
    row = VoucherTariff.objects.filter(id=VoucherTariff.SINGLETON_ID).first()
    return row.rule() if row else care.DEFAULT_TARIFF


def passengers_booked_on(flight_id: int, *, cancelled: bool) -> list[int]:
    """Ids of the passengers booked on a flight (one query).

    For a cancelled flight this includes segments that rebooking has already replaced or cancelled: it handles
    the same event on its own queue and may have finished first.
    """
    segments = {"booking__segments__flight_id": flight_id}
    if not cancelled:
        segments["booking__segments__status"] = SegmentStatus.ACTIVE
    return list(Passenger.objects.filter(**segments).order_by("id").values_list("id", flat=True).distinct())


def vouchers_for_update(flight_id: int) -> dict[int, MealVoucher]:
    """The vouchers already held for a flight, by passenger id, locked until the transaction ends (one query).

    The lock makes two handlers raising the same vouchers at once take turns, the second seeing the first's amounts.
    """
    return {v.passenger_id: v for v in MealVoucher.objects.select_for_update().filter(flight_id=flight_id)}
