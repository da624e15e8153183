"""Meal vouchers wired to flight events: one per passenger per flight, raised by longer delays, in bulk, priced by
the flight's own regime (EU261 in EUR, UK261 in GBP, none under no regime)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.runner import run_delivery
from flights.models import Airline, Flight
from flights.services import cancel_flight, delay_flight
from tests.support.flows import handle, run_subscriber
from tests.support.scenarios import load_network, scenario_booking, scenario_flight
from vouchers.codes import ALPHABET, new_code
from vouchers.models import MealVoucher, VoucherStatus, VoucherTariff
from vouchers.services import close_vouchers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tariffs")]

CODE = re.compile(r"^MV-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


def _network(tmp_path: Path, passengers: int, origin: str = "LHR", destination: str = "JFK") -> Flight:
    """NV100 LHR→JFK (UK261, long haul: care from 240 min) with ``passengers`` in bookings of three (and one
    smaller); the NV airline has no licence country."""
    sizes = [3] * (passengers // 3) + ([passengers % 3] if passengers % 3 else [])
    load_network(
        [scenario_flight("100", origin, destination, "10:00", "18:00", Y=400)],
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
    assert run_subscriber(event, "vouchers") == {"regime": "UK261", "passengers": 150, "issued": 150, "raised": 0}
    vouchers = list(MealVoucher.objects.all())
    assert len({v.passenger_id for v in vouchers}) == 150
    assert _amounts() == {Decimal("30.00"): 150}, "GBP 10 for each of 3 started 2-hour periods"
    assert {(v.currency, v.airport_id, v.status, v.delay_minutes) for v in vouchers} == {("GBP", "LHR", "issued", 300)}
    assert all(CODE.match(v.code) for v in vouchers)
    issued = Event.objects.get(type="voucher.issued")
    assert issued.caused_by_id == event.id and issued.flight_id == nv100.id
    assert sorted(issued.payload["passenger_ids"]) == sorted(v.passenger_id for v in vouchers)
    entry = next(e for e in issued.payload["vouchers"] if e["code"] == vouchers[0].code)
    assert entry == {"voucher_id": vouchers[0].id, "code": vouchers[0].code, "passenger_id": vouchers[0].passenger_id,
                     "amount": "30.00", "currency": "GBP", "change": "issued"}  # fmt: skip


def test_a_longer_delay_raises_the_vouchers_without_issuing_new_ones(nv100: Flight) -> None:
    _delay(nv100, 300)
    codes = set(MealVoucher.objects.values_list("code", flat=True))
    assert _delay(nv100, 420) == {"regime": "UK261", "passengers": 150, "issued": 0, "raised": 150}
    assert set(MealVoucher.objects.values_list("code", flat=True)) == codes
    assert _amounts() == {Decimal("40.00"): 150}
    raised = Event.objects.filter(type="voucher.issued").order_by("occurred_at").last()
    assert {(e["change"], e["amount"]) for e in raised.payload["vouchers"]} == {("raised", "40.00")}
    assert len(raised.payload["vouchers"]) == 150


def test_a_shortened_delay_leaves_the_vouchers_valid(nv100: Flight) -> None:
    _delay(nv100, 300)
    assert _delay(nv100, 60) == {"regime": "UK261", "passengers": 150, "issued": 0, "raised": 0}
    assert _amounts() == {Decimal("30.00"): 150}
    assert set(MealVoucher.objects.values_list("status", flat=True)) == {"issued"}
    assert Event.objects.filter(type="voucher.issued").count() == 1, "nothing changed: nothing to tell"


def test_a_delay_below_the_care_threshold_gives_nothing(nv100: Flight) -> None:
    assert _delay(nv100, 239) == {"regime": "UK261", "passengers": 150, "issued": 0, "raised": 0}
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
    assert handle(event, "vouchers") == {"regime": "UK261", "passengers": 150, "issued": 0, "raised": 0}
    assert list(MealVoucher.objects.order_by("id").values_list("id", "code", "amount", "status")) == before
    assert Event.objects.filter(type="voucher.issued").count() == 1


def test_the_tariff_set_by_operators_for_the_flight_s_regime_prices_the_vouchers(nv100: Flight) -> None:
    VoucherTariff.objects.filter(regime="UK261").update(per_period="7.50", minimum="5.00", maximum="100.00")
    VoucherTariff.objects.filter(regime="EU261").update(per_period="20.00", minimum="20.00", maximum="20.00")
    _delay(nv100, 300)
    assert set(MealVoucher.objects.values_list("amount", "currency")) == {(Decimal("22.50"), "GBP")}


def test_an_eu261_flight_s_vouchers_use_the_eu261_tariff_in_euros(tmp_path: Path) -> None:
    VoucherTariff.objects.filter(regime="EU261").update(per_period="12.00", minimum="10.00", maximum="40.00")
    VoucherTariff.objects.filter(regime="UK261").update(per_period="5.00", minimum="5.00", maximum="5.00")
    cdg = _network(tmp_path, 4, origin="CDG")  # departs France
    assert _delay(cdg, 300)["regime"] == "EU261"
    assert set(MealVoucher.objects.values_list("amount", "currency")) == {(Decimal("36.00"), "EUR")}


def test_a_regime_without_a_tariff_row_prices_at_the_regulation_s_defaults_in_its_currency(nv100: Flight) -> None:
    VoucherTariff.objects.all().delete()
    _delay(nv100, 300)
    assert set(MealVoucher.objects.values_list("amount", "currency")) == {(Decimal("30.00"), "GBP")}


def test_a_flight_under_no_regime_gets_no_voucher(tmp_path: Path) -> None:
    jfk = _network(tmp_path, 6, origin="JFK", destination="LHR")  # to GB on a carrier licensed nowhere
    assert _delay(jfk, 600) == {"regime": "none", "passengers": 6, "issued": 0, "raised": 0}
    assert run_subscriber(cancel_flight(flight=jfk, reason="TECH"), "vouchers")["issued"] == 0
    assert not MealVoucher.objects.exists()
    assert not Event.objects.filter(type="voucher.issued").exists()


def test_the_same_flight_on_a_carrier_licensed_in_gb_is_under_uk261(tmp_path: Path) -> None:
    jfk = _network(tmp_path, 6, origin="JFK", destination="LHR")
    Airline.objects.filter(code="NV").update(country="GB")
    assert _delay(jfk, 300) == {"regime": "UK261", "passengers": 6, "issued": 6, "raised": 0}
    assert set(MealVoucher.objects.values_list("amount", "currency")) == {(Decimal("30.00"), "GBP")}


#: Far-flung airports inside each regime's area, more than 3500 km from its hub: a flight between them is medium
#: haul only as its own regime reads the band ("intra-EU over 1500 km", under UK261 "within GB over 1500 km").
FAR_INSIDE = {
    "EU261": ("CDG", {"code": "RUN"}),  # Réunion, EU territory, about 9,300 km from Paris
    "UK261": ("LHR", {"code": "XGB", "name": "Far GB", "country": "GB", "timezone": "Europe/London",
                      "latitude": 20.0, "longitude": -60.0}),  # fictional, about 6,400 km from London
}  # fmt: skip


@pytest.mark.parametrize("regime", FAR_INSIDE)
@pytest.mark.parametrize(("delay_minutes", "issued"), [(179, 0), (180, 3)])
def test_the_care_threshold_is_the_band_of_the_flight_as_its_regime_reads_it(
    tmp_path: Path, regime: str, delay_minutes: int, issued: int
) -> None:
    origin, far = FAR_INSIDE[regime]
    load_network(
        [scenario_flight("100", origin, far["code"], "10:00", "22:00")],
        [scenario_booking("FARAWY", [("100", "Y")], size=3)],
        tmp_path,
        airports=[{"code": origin}, far],
    )
    result = _delay(Flight.objects.get(number="100"), delay_minutes)
    assert (result["regime"], result["issued"]) == (regime, issued), "medium haul: care from 180 minutes, not 240"


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
