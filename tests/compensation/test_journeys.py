"""Once per passenger per journey: a journey disrupted twice has one record, measured against the ticketed arrival,
updated by the later disruption (its case, reason and delay), still naming the first disrupted flight; paid stays
paid."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compensation.models import Entitlement
from compensation.services import mark_paid
from flights.services import cancel_flight, delay_flight
from tests.support.flows import run_subscriber

from .support import flight, hub, reaccommodated, records, transatlantic

pytestmark = pytest.mark.django_db


def _fields(ref: str) -> tuple[object, ...]:
    e = records()[ref]
    return (e.flight.number, e.regime, e.case, e.arrival_delay_minutes, e.status, e.amount, e.currency, e.reason)


def _rebooked_after_a_misconnect(tmp_path: Path) -> None:
    """NV1 delayed 90 minutes: MISSES misses NV101 and is rebooked on NV103, arriving 150 minutes after its
    ticketed 06:00 (not eligible)."""
    hub(tmp_path)
    delayed = delay_flight(flight=flight("1"), delay_minutes=90, reason="TECH")
    run_subscriber(delayed, "compensation")
    run_subscriber(reaccommodated(delayed), "compensation")
    assert _fields("MISSES-1")[:5] == ("1", "EU261", "missed_connection", 150, "not_eligible")


def test_a_misconnect_then_a_delay_of_the_new_onward_flight(tmp_path: Path) -> None:
    _rebooked_after_a_misconnect(tmp_path)
    event = delay_flight(flight=flight("103"), delay_minutes=60, reason="CREW")  # arrives 09:30
    assert run_subscriber(event, "compensation") == {"assessed": 2, "eligible": 2}
    assert Entitlement.objects.filter(passenger__booking__locator="MISSES").count() == 2, "one per passenger"
    assert _fields("MISSES-1") == (
        "1", "EU261", "delayed", 210, "eligible", Decimal("300.00"), "EUR",
        "long-haul, arrived 210 min late: 50%, EUR 300.00 (EU261 Art. 7(2)(c))",
    ), "NV103 is only 60 minutes late, the journey 210 against NV101's ticketed arrival"  # fmt: skip
    misses = records()["MISSES-1"]
    assert (misses.reason_code, misses.event_id) == ("CREW", event.id), "the latest disruption's"


def test_a_later_event_about_the_first_flight_does_not_undo_the_later_disruption(tmp_path: Path) -> None:
    _rebooked_after_a_misconnect(tmp_path)
    later = delay_flight(flight=flight("103"), delay_minutes=60, reason="CREW")
    first = delay_flight(flight=flight("1"), delay_minutes=90, reason="TECH")  # NV1's delay said again
    run_subscriber(later, "compensation")
    run_subscriber(first, "compensation")
    assert _fields("MISSES-1")[2:6] == ("delayed", 210, "eligible", Decimal("300.00")), (
        "MISSES no longer flies NV1 after NV101: NV1's new event does not touch its journey"
    )


def test_a_paid_journey_stays_paid_whatever_disrupts_it_later(tmp_path: Path) -> None:
    _rebooked_after_a_misconnect(tmp_path)
    run_subscriber(delay_flight(flight=flight("103"), delay_minutes=60, reason="CREW"), "compensation")
    assert len(mark_paid(list(Entitlement.objects.filter(status="eligible").values_list("id", flat=True)), by="c")) == 2
    run_subscriber(delay_flight(flight=flight("103"), delay_minutes=300, reason="TECH"), "compensation")
    assert _fields("MISSES-1")[2:7] == ("delayed", 210, "paid", Decimal("300.00"), "EUR")


def test_a_cancellation_then_a_delay_of_the_rebooked_flight(tmp_path: Path) -> None:
    transatlantic(tmp_path, 2)
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    assert _fields("C00000-1")[:7] == ("100", "UK261", "cancelled", 240, "eligible", Decimal("260.00"), "GBP")
    event = delay_flight(flight=flight("102"), delay_minutes=45, reason="TECH")  # arrives 22:45
    assert run_subscriber(event, "compensation") == {"assessed": 2, "eligible": 2}
    assert Entitlement.objects.count() == 2
    assert _fields("C00000-1") == (
        "100", "UK261", "delayed", 285, "eligible", Decimal("520.00"), "GBP",
        "long-haul, arrived 285 min late: GBP 520.00 (UK261 Art. 7(1)(c))",
    ), "measured against NV100's ticketed 18:00, not NV102's 22:00"  # fmt: skip


def test_a_delay_of_the_rebooked_flight_after_payment_changes_nothing(tmp_path: Path) -> None:
    transatlantic(tmp_path, 2)
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    paid = mark_paid([Entitlement.objects.get(passenger__ref="C00000-1").id], by="claims")
    assert len(paid) == 1
    run_subscriber(delay_flight(flight=flight("102"), delay_minutes=45, reason="TECH"), "compensation")
    assert _fields("C00000-1")[2:7] == ("cancelled", 240, "paid", Decimal("260.00"), "GBP")
    assert _fields("C00001-1")[2:7] == ("delayed", 285, "eligible", Decimal("520.00"), "GBP")


def test_an_earlier_event_delivered_late_never_overwrites_a_later_one(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1)
    chained = reaccommodated(cancel_flight(flight=flight("100"), reason="TECH"))
    run_subscriber(delay_flight(flight=flight("102"), delay_minutes=45, reason="TECH"), "compensation")
    run_subscriber(chained, "compensation")  # the reaccommodation's delivery ran late
    assert _fields("C00000-1")[1:6] == ("UK261", "delayed", 285, "eligible", Decimal("520.00")), (
        "the older reaccommodation is not applied over the later delay"
    )


def test_a_rebooked_journey_rebooked_again_is_measured_against_the_ticketed_arrival(tmp_path: Path) -> None:
    _rebooked_after_a_misconnect(tmp_path)
    chained = reaccommodated(cancel_flight(flight=flight("103"), reason="TECH"))  # on to NV100, arriving 14:00
    assert run_subscriber(chained, "compensation") == {"assessed": 2, "eligible": 2}
    assert _fields("MISSES-1") == (
        "1", "EU261", "cancelled", 480, "eligible", Decimal("600.00"), "EUR",
        "long-haul, rerouted after a cancellation, arrived 480 min late: EUR 600.00 (EU261 Art. 7(1)(c))",
    ), "480 minutes after NV101's ticketed 06:00 (330 after NV103's 08:30)"  # fmt: skip


def test_the_journeys_regime_stays_that_of_its_first_disrupted_flight(tmp_path: Path) -> None:
    hub(tmp_path)
    run_subscriber(delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH"), "compensation")  # off 23:20
    assert _fields("LONGER-1")[:3] == ("1", "EU261", "delayed"), "NV50 has no regime, NV1 has EU261"
    chained = reaccommodated(delay_flight(flight=flight("50"), delay_minutes=300, reason="TECH"))  # lands 00:00
    assert [p["locator"] for p in chained.payload["parties"]] == ["LONGER"]
    run_subscriber(chained, "compensation")
    assert _fields("LONGER-1")[:7] == (
        "1", "EU261", "missed_connection_unprotected", None, "eligible", Decimal("600.00"), "EUR",
    ), "missing NV1 after NV50's delay: still the journey's EU261, though NV50 has no regime"  # fmt: skip
