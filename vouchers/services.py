"""Vouchers' writes: meal vouchers for a disrupted flight's passengers, and operators redeeming or voiding them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.contracts import EventFacts
from events.services import publish
from flights.models import Flight
from flights.selectors import regime_of
from passengers.selectors import passengers_on_flight
from rights.bands import band_between
from rights.care import VoucherAction, decide_meal_voucher
from rights.regime import Regime

from .codes import new_code
from .models import MealVoucher, VoucherStatus
from .payloads import VoucherIssued
from .selectors import tariff_for, vouchers_for_update


def grant_meal_vouchers(*, flight_id: int, delay_minutes: int | None, cause: EventFacts) -> dict[str, Any]:
    """Issue or raise the meal voucher of every passenger booked on ``flight_id`` when ``cause`` happened (a delay
    of ``delay_minutes``, or a cancellation: None), in bulk; publish ``voucher.issued`` when any was issued or
    raised.

    The flight's own regime decides (POLICY "Meal vouchers"): its tariff and currency, and the band of its
    distance as that regime reads it (UK261: "within GB over 1500 km" is medium); under ``none`` nobody gets a
    voucher. Follows the event's facts, not the flight's state now: values only ever go up, so events handled out
    of order end the same. Idempotent: run again, every voucher is kept as it is. Redeemed and void vouchers are
    final. Must run inside the handler's transaction (it locks the flight's vouchers).
    """
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=flight_id)
    regime = regime_of(flight)
    passengers = list(
        passengers_on_flight(flight.id, as_of=cause.occurred_at).order_by("id").values_list("id", flat=True)
    )
    if regime is Regime.NONE:
        return {"regime": str(regime), "passengers": len(passengers), "issued": 0, "raised": 0}
    cancelled = delay_minutes is None
    tariff = tariff_for(regime)
    band = band_between(flight.origin, flight.destination, uk261=regime is Regime.UK261)
    held = vouchers_for_update(flight.id)
    issue: list[MealVoucher] = []
    raised: list[MealVoucher] = []
    now = timezone.now()
    for passenger_id in passengers:
        voucher = held.get(passenger_id)
        if voucher is not None and voucher.status != VoucherStatus.ISSUED:
            continue
        decision = decide_meal_voucher(
            voucher.amount if voucher else None,
            band=band,
            delay_minutes=delay_minutes or 0,
            cancelled=cancelled,
            tariff=tariff,
        )
        if decision.amount is None:
            continue  # no voucher is owed
        if decision.action is VoucherAction.ISSUE:
            issue.append(
                MealVoucher(
                    passenger_id=passenger_id,
                    flight=flight,
                    airport_id=flight.origin_id,
                    amount=decision.amount,
                    currency=tariff.currency,
                    delay_minutes=delay_minutes,
                    issued_at=now,
                )
            )
        elif decision.action is VoucherAction.RAISE and voucher is not None:
            voucher.amount, voucher.delay_minutes, voucher.raised_at = decision.amount, delay_minutes, now
            raised.append(voucher)
    issued = _issue(issue)
    MealVoucher.objects.bulk_update(raised, ["amount", "delay_minutes", "raised_at"])
    if issued or raised:
        publish(VoucherIssued.of(flight, issued=issued, raised=raised), flight_id=flight.id, caused_by=cause)
    return {"regime": str(regime), "passengers": len(passengers), "issued": len(issued), "raised": len(raised)}


def _issue(vouchers: list[MealVoucher]) -> list[MealVoucher]:
    """Insert new vouchers, each with a code no voucher has yet (normally two queries)."""
    codes = _unused_codes(len(vouchers))
    for voucher, code in zip(vouchers, codes, strict=True):
        voucher.code = code
    return MealVoucher.objects.bulk_create(vouchers)


def _unused_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {new_code() for _ in range(count - len(codes))} - codes
        # Codes are unique in the database too; this check only spares the whole batch a rollback and retry.
        fresh -= set(MealVoucher.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh
    return sorted(codes)


@dataclass(frozen=True)
class Closed:
    """What an operator's redeem or void did: the vouchers changed, and those refused (with why)."""

    changed: list[MealVoucher]
    refused: dict[str, str]


@transaction.atomic
def close_vouchers(voucher_ids: Iterable[int], *, status: VoucherStatus, by: str) -> Closed:
    """Redeem or void issued vouchers (operator action). A redeemed or void voucher is never changed again, so a
    void voucher cannot be redeemed, nor a redeemed one voided."""
    if status not in (VoucherStatus.REDEEMED, VoucherStatus.VOID):
        raise ValueError(f"vouchers are closed as redeemed or void, not {status}")
    vouchers = list(MealVoucher.objects.select_for_update().filter(id__in=list(voucher_ids)).order_by("code"))
    changed = [v for v in vouchers if v.status == VoucherStatus.ISSUED]
    verb = "redeemed" if status == VoucherStatus.REDEEMED else "voided"
    refused = {
        v.code: f"{v.code} is {v.status} and cannot be {verb}" for v in vouchers if v.status != VoucherStatus.ISSUED
    }
    now = timezone.now()
    for voucher in changed:
        voucher.status, voucher.closed_at, voucher.closed_by = status, now, by
    MealVoucher.objects.bulk_update(changed, ["status", "closed_at", "closed_by"])
    return Closed(changed=changed, refused=refused)
