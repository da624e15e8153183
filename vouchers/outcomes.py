"""The ``meal_vouchers`` section of the outcome document."""

from __future__ import annotations

from typing import Any

from events.scopes import RowScope, every_row

from .models import MealVoucher


def meal_vouchers_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every meal voucher in ``scope`` with its passenger, flight, value and status (one query)."""
    vouchers = scope(MealVoucher.objects.all()).select_related("passenger", "flight").order_by("issued_at", "code")
    return [
        {
            "code": voucher.code,
            "passenger": voucher.passenger.ref,
            "flight": str(voucher.flight.ref),
            "airport": voucher.airport_id,
            "amount": f"{voucher.amount:.2f}",
            "currency": voucher.currency,
            "status": voucher.status,
        }
        for voucher in vouchers
    ]
