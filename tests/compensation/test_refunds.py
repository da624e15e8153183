"""A refunded passenger never travels on: after a cancellation their journey is reassessed as cancelled and not
rerouted; after a delay the refund neither creates a right nor takes one away (ADR 4)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compensation.models import Entitlement
from compensation.services import mark_paid
from flights.services import cancel_flight, delay_flight
from tests.support.flows import handle, run_subscriber

from .support import flight, hub, reaccommodated, records, refund, transatlantic

pytestmark = pytest.mark.django_db


def _fields(ref: str) -> tuple[object, ...]:
    e = records()[ref]
    return (e.flight.number, e.case, e.arrival_delay_minutes, e.status, e.amount, e.currency, e.reason)


def test_a_refund_after_a_cancellation_is_owed_the_full_amount(tmp_path: Path) -> None:
    transatlantic(tmp_path, 2)  # rerouted on NV102, 240 minutes late: half
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    event = refund("C00000", flight("100"))
    assert run_subscriber(event, "compensation") == {"assessed": 1, "eligible": 1}
    assert _fields("C00000-1") == (
        "100", "cancelled_refunded", None, "eligible", Decimal("520.00"), "GBP",
        "long-haul, cancelled and refunded instead of rerouted: GBP 520.00 (UK261 Art. 5(1)(c), 7(1)(c), 8(1)(a))",
    )  # fmt: skip
    assert records()["C00000-1"].event_id == event.id
    assert _fields("C00001-1")[1:5] == ("cancelled", 240, "eligible", Decimal("260.00")), "not refunded"
    assert Entitlement.objects.count() == 2


def test_a_refund_handled_before_the_reaccommodation_is_not_undone_by_it(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1)
    chained = reaccommodated(cancel_flight(flight=flight("100"), reason="TECH"))
    run_subscriber(refund("C00000", flight("100")), "compensation")
    run_subscriber(chained, "compensation")  # an earlier event, delivered late
    assert _fields("C00000-1")[1:5] == ("cancelled_refunded", None, "eligible", Decimal("520.00"))


def test_a_refund_after_an_extraordinary_cancellation_owes_nothing(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1)
    cancel_flight(flight=flight("100"), reason="STRIKE-EXT")
    run_subscriber(refund("C00000", flight("100")), "compensation")
    assert _fields("C00000-1")[1:6] == ("cancelled_refunded", None, "not_eligible", Decimal("0.00"), "GBP")


def test_a_paid_journey_stays_paid_after_a_refund(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1)
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    assert len(mark_paid(list(Entitlement.objects.values_list("id", flat=True)), by="claims")) == 1
    assert run_subscriber(refund("C00000", flight("100")), "compensation") == {"assessed": 0, "eligible": 0}
    assert _fields("C00000-1")[1:5] == ("cancelled", 240, "paid", Decimal("260.00"))


def test_a_refund_after_a_delay_leaves_the_journey_as_the_delay_did(tmp_path: Path) -> None:
    hub(tmp_path)
    delayed = delay_flight(flight=flight("1"), delay_minutes=300, reason="TECH")  # ONWARD still connects
    run_subscriber(delayed, "compensation")
    before = _fields("SHORTS-1")
    assert before[1:5] == ("delayed", 300, "eligible", Decimal("250.00"))
    for locator in ("SHORTS", "ONWARD"):
        assert run_subscriber(refund(locator, flight("1")), "compensation") == {"assessed": 0, "eligible": 0}
    assert _fields("SHORTS-1") == before, "the refund takes no right away"
    assert not Entitlement.objects.filter(passenger__booking__locator="ONWARD").exists(), (
        "ONWARD's arrival was not late: the refund creates no right the delay did not"
    )


def test_a_redelivered_refund_changes_nothing(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1)
    cancel_flight(flight=flight("100"), reason="TECH")
    event = refund("C00000", flight("100"))
    run_subscriber(event, "compensation")
    before = list(Entitlement.objects.values_list("id", "case", "status", "amount", "reason", "event"))
    assert handle(event, "compensation") == {"assessed": 1, "eligible": 1}
    assert list(Entitlement.objects.values_list("id", "case", "status", "amount", "reason", "event")) == before


def test_the_query_count_of_a_refund_does_not_grow_with_passengers(tmp_path: Path) -> None:
    counts = []
    for size in (2, 40):
        transatlantic(tmp_path, 1, size=size)
        cancel_flight(flight=flight("100"), reason="TECH")
        event = refund("C00000", flight("100"))
        with CaptureQueriesContext(connection) as queries:
            assert handle(event, "compensation") == {"assessed": size, "eligible": size}
        counts.append(len(queries))
    assert counts[0] == counts[1]
