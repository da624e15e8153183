"""Passengers' choices through the services: accept, decline and refund, each one event; the refund right of
every passenger of a flight cancelled or delayed 300 minutes where a regime applies, as the flight is now."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.models import Event
from events.types import EventType
from flights.services import cancel_flight, delay_flight
from passengers.models import Booking, Passenger, Segment
from rebooking import choices
from rebooking.choices import decide, refund
from rebooking.models import Reaccommodation
from rebooking.outcomes import reaccommodations_section
from rebooking.payloads import ReaccommodatedParty
from rebooking.refusals import DecisionError
from rebooking.selectors import RefundGround
from tests.rebooking import test_service
from tests.rebooking.test_service import DAY, _booking, _flight, _get, _handle, _load

pytestmark = pytest.mark.django_db
hub = test_service.hub  # NV1 CDG→LHR feeds NV100 LHR→JFK (disrupted below); NV102 and NV104 are alternatives


def _booking_id(locator: str) -> int:
    return Booking.objects.get(locator=locator).id


def _active(locator: str) -> list[str]:
    segments = Segment.objects.filter(booking__locator=locator, status="active").order_by("position")
    return [s.flight.number for s in segments.select_related("flight")]


def _choices() -> list[Event]:
    kinds = [EventType.ITINERARY_ACCEPTED, EventType.ITINERARY_DECLINED, EventType.PASSENGER_REFUNDED]
    return list(Event.objects.filter(type__in=kinds).order_by("occurred_at"))


def _leg(number: str, cabin: str) -> dict:
    return {"flight_id": _get(number).id, "flight": f"NV{number}/{DAY}", "cabin": cabin}


def test_accepting_and_declining_are_each_one_event_of_the_disruptions_flow(hub) -> None:
    disruption = cancel_flight(flight=_get("100"), reason="TECH")
    _handle(disruption)
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    decide(case, choice="accept")
    decide(case, choice="decline", by="ops")
    accepted, declined = _choices()
    assert (accepted.type, declined.type) == (EventType.ITINERARY_ACCEPTED, EventType.ITINERARY_DECLINED)
    (passenger,) = Passenger.objects.filter(booking__locator="AAAAAA").values_list("id", flat=True)
    assert accepted.payload == {
        "flight_id": _get("100").id,
        "flight": f"NV100/{DAY}",
        "case_id": case.id,
        "booking_id": case.booking_id,
        "locator": "AAAAAA",
        "passenger_ids": [passenger],
        "by": "passenger",
    }
    assert declined.payload["by"] == "ops"
    assert {(e.caused_by_id, e.root_id, e.flight_id) for e in (accepted, declined)} == {
        (disruption.id, disruption.id, _get("100").id)
    }


def test_a_refused_choice_changes_nothing_and_publishes_nothing(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = Reaccommodation.objects.get(booking__locator="CCCCCC")
    with pytest.raises(DecisionError) as refused:
        decide(case, choice="accept")
    assert refused.value.reason == "choice_not_open"
    case.refresh_from_db()
    assert (case.status, case.decided_at) == ("unprotected", None)
    assert _choices() == []


def test_refunding_a_rebooked_case_releases_the_new_itinerary_and_is_one_event(hub) -> None:
    disruption = cancel_flight(flight=_get("100"), reason="TECH")
    _handle(disruption)
    assert _active("AAAAAA") == ["102"] and _get("102").booked_y == 3
    case = refund(booking_id=_booking_id("AAAAAA"), by="ops")
    assert (case.status, case.cause, case.decided_by) == ("refunded", "cancelled", "ops")
    assert _active("AAAAAA") == []
    assert _get("102").booked_y == 2
    (refunded,) = _choices()
    assert refunded.type == EventType.PASSENGER_REFUNDED
    assert (refunded.caused_by_id, refunded.payload["case_id"]) == (disruption.id, case.id)
    assert refunded.payload["released"] == [_leg("102", "Y")]


@pytest.mark.parametrize(("minutes", "allowed"), [(300, True), (299, False)])
def test_every_passenger_of_a_flight_delayed_300_minutes_may_choose_a_refund(hub, minutes, allowed) -> None:
    delay = delay_flight(flight=_get("100"), delay_minutes=minutes, reason="TECH")
    assert _handle(delay)["parties"] == 0, "nobody misconnects: NV100 ends every journey on it"
    if not allowed:
        with pytest.raises(DecisionError, match="300 minutes") as refused:
            refund(booking_id=_booking_id("AAAAAA"))
        assert refused.value.reason == "delay_under_300_minutes"
        assert (_active("AAAAAA"), _get("100").booked_y, _choices()) == (["100"], 4, [])
        assert not Reaccommodation.objects.exists()
        return
    case = refund(booking_id=_booking_id("AAAAAA"))
    assert (case.status, case.cause, case.event_id, case.decided_by) == ("refunded", "refund", delay.id, "passenger")
    assert (case.disrupted_flight_id, case.old, case.new) == (_get("100").id, [_leg("100", "Y")], [])
    assert _active("AAAAAA") == [] and _get("100").booked_y == 3
    (refunded,) = _choices()
    assert (refunded.caused_by_id, refunded.payload["released"]) == (delay.id, [_leg("100", "Y")])
    (row,) = reaccommodations_section()
    assert (row["locator"], row["status"], row["old"], row["new"]) == ("AAAAAA", "refunded", [f"NV100/{DAY}"], [])


def test_a_later_delay_that_reaches_300_minutes_opens_the_refund(hub) -> None:
    _handle(delay_flight(flight=_get("100"), delay_minutes=200, reason="TECH"))
    with pytest.raises(DecisionError):
        refund(booking_id=_booking_id("BBBBBB"))
    later = delay_flight(flight=_get("100"), delay_minutes=300, reason="TECH")
    case = refund(booking_id=_booking_id("BBBBBB"))
    assert case.event_id == later.id, "recorded on the latest disruption of the flight"
    assert _choices()[0].caused_by_id == later.id


def test_a_misconnects_refund_follows_its_flight_as_it_is_now(hub) -> None:
    first = delay_flight(flight=_get("1"), delay_minutes=90, reason="TECH")
    _handle(first)
    assert _active("CONNEX") == ["1", "102"]
    with pytest.raises(DecisionError):
        refund(booking_id=_booking_id("CONNEX"))
    _handle(delay_flight(flight=_get("1"), delay_minutes=300, reason="TECH"))  # 13:00 + 45: still makes NV102
    case = refund(booking_id=_booking_id("CONNEX"))
    assert (case.event_id, case.cause, case.status) == (first.id, "misconnect", "refunded")
    assert _active("CONNEX") == []
    (refunded,) = _choices()
    assert refunded.caused_by_id == first.id
    assert refunded.payload["released"] == [_leg("1", "Y"), _leg("102", "J")], "from the disrupted flight on"
    assert (_get("1").booked_y, _get("102").booked_j) == (0, 0)


def test_no_refund_where_no_regime_applies(tmp_path: Path) -> None:
    # NV (licensed nowhere) from JFK to CDG: no rule of "Which law applies" matches.
    _load([_flight("300", "JFK", "CDG", "10:00", "18:00")], [_booking("AAAAAA", [("300", "Y")])], tmp_path)
    _handle(cancel_flight(flight=_get("300"), reason="TECH"))
    with pytest.raises(DecisionError, match="EU261 nor UK261") as refused:
        refund(booking_id=_booking_id("AAAAAA"))
    assert refused.value.reason == "no_regime"
    assert Reaccommodation.objects.get().status == "unprotected"
    assert _choices() == []


def test_a_refund_is_taken_once(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    refund(booking_id=_booking_id("AAAAAA"))
    with pytest.raises(DecisionError) as again:
        refund(booking_id=_booking_id("AAAAAA"))
    assert again.value.reason == "already_refunded"
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    for choice in ("accept", "decline", "refund"):
        with pytest.raises(DecisionError, match="refunded"):
            decide(case, choice=choice)
    assert len(_choices()) == 1


def test_a_refund_chosen_before_rebooking_ran_leaves_the_rest_of_the_flight_to_rebooking(hub) -> None:
    disruption = cancel_flight(flight=_get("100"), reason="TECH")
    refunded = refund(booking_id=_booking_id("AAAAAA"))
    assert (refunded.cause, refunded.event_id) == ("refund", disruption.id)
    result = _handle(disruption)
    assert (result["parties"], result["passengers"]) == (3, 4), "everyone else on NV100 is reaccommodated"
    assert Reaccommodation.objects.filter(booking__locator="AAAAAA").get() == refunded
    assert _active("AAAAAA") == []


def test_a_refund_case_is_never_told_as_a_reaccommodation(hub) -> None:
    delay_flight(flight=_get("100"), delay_minutes=300)
    case = refund(booking_id=_booking_id("AAAAAA"))
    with pytest.raises(ValueError, match="records a refund"):
        ReaccommodatedParty.of(case, locator="AAAAAA", passenger_ids=[], previous=[], new=[], first_departure=None)


def test_a_refund_that_finds_its_journey_changed_meanwhile_changes_nothing(hub, monkeypatch) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    real_ground = choices.refund_ground

    def ground_then_a_concurrent_rebooking(booking_id: int) -> RefundGround:
        ground = real_ground(booking_id)
        Segment.objects.filter(id=ground.released[0].id).update(status="replaced")  # and gave its seat back
        return ground

    monkeypatch.setattr(choices, "refund_ground", ground_then_a_concurrent_rebooking)
    with pytest.raises(DecisionError) as refused:
        refund(booking_id=_booking_id("AAAAAA"))
    assert refused.value.reason == "journey_changed"
    assert Reaccommodation.objects.get(booking__locator="AAAAAA").status == "rebooked"
    assert _get("102").booked_y == 3, "no seat given back twice"
    assert _choices() == []
