"""``compensation`` duties (POLICY.md "Duties", ADR 8): owed by the observer when a journey's compensation is
eligible under the disruption, with the rulebook alone; met by the compensation subscriber's own
``compensation.assessed``; open, then overdue 7 days after the event, when that subscriber never runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from events.models import Delivery, Event
from events.runner import run_delivery
from events.types import EventType
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from operations.models import Duty
from operations.services import review
from passengers.models import Booking
from rebooking.choices import refund
from scenarios.outcomes import build_outcomes
from tests.compensation.support import fill, flight
from tests.support.flows import handle, run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def network(tmp_path: Path) -> None:
    """NV1 CDG→LHR 20:00–21:00 (EU261, short haul), flown by SHORTS alone. NV100 LHR→JFK 10:00–18:00 (UK261: it
    departs GB; long haul), flown by LONGHL (two passengers); NV101 arrives 60 minutes after it, NV102 240. ONWARD
    flies NV1 and NV103 to JFK the next morning (it still connects after NV1's delays here). NV50 JFK→CDG (no
    regime: NV is no Community carrier) is NOLAWS' whole journey."""
    load_network(
        [
            scenario_flight("1", "CDG", "LHR", "20:00", "21:00"),
            scenario_flight("100", "LHR", "JFK", "10:00", "18:00"),
            scenario_flight("101", "LHR", "JFK", "11:00", "19:00"),
            scenario_flight("102", "LHR", "JFK", "14:00", "22:00"),
            scenario_flight("103", "LHR", "JFK", "10:00", "18:00", date="2026-11-26"),
            scenario_flight("50", "JFK", "CDG", "09:00", "17:00"),
        ],
        [
            scenario_booking("SHORTS", [("1", "Y")]),
            scenario_booking("LONGHL", [("100", "Y")], size=2),
            scenario_booking("ONWARD", [("1", "Y"), ("103", "Y", "2026-11-26")]),
            scenario_booking("NOLAWS", [("50", "Y")]),
        ],
        tmp_path,
    )


def _compensation(root: Event) -> dict[str, str]:
    """Passenger ref → status of their compensation duty under ``root``."""
    return dict(Duty.objects.filter(root=root, kind="compensation").values_list("passenger__ref", "status"))


def _run_without(root: Event, subscriber: str) -> None:
    """Run the flow of ``root`` except ``subscriber``'s deliveries (no worker on its queue)."""
    while pending := list(
        Delivery.objects.filter(event__root=root, status="pending")
        .exclude(subscriber=subscriber)
        .values_list("id", flat=True)
    ):
        for delivery_id in pending:
            assert run_delivery(delivery_id) == "done"


@pytest.mark.parametrize(("delay", "owed"), [(179, False), (180, True)])
def test_a_delay_owes_compensation_from_180_minutes_late_at_the_final_destination(delay: int, owed: bool) -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=delay, reason="TECH")
    handle(root, "duties")
    assert _compensation(root) == ({"SHORTS-1": "open"} if owed else {})


def test_an_extraordinary_circumstance_owes_no_compensation() -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=300, reason="WX")
    run_flow(root)
    assert _compensation(root) == {}
    assert Duty.objects.filter(root=root, kind="meal").exists(), "care does not depend on the reason"


def test_a_journey_under_no_regime_owes_no_compensation() -> None:
    root = delay_flight(flight=flight("50"), delay_minutes=300, reason="TECH")
    run_flow(root)
    assert not Duty.objects.filter(root=root).exists()


def test_a_uk261_journey_is_owed_compensation_and_the_compensation_subscriber_meets_it() -> None:
    root = delay_flight(flight=flight("100"), delay_minutes=180, reason="TECH")
    run_flow(root)
    assert _compensation(root) == {"LONGHL-1": "met", "LONGHL-2": "met"}
    (assessed,) = Event.objects.filter(root=root, type=EventType.COMPENSATION_ASSESSED)
    assert assessed.payload["passenger_ids"] == sorted(
        Booking.objects.get(locator="LONGHL").passengers.values_list("id", flat=True)
    )
    met = Duty.objects.filter(root=root, kind="compensation")
    assert set(met.values_list("met_by", flat=True)) == {assessed.id}
    assert set(met.values_list("due", flat=True)) == {root.occurred_at + WEEK}


@pytest.mark.parametrize(("full", "owed"), [((), {}), (("101",), {"LONGHL-1": "met", "LONGHL-2": "met"})])
def test_a_cancellation_owes_compensation_on_the_rebooked_arrival(full: tuple[str, ...], owed: dict) -> None:
    """Rerouted after a cancellation: owed from 120 minutes late (NV101: 60, not owed; NV102: 240, owed)."""
    fill(*full)
    root = cancel_flight(flight=flight("100"), reason="TECH")
    run_flow(root)
    assert _compensation(root) == owed


def test_a_short_delay_of_a_rebooked_journey_owes_compensation_against_the_ticketed_arrival() -> None:
    """LONGHL, rebooked from the cancelled NV100 onto NV102 (ticketed 18:00, now 22:00): a delay of NV102 by 30
    minutes lands it 270 minutes after its ticketed arrival, though NV102 itself is only 30 minutes late."""
    fill("101")
    run_flow(cancel_flight(flight=flight("100"), reason="TECH"))
    root = delay_flight(flight=flight("102"), delay_minutes=30, reason="TECH")
    handle(root, "duties")
    assert _compensation(root) == {"LONGHL-1": "open", "LONGHL-2": "open"}


def test_a_refund_after_a_cancellation_owes_compensation() -> None:
    root = cancel_flight(flight=flight("100"), reason="TECH")
    run_flow(root)
    assert _compensation(root) == {}, "rerouted on NV101, 60 minutes late"
    refund(booking_id=Booking.objects.get(locator="LONGHL").id, by="controller")
    _run_without(root, "compensation")
    assert _compensation(root) == {"LONGHL-1": "open", "LONGHL-2": "open"}, "cancelled and not rerouted"
    run_flow(root)
    assert _compensation(root) == {"LONGHL-1": "met", "LONGHL-2": "met"}


def test_a_refund_after_a_delay_owes_no_compensation() -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=300, reason="TECH")
    run_flow(root)
    assert _compensation(root) == {"SHORTS-1": "met"}, "ONWARD still connects: its arrival has not changed"
    refund(booking_id=Booking.objects.get(locator="ONWARD").id, by="controller")
    run_flow(root)
    assert _compensation(root) == {"SHORTS-1": "met"}, "a refund after a delay neither creates nor takes a right"


def test_without_the_compensation_subscriber_the_duty_stays_open_then_goes_overdue_after_7_days() -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    _run_without(root, "compensation")
    duty = Duty.objects.get(root=root, kind="compensation")
    assert (duty.passenger.ref, duty.status, duty.due) == ("SHORTS-1", "open", root.occurred_at + WEEK)
    review(now=root.occurred_at + WEEK - dt.timedelta(seconds=1))
    duty.refresh_from_db()
    assert duty.overdue_since is None, "not due yet"
    later = root.occurred_at + WEEK + dt.timedelta(minutes=1)
    review(now=later)
    duty.refresh_from_db()
    assert (duty.status, duty.overdue_since) == ("open", later)
    run_flow(root)  # the worker is back
    duty.refresh_from_db()
    assert duty.status == "met"


def test_a_redelivered_assessment_publishes_nothing_twice() -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    run_flow(root)
    assert handle(root, "compensation") == {"assessed": 1, "eligible": 1}
    assert Event.objects.filter(type=EventType.COMPENSATION_ASSESSED).count() == 1


def test_the_export_lists_compensation_duties() -> None:
    root = delay_flight(flight=flight("1"), delay_minutes=200, reason="TECH")
    run_flow(root)
    duties = [d for d in build_outcomes()["duties"] if d["kind"] == "compensation"]
    assert duties == [
        {
            "passenger": "SHORTS-1",
            "flight": str(Flight.objects.get(number="1").ref),
            "kind": "compensation",
            "status": "met",
            "due": (root.occurred_at + WEEK).isoformat(),
        }
    ]
