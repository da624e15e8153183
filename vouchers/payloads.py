"""The ``voucher.issued`` payload (catalogued in events.catalogue and docs/events.md)."""

from __future__ import annotations

from typing import Any

from flights.models import Flight

from .models import MealVoucher


def _voucher(voucher: MealVoucher, change: str) -> dict[str, Any]:
    return {
        "voucher_id": voucher.id,
        "code": voucher.code,
        "passenger_id": voucher.passenger_id,
        "amount": f"{voucher.amount:.2f}",
        "currency": voucher.currency,
        "change": change,
    }


def voucher_issued_payload(flight: Flight, *, issued: list[MealVoucher], raised: list[MealVoucher]) -> dict[str, Any]:
    """What notifications need to tell each passenger their voucher: one entry per voucher issued or raised."""
    vouchers = [_voucher(v, "issued") for v in issued] + [_voucher(v, "raised") for v in raised]
    return {
        "flight_id": flight.id,
        "flight": str(flight.ref),
        "airport": flight.origin_id,
        "passenger_ids": [v["passenger_id"] for v in vouchers],
        "vouchers": vouchers,
    }
