"""Meal vouchers wired to flight events: one per passenger per flight, raised by longer delays, in bulk."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from tests.support.flows import handle, run_subscriber
from tests.support.scenarios import load_network, scenario_booking, scenario_flight
from vouchers.codes import ALPHABET, new_code
from vouchers.models import MealVoucher, VoucherStatus, VoucherTariff
from vouchers.services import close_vouchers

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^MV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


def _network(tmp_path: Path, passengers: int) -> Flight:
    """NV100 LHR→JFK (long haul: care from 240 min) with ``passengers`` in bookings of three (and one smaller)."""
    sizes = [3] * (passengers // 3) + ([passengers % 3] if passengers % 3 else [])
    load_network(
        [scenario_flight("100", "LHR", "JFK", "10:00", "18:00", Y=400)],
        [scenario_booking(f"V{n:05d}", [("100", "Y")], size=size) for n, size in enumerate(sizes)],
        tmp_path,
    )
    return Flight.objects.get(number="100")


@pytest.fixture
def nv100(tmp_path: Path) -> Flight:
    return _network(tmp_path, 150)


def _delay(flight: Flight, minutes: int) -> dict:
    return run_subscriber(delay_flight(flight=flight, delay_minutes=minutes, reason="TECH"), "vouchers")


def _amounts() -> dict[Decimal, int]:
    amounts: dict[Decimal, int] = {}
    for amount in MealVoucher.objects.values_list("amount", flat=True):
        amounts[amount] = amounts.get(amount, 0) + 1
    return amounts


def test_a_long_delay_gives_every_passenger_one_voucher(nv100: Flight) -> None:
    event = delay_flight(flight=nv100, delay_minutes=300, reason="TECH")
    assert run_subscriber(event, "vouchers") == {"passengers": 150, "issued": 150, "raised": 0}
    vouchers = list(MealVoucher.objects.all())
    assert len({v.passenger_id for v in vouchers}) == 150
    assert _amounts() == {Decimal("30.00"): 150}, "EUR 10 for each of 3 started 2-hour periods"
    assert {(v.currency, v.airport_id, v.status, v.delay_minutes) for v in vouchers} == {("EUR", "LHR", "issued", 300)}
    assert all(CODE.match(v.code) for v in vouchers)
    issued = Event.objects.get(type="voucher.issued")
    assert issued.caused_by_id == event.id and issued.flight_id == nv100.id
    assert sorted(issued.payload["passenger_ids"]) == sorted(v.passenger_id for v in vouchers)
    entry = next(e for e in issued.payload["vouchers"] if e["code"] == vouchers[0].code)
    assert entry == {"voucher_id": vouchers[0].id, "code": vouchers[0].code, "passenger_id": vouchers[0].passenger_id,
                     "amount": "30.00", "currency": "EUR", "change": "issued"}  # fmt: skip


def test_a_longer_delay_raises_the_vouchers_without_issuing_new_ones(nv100: Flight) -> None:
    _delay(nv100, 300)
    codes = set(MealVoucher.objects.values_list("code", flat=True))
    assert _delay(nv100, 420) == {"passengers": 150, "issued": 0, "raised": 150}
    assert set(MealVoucher.objects.values_list("code", flat=True)) == codes
    assert _amounts() == {Decimal("40.00"): 150}
    raised = Event.objects.filter(type="voucher.issued").order_by("occurred_at").last()
    assert {(e["change"], e["amount"]) for e in raised.payload["vouchers"]} == {("raised", "40.00")}
    assert len(raised.payload["vouchers"]) == 150


def test_a_shortened_delay_leaves_the_vouchers_valid(nv100: Flight) -> None:
    _delay(nv100, 300)
    assert _delay(nv100, 60) == {"passengers": 150, "issued": 0, "raised": 0}
    assert _amounts() == {Decimal("30.00"): 150}
    assert set(MealVoucher.objects.values_list("status", flat=True)) == {"issued"}
    assert Event.objects.filter(type="voucher.issued").count() == 1, "nothing changed: nothing to tell"


def test_a_delay_below_the_care_threshold_gives_nothing(nv100: Flight) -> None:
    assert _delay(nv100, 239) == {"passengers": 150, "issued": 0, "raised": 0}
    assert not MealVoucher.objects.exists()
    assert not Event.objects.filter(type="voucher.issued").exists()


def test_a_cancelled_flight_gets_vouchers_even_when_rebooking_went_first(nv100: Flight) -> None:
    event = cancel_flight(flight=nv100, reason="TECH")
    run_subscriber(event, "rebooking")  # nowhere to go: every segment on NV100 is now cancelled
    assert run_subscriber(event, "vouchers")["issued"] == 150
    assert _amounts() == {Decimal("40.00"): 150}, "the tariff maximum: how long they will wait is not known"
    assert set(MealVoucher.objects.values_list("delay_minutes", flat=True)) == {None}


def test_a_redelivered_event_changes_nothing(nv100: Flight) -> None:
    event = delay_flight(flight=nv100, delay_minutes=300, reason="TECH")
    run_subscriber(event, "vouchers")
    before = list(MealVoucher.objects.order_by("id").values_list("id", "code", "amount", "status"))
    assert run_delivery(event.deliveries.get(subscriber="vouchers").id) == "skipped", "a done delivery never reruns"
    assert handle(event, "vouchers") == {"passengers": 150, "issued": 0, "raised": 0}
    assert list(MealVoucher.objects.order_by("id").values_list("id", "code", "amount", "status")) == before
    assert Event.objects.filter(type="voucher.issued").count() == 1


def test_the_tariff_set_by_operators_prices_the_vouchers(nv100: Flight) -> None:
    VoucherTariff.objects.update_or_create(
        id=1, defaults={"per_period": "7.50", "minimum": "5.00", "maximum": "100.00", "currency": "GBP"}
    )
    _delay(nv100, 300)
    assert set(MealVoucher.objects.values_list("amount", "currency")) == {(Decimal("22.50"), "GBP")}


def test_redeemed_and_void_vouchers_are_never_raised(nv100: Flight) -> None:
    _delay(nv100, 300)
    redeemed, void = MealVoucher.objects.order_by("id")[:2]
    close_vouchers([redeemed.id], status=VoucherStatus.REDEEMED, by="ops")
    close_vouchers([void.id], status=VoucherStatus.VOID, by="ops")
    assert _delay(nv100, 420)["raised"] == 148
    assert MealVoucher.objects.get(id=redeemed.id).amount == Decimal("30.00")
    assert MealVoucher.objects.get(id=void.id).status == "void"
    assert MealVoucher.objects.count() == 150, "a void voucher is not replaced"


def _queries_to_issue(tmp_path: Path, passengers: int) -> int:
    flight = _network(tmp_path, passengers)
    event = delay_flight(flight=flight, delay_minutes=300, reason="TECH")
    with CaptureQueriesContext(connection) as queries:
        assert handle(event, "vouchers")["issued"] == passengers
    return len(queries)


def test_the_query_count_does_not_grow_with_passengers(tmp_path: Path) -> None:
    assert _queries_to_issue(tmp_path, 10) == _queries_to_issue(tmp_path, 300)


def test_raising_takes_as_many_queries_for_few_as_for_many(tmp_path: Path) -> None:
    counts = []
    for passengers in (10, 300):
        flight = _network(tmp_path, passengers)
        handle(delay_flight(flight=flight, delay_minutes=300, reason="TECH"), "vouchers")
        event = delay_flight(flight=flight, delay_minutes=480, reason="TECH")
        with CaptureQueriesContext(connection) as queries:
            assert handle(event, "vouchers")["raised"] == passengers
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_voucher_codes_are_unique_and_well_formed() -> None:
    codes = [new_code() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    assert all(CODE.match(code) for code in codes)
    assert not set("01OI") & set(ALPHABET) and len(ALPHABET) == 32
