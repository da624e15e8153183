"""The ``voucher.issued`` payload: the meal vouchers one flight event issued or raised."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import PlainSerializer

from events.contracts import EventPayload, Part
from events.types import EventType
from flights.models import Flight

from .models import MealVoucher

#: An amount of money, written with two decimals ("12.50").
Amount = Annotated[Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str)]


class VoucherChange(StrEnum):
    ISSUED = "issued"
    RAISED = "raised"


class VoucherLine(Part):
    """One passenger's voucher, new or with a higher value."""

    voucher_id: int
    """The voucher."""
    code: str
    """The code the passenger shows."""
    passenger_id: int
    """Whose voucher it is."""
    amount: Amount
    """Its value, two decimals (`15.00`)."""
    currency: str
    """ISO 4217 currency."""
    change: VoucherChange
    """`issued` (new) or `raised` (a longer delay raised its value)."""

    @classmethod
    def of(cls, voucher: MealVoucher, change: VoucherChange) -> VoucherLine:
        return cls(
            voucher_id=voucher.id,
            code=voucher.code,
            passenger_id=voucher.passenger_id,
            amount=voucher.amount,
            currency=voucher.currency,
            change=change,
        )


class VoucherIssued(EventPayload):
    """Meal vouchers issued or raised for a delayed or cancelled flight's passengers."""

    event_type: ClassVar[str] = EventType.VOUCHER_ISSUED

    flight_id: int
    """The disrupted flight."""
    flight: str
    """`DESIGNATOR/DATE`."""
    airport: str
    """Where the vouchers are spent (the flight's origin)."""
    passenger_ids: list[int]
    """The passengers whose voucher was issued or raised."""
    vouchers: list[VoucherLine]
    """Every voucher that changed."""

    @classmethod
    def of(cls, flight: Flight, *, issued: list[MealVoucher], raised: list[MealVoucher]) -> VoucherIssued:
        """One line per voucher issued or raised, for notifications to tell each passenger their voucher."""
        lines = [VoucherLine.of(v, VoucherChange.ISSUED) for v in issued] + [
            VoucherLine.of(v, VoucherChange.RAISED) for v in raised
        ]
        return cls(
            flight_id=flight.id,
            flight=str(flight.ref),
            airport=flight.origin_id,
            passenger_ids=[line.passenger_id for line in lines],
            vouchers=lines,
        )
