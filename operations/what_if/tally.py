"""What a previewed flow did, read from the rows and events its handlers wrote before the rollback.

An observer's reading, like the disruption page's: each app's own rows and published events, tied to the
flow by its root event; no subscriber is asked anything. A constant number of queries per option.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from compensation.models import Entitlement, EntitlementStatus
from events.contracts import decode
from events.models import Event
from events.types import EventType
from flights.models import Flight
from lodging.payloads import HotelBooked
from notifications.models import PartnerMessage, PassengerMessage
from passengers.selectors import passengers_on_flight
from rebooking.models import CaseStatus, Cause, Reaccommodation
from rebooking.selectors import refund_refusal_of
from vouchers.payloads import VoucherIssued

from .options import Option

Money = dict[str, Decimal]
"""Amounts by ISO 4217 currency."""

REBOOKED = (CaseStatus.REBOOKED, CaseStatus.ACCEPTED)


@dataclass(frozen=True)
class OptionOutcome:
    """What applying one option to the current state would produce, its chained events included (the figures of
    SCENARIO.md's what-if document, plus the breakdowns the console shows)."""

    option: Option
    passengers: int
    misconnects: int
    rebooked: int
    unprotected: int
    meal_vouchers: int
    meal_voucher_amount: Money
    hotel_stays: int
    unaccommodated: int
    compensation_eligible: int
    compensation_amount: Money
    refund_options: int
    partner_messages: int
    passenger_messages: int
    rebooked_by_priority: dict[int, int] = field(default_factory=dict)
    """Passengers rebooked, by priority class (1 first)."""
    unprotected_by_priority: dict[int, int] = field(default_factory=dict)
    """Passengers left unprotected, by priority class."""
    compensation_by_regime: dict[str, Money] = field(default_factory=dict)
    """Compensation owed by regime (``EU261``, ``UK261``) and currency."""


@dataclass(frozen=True)
class WhatIf:
    """The preview of every option for one flight, in the order they were asked."""

    flight: str
    """``DESIGNATOR/DATE``."""
    reason: str
    options: list[OptionOutcome]


def booked(root: Event) -> int:
    """Passengers booked on the disrupted flight when ``root`` happened (count it before the flow runs: rebooking
    ends their segments at that same moment when the clock stands still)."""
    return passengers_on_flight(root.flight_id, as_of=root.occurred_at).count()


def tally(root: Event, option: Option, *, passengers: int) -> OptionOutcome:
    """Count what ``root``'s flow (run in this transaction) produced for the ``passengers`` booked."""
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=root.flight_id)
    cases = _reaccommodated(root)
    vouchers, hotels = _published(root)
    eligible = Entitlement.objects.filter(event__root=root, status=EntitlementStatus.ELIGIBLE)
    by_regime: dict[str, Money] = defaultdict(dict)
    for regime, currency, amount in eligible.values_list("regime", "currency").annotate(total=Sum("amount")):
        by_regime[regime][currency] = amount
    return OptionOutcome(
        option=option,
        passengers=passengers,
        misconnects=sum(n for (cause, _, _), n in cases.items() if cause == Cause.MISCONNECT),
        rebooked=sum(n for (_, status, _), n in cases.items() if status in REBOOKED),
        unprotected=sum(n for (_, status, _), n in cases.items() if status == CaseStatus.UNPROTECTED),
        meal_vouchers=sum(len(issued.vouchers) for issued in vouchers),
        meal_voucher_amount=_summed((line.currency, line.amount) for issued in vouchers for line in issued.vouchers),
        hotel_stays=sum(booked.booked for booked in hotels),
        unaccommodated=sum(booked.unaccommodated for booked in hotels),
        compensation_eligible=eligible.count(),
        compensation_amount=_summed((c, a) for money in by_regime.values() for c, a in money.items()),
        refund_options=passengers if refund_refusal_of(flight) is None else 0,
        partner_messages=PartnerMessage.objects.filter(event__root=root).count(),
        passenger_messages=PassengerMessage.objects.filter(event__root=root).count(),
        rebooked_by_priority=_by_priority(cases, REBOOKED),
        unprotected_by_priority=_by_priority(cases, (CaseStatus.UNPROTECTED,)),
        compensation_by_regime=dict(by_regime),
    )


def _reaccommodated(root: Event) -> Counter[tuple[str, str, int]]:
    """Passengers reaccommodated in the flow by (cause, status, priority class)."""
    rows = (
        Reaccommodation.objects.filter(event__root=root)
        .values_list("cause", "status", "priority_class")
        .annotate(passengers=Count("booking__passengers"))
    )
    counts: Counter[tuple[str, str, int]] = Counter()
    for cause, status, priority, n in rows:
        counts[(cause, status, priority)] += n
    return counts


def _published(root: Event) -> tuple[list[VoucherIssued], list[HotelBooked]]:
    """The ``voucher.issued`` and ``hotel.booked`` events of the flow (vouchers and stays keep no event of their
    own: their publishers' events say which rows this flow wrote)."""
    events = Event.objects.filter(root=root, type__in=[EventType.VOUCHER_ISSUED, EventType.HOTEL_BOOKED])
    payloads = [decode(event.type, event.version, event.payload) for event in events]
    return (
        [p for p in payloads if isinstance(p, VoucherIssued)],
        [p for p in payloads if isinstance(p, HotelBooked)],
    )


def _summed(amounts: Iterable[tuple[str, Decimal]]) -> Money:
    total: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in amounts:
        total[currency] += amount
    return {currency: total[currency] for currency in sorted(total)}


def _by_priority(cases: Counter[tuple[str, str, int]], statuses: tuple[str, ...]) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for (_, status, priority), n in cases.items():
        if status in statuses:
            counts[priority] += n
    return dict(sorted(counts.items()))
