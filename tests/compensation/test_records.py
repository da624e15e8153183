"""Compensation records wired to events: who is assessed when, with which band and case; upserts; bulk."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from compensation.models import Entitlement
from compensation.services import mark_paid
from events.models import Event
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from tests.support.flows import handle, run_subscriber
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db

NEXT_DAY = "2026-11-26"


def _get(number: str) -> Flight:
    return Flight.objects.get(number=number)


def _records() -> dict[str, Entitlement]:
    """Passenger ref → record (every test here disrupts one flight)."""
    return {e.passenger.ref: e for e in Entitlement.objects.select_related("passenger")}


def _summary() -> dict[str, tuple[str, str, Decimal]]:
    """Locator → (case, status, amount) of its passengers (all alike)."""
    return {ref.rsplit("-", 1)[0]: (e.case, e.status, e.amount) for ref, e in _records().items()}


def _fill(*numbers: str) -> None:
    """No seat left on these flights."""
    Flight.objects.filter(number__in=numbers).update(seats_y=F("booked_y"))


def _reaccommodated(event: Event) -> Event:
    run_subscriber(event, "rebooking")
    return Event.objects.get(type="passenger.reaccommodated", caused_by=event)


@pytest.fixture
def network(tmp_path: Path) -> None:
    """NV1 CDG→LHR (short haul) is the flight to disrupt.

    SHORTS flies only NV1; LONGER comes from JFK on NV50 and ends with NV1 (a long-haul journey); ONWARD goes on
    to JFK on NV100 the next morning (still connects after NV1's delays below); MISSES goes on to JFK on NV101
    at 22:00, which a delay of NV1 makes it miss; NV102 the next day is where MISSES can be rebooked.
    """
    load_network(
        [
            scenario_flight("50", "JFK", "CDG", "11:00", "19:00"),
            scenario_flight("1", "CDG", "LHR", "20:00", "21:00"),
            scenario_flight("101", "LHR", "JFK", "22:00", f"{NEXT_DAY}T06:00"),
            scenario_flight("100", "LHR", "JFK", "06:00", "14:00", date=NEXT_DAY),
            scenario_flight("102", "LHR", "JFK", "10:00", "18:00", date=NEXT_DAY),
        ],
        [
            scenario_booking("SHORTS", [("1", "Y")], size=2),
            scenario_booking("LONGER", [("50", "Y"), ("1", "Y")]),
            scenario_booking("ONWARD", [("1", "Y"), ("100", "Y", NEXT_DAY)]),
            scenario_booking("MISSES", [("1", "Y"), ("101", "Y")], size=2),
        ],
        tmp_path,
    )


def test_a_delay_assesses_the_journeys_it_ends_with_the_whole_journeys_band(network: None) -> None:
    event = delay_flight(flight=_get("1"), delay_minutes=200, reason="TECH")
    assert run_subscriber(event, "compensation") == {"assessed": 3, "eligible": 3}
    records = _records()
    assert set(records) == {"SHORTS-1", "SHORTS-2", "LONGER-1"}, "ONWARD still connects; MISSES is rebooking's"
    assert (records["SHORTS-1"].band, records["SHORTS-1"].amount) == ("short", Decimal("250.00"))
    longer = records["LONGER-1"]
    assert (longer.case, longer.band, longer.amount, longer.currency) == ("delayed", "long", Decimal("300.00"), "EUR")
    assert longer.reason == "long-haul, arrived 200 min late: 50% (Art. 7(2)(c))", "JFK→LHR, under 4 hours late"
    assert (longer.arrival_delay_minutes, longer.reason_code, longer.event_id) == (200, "TECH", event.id)


def test_a_later_event_updates_the_record_and_never_duplicates_it(network: None) -> None:
    run_subscriber(delay_flight(flight=_get("1"), delay_minutes=200, reason="TECH"), "compensation")
    run_subscriber(delay_flight(flight=_get("1"), delay_minutes=100, reason="TECH"), "compensation")
    assert Entitlement.objects.count() == 3
    shorts = _records()["SHORTS-1"]
    assert (shorts.status, shorts.amount, shorts.arrival_delay_minutes) == ("not_eligible", Decimal("0.00"), 100)
    assert shorts.reason == "arrived 100 min late (< 180)"


def test_an_extraordinary_circumstance_is_recorded_as_not_eligible(network: None) -> None:
    run_subscriber(delay_flight(flight=_get("1"), delay_minutes=300, reason="WX"), "compensation")
    assert {(e.status, e.amount) for e in _records().values()} == {("not_eligible", Decimal("0.00"))}
    assert _records()["LONGER-1"].reason.startswith("extraordinary circumstance WX (Weather)")


def test_a_paid_record_is_settled(network: None) -> None:
    run_subscriber(delay_flight(flight=_get("1"), delay_minutes=200, reason="TECH"), "compensation")
    assert len(mark_paid(list(Entitlement.objects.values_list("id", flat=True)), by="claims")) == 3
    run_subscriber(delay_flight(flight=_get("1"), delay_minutes=100, reason="TECH"), "compensation")
    assert {(e.status, e.amount) for e in Entitlement.objects.filter(passenger__ref__startswith="SHORTS")} == {
        ("paid", Decimal("250.00"))
    }


def test_a_missed_connection_is_assessed_on_the_new_arrival(network: None) -> None:
    delayed = delay_flight(flight=_get("1"), delay_minutes=90, reason="CREW")  # lands 22:30: MISSES misses NV101
    chained = _reaccommodated(delayed)
    run_subscriber(delayed, "compensation")  # after rebooking: MISSES's journey now ends with NV100 or NV102
    assert run_subscriber(chained, "compensation") == {"assessed": 2, "eligible": 2}
    party = next(p for p in chained.payload["parties"] if p["locator"] == "MISSES")
    misses = _records()["MISSES-1"]
    assert (misses.case, misses.band, misses.reason_code) == ("missed_connection", "long", "CREW")
    assert misses.arrival_delay_minutes == party["arrival_delay_minutes"] > 240
    assert (misses.status, misses.amount) == ("eligible", Decimal("600.00"))
    assert misses.flight_id == _get("1").id, "the record belongs to the disrupted flight"
    assert _summary()["SHORTS"] == ("delayed", "not_eligible", Decimal("0.00"))


def test_an_unprotected_missed_connection_is_owed_the_full_amount(network: None) -> None:
    _fill("100", "102")
    chained = _reaccommodated(delay_flight(flight=_get("1"), delay_minutes=90, reason="TECH"))
    run_subscriber(chained, "compensation")
    misses = _records()["MISSES-1"]
    assert (misses.case, misses.status, misses.amount) == ("missed_connection_unprotected", "eligible", Decimal("600"))
    assert misses.reason.startswith("missed connection, not rerouted, assessed as long-haul, cancelled")


def test_an_unprotected_cancellation_is_owed_the_full_amount(network: None) -> None:
    _fill("100", "102")
    chained = _reaccommodated(cancel_flight(flight=_get("101"), reason="TECH"))
    assert [p["status"] for p in chained.payload["parties"]] == ["unprotected"]
    run_subscriber(chained, "compensation")
    assert _summary() == {"MISSES": ("cancelled_unprotected", "eligible", Decimal("600.00"))}


def _network_of(tmp_path: Path, passengers: int) -> None:
    load_network(
        [
            scenario_flight("100", "LHR", "JFK", "10:00", "18:00", Y=400),
            scenario_flight("102", "LHR", "JFK", "14:00", "22:00", Y=400),
        ],
        [scenario_booking(f"C{n:05d}", [("100", "Y")]) for n in range(passengers)],
        tmp_path,
    )


def test_a_rerouted_cancellation_is_assessed_on_the_new_arrival(tmp_path: Path) -> None:
    _network_of(tmp_path, 3)  # NV100 LHR→JFK cancelled, NV102 arrives 240 minutes later
    run_subscriber(_reaccommodated(cancel_flight(flight=_get("100"), reason="TECH")), "compensation")
    assert {(e.case, e.arrival_delay_minutes, e.status, e.amount) for e in Entitlement.objects.all()} == {
        ("cancelled", 240, "eligible", Decimal("300.00"))
    }, "long haul rerouted, arriving no more than 240 minutes late: half"


def _queries(event: Event) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert handle(event, "compensation")["assessed"] > 0
    return len(queries)


def test_the_query_counts_do_not_grow_with_passengers(tmp_path: Path) -> None:
    counts = []
    for passengers in (10, 300):
        _network_of(tmp_path, passengers)
        delayed = _queries(delay_flight(flight=_get("100"), delay_minutes=300, reason="TECH"))
        chained = _reaccommodated(cancel_flight(flight=_get("100"), reason="TECH"))
        counts.append((delayed, _queries(chained)))
    assert counts[0] == counts[1]


def test_a_redelivered_event_changes_nothing(network: None) -> None:
    event = delay_flight(flight=_get("1"), delay_minutes=200, reason="TECH")
    run_subscriber(event, "compensation")
    before = list(Entitlement.objects.order_by("id").values_list("id", "status", "amount", "reason", "event"))
    assert handle(event, "compensation") == {"assessed": 3, "eligible": 3}
    after = list(Entitlement.objects.order_by("id").values_list("id", "status", "amount", "reason", "event"))
    assert after == before
