"""Events handled out of order, as retries make routine: the events are published first and their deliveries
run afterwards, oldest or newest first; the records end as they do when each flow runs before the next event.

Only rebooking and compensation run here (the other subscribers do not touch the records).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compensation.models import Entitlement
from events.models import Delivery, Event
from events.runner import run_delivery
from events.types import EventType
from flights.services import cancel_flight, delay_flight

from .support import flight, records, transatlantic

pytestmark = pytest.mark.django_db

RUNS = ("rebooking", "compensation")


def _pending(events: list[Event]) -> list[Delivery]:
    roots = {event.root_id for event in events}
    return list(Delivery.objects.filter(event__root__in=roots, subscriber__in=RUNS, status="pending").order_by("id"))


def _run(events: list[Event], *, newest_first: bool = False) -> dict[str, dict]:
    """Run the flows' deliveries one at a time, the oldest pending first or the newest (chained events' too);
    return each event type's compensation results."""
    results: dict[str, dict] = {}
    while pending := _pending(events):
        delivery = pending[-1] if newest_first else pending[0]
        assert run_delivery(delivery.id) == "done"
        delivery.refresh_from_db()
        if delivery.subscriber == "compensation":
            results[delivery.event.type] = delivery.result
    return results


def _fields(ref: str) -> tuple[object, ...]:
    e = records()[ref]
    return (e.case, e.arrival_delay_minutes, e.status, e.amount, e.currency, e.event.type)


_CANCELLED = ("cancelled", 240, "eligible", Decimal("260.00"), "GBP", EventType.PASSENGER_REACCOMMODATED)
"""NV100's passengers' records once its cancellation's reaccommodation (onto NV102) is assessed."""


@pytest.mark.parametrize(
    "newest_first",
    [pytest.param(False, id="before-the-reaccommodation"), pytest.param(True, id="after-the-reaccommodation")],
)
def test_a_delay_handled_after_the_cancellation_that_followed_it_changes_nothing(
    tmp_path: Path, newest_first: bool
) -> None:
    transatlantic(tmp_path, 1, size=2)
    delayed = delay_flight(flight=flight("100"), delay_minutes=300, reason="TECH")  # would be owed GBP 520
    cancelled = cancel_flight(flight=flight("100"), reason="TECH")  # rebooked on NV102: 240 minutes late
    results = _run([delayed, cancelled], newest_first=newest_first)
    assert results[EventType.FLIGHT_DELAYED] == {"assessed": 0, "eligible": 0}, "the delay came second"
    assert Entitlement.objects.count() == 2, "one record per passenger"
    for ref in ("C00000-1", "C00000-2"):
        assert _fields(ref) == _CANCELLED, ref
    assert Event.objects.filter(type=EventType.COMPENSATION_ASSESSED).count() == 1, "no word of the stale delay"


def test_handled_as_they_happened_the_same_events_end_in_the_same_records(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1, size=2)
    delayed = delay_flight(flight=flight("100"), delay_minutes=300, reason="TECH")
    assert _run([delayed]) == {EventType.FLIGHT_DELAYED: {"assessed": 2, "eligible": 2}}
    assert _fields("C00000-1")[:4] == ("delayed", 300, "eligible", Decimal("520.00"))
    _run([cancel_flight(flight=flight("100"), reason="TECH")])
    assert Entitlement.objects.count() == 2
    for ref in ("C00000-1", "C00000-2"):
        assert _fields(ref) == _CANCELLED, ref
    assert Event.objects.filter(type=EventType.COMPENSATION_ASSESSED).count() == 2


def test_an_earlier_delay_handled_after_a_later_one_is_not_assessed_again(tmp_path: Path) -> None:
    transatlantic(tmp_path, 1, size=2)
    first = delay_flight(flight=flight("100"), delay_minutes=300, reason="TECH")
    revised = delay_flight(flight=flight("100"), delay_minutes=200, reason="CREW")  # lands 21:20
    results = _run([first, revised], newest_first=True)
    assert results == {EventType.FLIGHT_DELAYED: {"assessed": 0, "eligible": 0}}, "the first delay, handled last"
    assert Entitlement.objects.count() == 2
    for ref in ("C00000-1", "C00000-2"):
        record = records()[ref]
        assert (record.case, record.arrival_delay_minutes, record.amount, record.reason_code, record.event_id) == (
            "delayed",
            200,
            Decimal("260.00"),
            "CREW",
            revised.id,
        ), "the revised delay's record stands"
    assert Event.objects.filter(type=EventType.COMPENSATION_ASSESSED).count() == 1, "assessed once, announced once"
