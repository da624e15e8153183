"""Rebooking wired to the database: who is stranded, the plan applied to bookings and seats, idempotency."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from passengers.models import Segment
from rebooking import inventory, services
from rebooking.choices import decide
from rebooking.manual import alternatives, choose_itinerary
from rebooking.models import Reaccommodation
from rebooking.refusals import DecisionError, Refusal
from rebooking.selectors import refund_refused
from tests.support.flows import handle
from tests.support.scenarios import DAY
from tests.support.scenarios import load_network as _load
from tests.support.scenarios import scenario_booking as _booking
from tests.support.scenarios import scenario_flight as _flight

pytestmark = pytest.mark.django_db


def _get(number: str) -> Flight:
    return Flight.objects.get(carrier_id="NV", number=number)


def _handle(event: Event) -> dict[str, Any]:
    delivery = event.deliveries.get(subscriber="rebooking")
    assert run_delivery(delivery.id) == "done", delivery.last_error
    delivery.refresh_from_db()
    return delivery.result


def _case(locator: str) -> Reaccommodation:
    return Reaccommodation.objects.get(booking__locator=locator)


def _refund_refusal(locator: str) -> Refusal | None:
    """Why the booking may not choose a refund now (None: it may)."""
    refused = refund_refused(_case(locator).booking_id)
    return None if refused is None else refused.reason


@pytest.fixture
def hub(tmp_path) -> None:
    """NV100 LHR→JFK is the flight to disrupt; NV102 (J 1, Y 2 free) and NV104 (full) are the alternatives."""
    _load(
        [
            _flight("1", "CDG", "LHR", "07:00", "08:00"),
            _flight("100", "LHR", "JFK", "10:00", "18:00", J=2, Y=6),
            _flight("102", "LHR", "JFK", "14:00", "22:00", J=1, Y=3),
            _flight("104", "LHR", "JFK", "16:00", "23:50", Y=1),
        ],
        [
            _booking("AAAAAA", [("100", "Y")]),
            _booking("BBBBBB", [("100", "Y")], assistance=["WCHR"]),
            _booking("CCCCCC", [("100", "Y")], size=2, tier="gold"),
            _booking(
                "FILLER",
                [
                    ("102", "Y"),
                ],
                size=1,
            ),
            _booking("FULLUP", [("104", "Y")]),
            _booking("CONNEX", [("1", "Y"), ("100", "J")]),
        ],
        tmp_path,
    )


def test_a_cancellation_rebooks_in_priority_order_under_seat_limits(hub) -> None:
    result = _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    assert result["parties"] == 4 and result["passengers"] == 5 and result["optimal"]
    # Seats on NV102: J 1 + Y 2 free. Class 1 (assistance) first, then class 2 (CONNEX in J), then gold.
    assert _case("BBBBBB").status == "rebooked"
    assert _case("CONNEX").status == "rebooked"
    assert [leg["flight"] for leg in _case("CONNEX").new] == [f"NV1/{DAY}", f"NV102/{DAY}"]
    assert _case("CONNEX").new[-1]["cabin"] == "J"
    assert _case("CCCCCC").status == "unprotected", "2 gold passengers cannot fit in the 1 seat left"
    assert _case("AAAAAA").status == "rebooked"
    nv102 = _get("102")
    assert (nv102.booked_j, nv102.booked_y) == (1, 3)
    assert _get("100").booked_y == 0 and _get("100").booked_j == 0, "seats of the replaced segments released"
    a = _case("AAAAAA")
    assert a.arrival_delay_minutes == 240 and _refund_refusal("AAAAAA") is None
    assert list(
        Segment.objects.filter(booking__locator="AAAAAA", status="active").values_list("flight__number", flat=True)
    ) == ["102"]


def test_the_reaccommodation_is_published_as_a_chained_event(hub) -> None:
    disruption = cancel_flight(flight=_get("100"), reason="TECH")
    _handle(disruption)
    chained = Event.objects.get(type="passenger.reaccommodated")
    assert (chained.caused_by_id, chained.root_id) == (disruption.id, disruption.id)
    parties = {p["locator"]: p for p in chained.payload["parties"]}
    assert parties["AAAAAA"]["added"] == [{"flight_id": _get("102").id, "flight": f"NV102/{DAY}", "cabin": "Y"}]
    assert parties["AAAAAA"]["removed"] == [{"flight_id": _get("100").id, "flight": f"NV100/{DAY}", "cabin": "Y"}]
    assert parties["CCCCCC"]["status"] == "unprotected" and parties["CCCCCC"]["added"] == []


def test_a_delay_reaccommodates_only_the_misconnects(hub) -> None:
    # NV1 lands 08:00; +90 min → 09:30, + MCT 45 at LHR = 10:15 > NV100's 10:00: CONNEX misconnects.
    result = _handle(delay_flight(flight=_get("1"), delay_minutes=90, reason="TECH"))
    assert (result["parties"], result["rebooked"]) == (1, 1)
    case = _case("CONNEX")
    assert (case.cause, case.disruption_airport_id) == ("misconnect", "LHR")
    assert [leg["flight"] for leg in case.new] == [f"NV1/{DAY}", f"NV102/{DAY}"]
    assert _refund_refusal("CONNEX") == "delay_under_300_minutes", "a 90-minute delay gives no right to a refund"


def test_a_delay_that_still_connects_strands_nobody(hub) -> None:
    # 08:00 + 75 + 45 = 10:00: exactly the minimum connection time, still made.
    assert _handle(delay_flight(flight=_get("1"), delay_minutes=75))["parties"] == 0
    assert not Reaccommodation.objects.exists()


def test_a_redelivered_event_changes_nothing(hub) -> None:
    event = cancel_flight(flight=_get("100"), reason="TECH")
    _handle(event)
    before = (
        list(Segment.objects.values_list("id", "status")),
        list(Flight.objects.values_list("booked_j", "booked_y")),
    )
    assert handle(event, "rebooking") == {"already_handled": True}
    after = (
        list(Segment.objects.values_list("id", "status")),
        list(Flight.objects.values_list("booked_j", "booked_y")),
    )
    assert before == after
    assert Reaccommodation.objects.count() == 4
    assert Event.objects.filter(type="passenger.reaccommodated").count() == 1


def _queries_to_cancel(tmp_path, passengers: int) -> int:
    _load(
        [_flight("200", "LHR", "JFK", "10:00", "18:00", Y=400), _flight("202", "LHR", "JFK", "12:00", "20:00", Y=400)],
        [_booking(f"Q{n:05d}", [("200", "Y")]) for n in range(passengers)],
        tmp_path,
    )
    event = cancel_flight(flight=_get("200"))
    with CaptureQueriesContext(connection) as queries:
        handle(event, "rebooking")
    assert Reaccommodation.objects.filter(status="rebooked").count() == passengers
    return len(queries)


def test_the_query_count_does_not_grow_with_passengers(tmp_path) -> None:
    small = _queries_to_cancel(tmp_path, 10)
    large = _queries_to_cancel(tmp_path, 300)
    assert small == large


def test_passenger_choices_and_refund_release_seats(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = _case("AAAAAA")
    assert decide(case, choice="accept").status == "accepted"
    with pytest.raises(DecisionError):
        decide(case, choice="accept")
    assert decide(case, choice="refund").status == "refunded"
    assert _get("102").booked_y == 2, "the refunded passenger's seat on NV102 is free again"
    assert not Segment.objects.filter(booking__locator="AAAAAA", status="active").exists()


def test_no_refund_after_a_short_delay(hub) -> None:
    _handle(delay_flight(flight=_get("1"), delay_minutes=90))
    with pytest.raises(DecisionError, match="300 minutes"):
        decide(_case("CONNEX"), choice="refund")
    assert _case("CONNEX").status == "rebooked"


def test_an_operator_moves_an_unprotected_party_onto_a_valid_itinerary(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = _case("CCCCCC")
    Flight.objects.filter(number="104").update(seats_y=3)  # the airline adds seats to NV104
    _, candidates = alternatives(case)
    assert [c.flights[0].designator for c in candidates] == [f"NV104/{DAY}"]
    with pytest.raises(DecisionError, match="not valid"):
        choose_itinerary(case, flight_ids=[_get("102").id], cabins=["Y"], by="ops")
    choose_itinerary(case, flight_ids=[_get("104").id], cabins=["Y"], by="ops")
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.arrival_delay_minutes) == ("rebooked", "ops", 350)
    assert _get("104").booked_y == 3
    told = Event.objects.get(type="passenger.reaccommodated", caused_by=case.event, payload__optimal=False)
    (party,) = told.payload["parties"]
    leg = {"flight_id": _get("104").id, "flight": f"NV104/{DAY}", "cabin": "Y"}
    assert (party["locator"], party["status"], party["added"], party["removed"]) == ("CCCCCC", "rebooked", [leg], [])
    assert sorted(told.deliveries.values_list("subscriber", flat=True)) == [
        "compensation",
        "duties",
        "lodging",
        "notifications",
        "partners",
    ]  # fmt: skip  (the passengers hear of it; partners, hotels and compensation follow; duties are met)


def test_an_operator_moving_a_rebooked_party_releases_its_flight_and_says_so(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = _case("AAAAAA")
    held = case.new[-1]["flight_id"]
    Flight.objects.filter(number="104").update(seats_y=3)
    other = _get("104") if held == _get("102").id else _get("102")
    choose_itinerary(case, flight_ids=[other.id], cabins=["Y"], by="ops")
    told = Event.objects.get(type="passenger.reaccommodated", caused_by=case.event, payload__optimal=False)
    (party,) = told.payload["parties"]
    assert [leg["flight_id"] for leg in party["removed"]] == [held]
    assert [leg["flight_id"] for leg in party["added"]] == [other.id]


def test_a_journey_changed_while_the_plan_was_made_changes_nothing_and_is_retried(hub, monkeypatch) -> None:
    event = cancel_flight(flight=_get("100"), reason="TECH")
    real_plan = services.reaccommodate

    def plan_then_a_refund(*args: Any, **kwargs: Any) -> Any:
        plan = real_plan(*args, **kwargs)
        Segment.objects.filter(booking__locator="AAAAAA", status="active").update(status="cancelled")
        return plan

    monkeypatch.setattr(services, "reaccommodate", plan_then_a_refund)
    with pytest.raises(inventory.JourneyChanged):
        handle(event, "rebooking")
    assert not Reaccommodation.objects.exists()
    assert (_get("100").booked_y, _get("102").booked_y) == (4, 1), "no seat released or held"
    monkeypatch.setattr(services, "reaccommodate", real_plan)
    assert handle(event, "rebooking")["parties"] == 3, "the retry plans without the refunded booking"
