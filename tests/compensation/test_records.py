"""Compensation records wired to events: who is assessed when, under which regime, with which band, case and
arrival delay (against the ticketed arrival); upserts; bulk."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compensation.models import Entitlement
from compensation.services import mark_paid
from events.models import Event
from flights.models import Airline
from flights.services import cancel_flight, delay_flight
from tests.support.flows import handle, run_subscriber

from .support import fill, flight, hub, reaccommodated, records, transatlantic

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(tmp_path: Path) -> None:
    hub(tmp_path)


def _summary() -> dict[str, tuple[str, str, str, Decimal, str]]:
    """Locator → (regime, case, status, amount, currency) of its passengers (all alike)."""
    return {ref.rsplit("-", 1)[0]: (e.regime, e.case, e.status, e.amount, e.currency) for ref, e in records().items()}


def test_a_delay_assesses_the_journeys_it_ends_with_under_the_journeys_regime(network: None) -> None:
    event = delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    assert run_subscriber(event, "compensation") == {"assessed": 3, "eligible": 3}
    got = records()
    assert set(got) == {"SHORTS-1", "SHORTS-2", "LONGER-1"}, "ONWARD still connects; MISSES is rebooking's"
    shorts = got["SHORTS-1"]
    assert (shorts.regime, shorts.band, shorts.amount, shorts.currency) == ("EU261", "short", Decimal("250.00"), "EUR")
    longer = got["LONGER-1"]
    assert longer.regime == "EU261", "its first flight (NV50 from JFK) has no regime: the disrupted NV1's applies"
    assert (longer.case, longer.band, longer.amount, longer.currency) == ("delayed", "long", Decimal("300.00"), "EUR")
    assert longer.reason == "long-haul, arrived 200 min late: 50%, EUR 300.00 (EU261 Art. 7(2)(c))"
    assert (longer.arrival_delay_minutes, longer.reason_code, longer.event_id) == (200, "TECH", event.id)
    assert (longer.booking.locator, longer.flight_id) == ("LONGER", flight("1").id)


def test_a_journey_under_no_regime_gets_no_record(network: None) -> None:
    event = delay_flight(flight=flight("50"), delay_minutes=300, reason="TECH")
    assert run_subscriber(event, "compensation") == {"assessed": 0, "eligible": 0}
    assert not Entitlement.objects.exists(), "NOLAWS: JFK→CDG on a carrier licensed nowhere"


def test_the_carriers_licence_can_bring_a_journey_under_a_regime(network: None) -> None:
    Airline.objects.filter(code="NV").update(country="FR")  # a Community carrier, arriving in the EU: EU261
    run_subscriber(delay_flight(flight=flight("50"), delay_minutes=300, reason="TECH"), "compensation")
    assert _summary() == {"NOLAWS": ("EU261", "delayed", "eligible", Decimal("600.00"), "EUR")}


def test_the_first_flights_regime_wins_over_the_disrupted_flights(network: None) -> None:
    fill("103", "100", "102")
    run_subscriber(reaccommodated(cancel_flight(flight=flight("101"), reason="TECH")), "compensation")
    assert _summary() == {"MISSES": ("EU261", "cancelled_unprotected", "eligible", Decimal("600.00"), "EUR")}, (
        "NV101 from LHR is UK261, but the journey began on NV1 from CDG"
    )


def test_a_later_event_updates_the_record_and_never_duplicates_it(network: None) -> None:
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH"), "compensation")
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=100, reason="TECH"), "compensation")
    assert Entitlement.objects.count() == 3
    shorts = records()["SHORTS-1"]
    assert (shorts.status, shorts.amount, shorts.arrival_delay_minutes) == ("not_eligible", Decimal("0.00"), 100)
    assert shorts.reason == "arrived 100 min late (< 180)"


def test_an_extraordinary_circumstance_is_recorded_as_not_eligible(network: None) -> None:
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=300, reason="WX"), "compensation")
    assert {(e.status, e.amount, e.currency) for e in records().values()} == {("not_eligible", Decimal("0.00"), "EUR")}
    assert records()["LONGER-1"].reason == "extraordinary circumstance WX (Weather): no compensation (EU261 Art. 5(3))"


def test_a_paid_record_is_settled(network: None) -> None:
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH"), "compensation")
    assert len(mark_paid(list(Entitlement.objects.values_list("id", flat=True)), by="claims")) == 3
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=100, reason="TECH"), "compensation")
    assert {(e.status, e.amount) for e in Entitlement.objects.filter(passenger__ref__startswith="SHORTS")} == {
        ("paid", Decimal("250.00"))
    }


def test_a_missed_connection_is_measured_against_the_ticketed_arrival(network: None) -> None:
    fill("103")  # MISSES is rebooked on NV100, arriving 14:00 instead of NV101's 06:00
    delayed = delay_flight(flight=flight("1"), delay_minutes=90, reason="CREW")  # lands 22:30: MISSES misses NV101
    chained = reaccommodated(delayed)
    run_subscriber(delayed, "compensation")  # after rebooking: read as of the delay, MISSES still ended with NV101
    assert run_subscriber(chained, "compensation") == {"assessed": 2, "eligible": 2}
    misses = records()["MISSES-1"]
    assert (misses.regime, misses.case, misses.band) == ("EU261", "missed_connection", "long")
    assert misses.reason_code == "CREW"
    assert (misses.arrival_delay_minutes, misses.status, misses.amount) == (480, "eligible", Decimal("600.00"))
    assert misses.flight_id == flight("1").id, "the record names the disrupted flight"
    assert _summary()["SHORTS"] == ("EU261", "delayed", "not_eligible", Decimal("0.00"), "EUR")


def test_a_short_rerouting_delay_is_not_eligible(network: None) -> None:
    chained = reaccommodated(delay_flight(flight=flight("1"), delay_minutes=90, reason="TECH"))
    run_subscriber(chained, "compensation")
    misses = records()["MISSES-1"]
    assert (misses.case, misses.arrival_delay_minutes, misses.status) == ("missed_connection", 150, "not_eligible")
    assert misses.reason == "rerouted after a missed connection, arrived 150 min late (< 180)"


def test_an_unprotected_missed_connection_is_owed_the_full_amount(network: None) -> None:
    fill("103", "100", "102")
    delayed = delay_flight(flight=flight("1"), delay_minutes=90, reason="TECH")
    chained = reaccommodated(delayed)
    assert run_subscriber(delayed, "compensation") == {"assessed": 3, "eligible": 0}, (
        "MISSES's NV101 is cancelled now, but as of the delay its journey did not end with NV1"
    )
    run_subscriber(chained, "compensation")
    misses = records()["MISSES-1"]
    assert (misses.case, misses.status, misses.amount, misses.arrival_delay_minutes) == (
        "missed_connection_unprotected", "eligible", Decimal("600.00"), None,
    )  # fmt: skip
    assert misses.reason == "long-haul, missed connection and not rerouted: EUR 600.00 (EU261 Art. 7(1)(c); Sturgeon)"


def test_a_rerouted_cancellation_is_assessed_under_uk261_on_the_new_arrival(tmp_path: Path) -> None:
    transatlantic(tmp_path, 3)  # NV100 LHR→JFK cancelled, NV102 arrives 240 minutes later
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    assert {
        (e.regime, e.case, e.arrival_delay_minutes, e.status, e.amount, e.currency) for e in Entitlement.objects.all()
    } == {("UK261", "cancelled", 240, "eligible", Decimal("260.00"), "GBP")}, (
        "long haul rerouted, arriving no more than 240 minutes late: half"
    )


def _queries(event: Event) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert handle(event, "compensation")["assessed"] > 0
    return len(queries)


def test_the_query_counts_do_not_grow_with_passengers(tmp_path: Path) -> None:
    counts = []
    for passengers in (10, 300):
        transatlantic(tmp_path, passengers)
        delayed = _queries(delay_flight(flight=flight("100"), delay_minutes=300, reason="TECH"))
        chained = _queries(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")))
        counts.append((delayed, chained))
    assert counts[0] == counts[1]


def test_a_redelivered_event_changes_nothing(network: None) -> None:
    event = delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    run_subscriber(event, "compensation")
    before = list(Entitlement.objects.order_by("id").values_list("id", "status", "amount", "reason", "event"))
    assert handle(event, "compensation") == {"assessed": 3, "eligible": 3}
    after = list(Entitlement.objects.order_by("id").values_list("id", "status", "amount", "reason", "event"))
    assert after == before
