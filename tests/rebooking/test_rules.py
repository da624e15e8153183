"""POLICY's rebooking rules through the database: never a flight that has left, each sector's cabin, and arrival
delays and the 72-hour horizon against the ticketed arrival."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from events.models import Event
from flights.services import cancel_flight, delay_flight
from passengers.models import Segment
from rebooking.manual import alternatives
from rebooking.models import Reaccommodation
from tests.rebooking.test_service import DAY, _booking, _flight, _get, _handle, _load
from tests.support.clock import WorldClock

pytestmark = pytest.mark.django_db

LAST = "2026-11-28"  # three days after DAY


def at(hhmm: str, day: str = DAY) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")


def _journey(locator: str) -> list[tuple[str, str]]:
    """The booking's active segments now: (flight number, cabin) in travel order."""
    segments = Segment.objects.filter(booking__locator=locator, status="active").order_by("position")
    return [(s.flight.number, s.cabin) for s in segments.select_related("flight")]


@pytest.fixture
def late_cancellation(tmp_path: Path) -> None:
    """NV100 10:00 LHR→JFK, cancelled at 13:00; NV103 left at 12:00, NV101 leaves at 13:29, NV102 at 13:30."""
    _load(
        [
            _flight("100", "LHR", "JFK", "10:00", "18:00"),
            _flight("103", "LHR", "JFK", "12:00", "20:00"),
            _flight("101", "LHR", "JFK", "13:29", "21:00"),
            _flight("102", "LHR", "JFK", "13:30", "21:30"),
            _flight("104", "LHR", "JFK", "15:00", "23:00"),
        ],
        [_booking("AAAAAA", [("100", "Y")])],
        tmp_path,
    )


def test_a_flight_cancelled_after_it_should_have_left_offers_only_flights_30_minutes_after_the_event(
    late_cancellation: None, clock: WorldClock
) -> None:
    clock.freeze(at("13:00"))
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    # NV103 (left at 12:00) and NV101 (13:29, 29 minutes after the event) would arrive earlier: never offered.
    assert _journey("AAAAAA") == [("102", "Y")]
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    assert case.available_from == at("10:00"), "the availability of POLICY is kept for the record"


def test_the_optimiser_measures_the_30_minutes_from_the_event_not_from_when_it_runs(
    late_cancellation: None, clock: WorldClock
) -> None:
    clock.freeze(at("12:59"))
    event = cancel_flight(flight=_get("100"), reason="TECH")
    clock.freeze(at("13:10"))  # the delivery runs late: NV101 at 13:29 is still 30 minutes after the event
    _handle(event)
    assert _journey("AAAAAA") == [("101", "Y")]


def test_an_operators_choice_counts_the_30_minutes_from_now(late_cancellation: None, clock: WorldClock) -> None:
    clock.freeze(at("11:00"))
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    assert _journey("AAAAAA") == [("103", "Y")]
    clock.freeze(at("13:00"))  # an operator looks again: NV103 has left (its held seat counts free), NV101 closed
    _, candidates = alternatives(case)
    assert [c.flights[0].designator for c in candidates] == [f"NV102/{DAY}", f"NV104/{DAY}"]


@pytest.fixture
def two_sectors(tmp_path: Path) -> None:
    """CDG→LHR feeders NV1 (disrupted below) and NV3, then LHR→JFK: NV100, full but for the seats of JTHENY
    (booked J then Y) and YTHENJ (Y then J), and NV200 later, with Y seats only."""
    _load(
        [
            _flight("1", "CDG", "LHR", "07:00", "08:00", J=4, Y=4),
            _flight("3", "CDG", "LHR", "07:30", "08:30", J=4, Y=4),
            _flight("100", "LHR", "JFK", "10:00", "18:00", J=2, Y=3),
            _flight("200", "LHR", "JFK", "14:00", "22:00", Y=5),
        ],
        [
            _booking("JTHENY", [("1", "J"), ("100", "Y")]),
            _booking("YTHENJ", [("1", "Y"), ("100", "J")]),
            _booking("FILLER", [("100", "Y")], size=2),
            _booking("FILLUP", [("100", "J")]),
        ],
        tmp_path,
    )


def test_after_a_cancellation_each_replaced_sector_keeps_its_own_cabin(two_sectors: None) -> None:
    _handle(cancel_flight(flight=_get("1"), reason="TECH"))
    assert _journey("JTHENY") == [("3", "J"), ("100", "Y")], "the feeder in J, its own Y seat on the long-haul"
    assert _journey("YTHENJ") == [("3", "Y"), ("100", "J")], "the long-haul stays J"
    nv100 = _get("100")
    assert (nv100.booked_j, nv100.booked_y) == (2, 3)


def test_after_a_misconnect_the_long_haul_is_rebooked_in_its_own_cabin(two_sectors: None) -> None:
    # NV1 lands at 08:00 + 120 = 10:00, and + 45 minutes at LHR misses NV100: only NV200 (Y) is left.
    _handle(delay_flight(flight=_get("1"), delay_minutes=120, reason="TECH"))
    assert _journey("JTHENY") == [("1", "J"), ("200", "Y")], "a J feeder does not make the long-haul J"
    assert _journey("YTHENJ") == [("1", "Y")]
    assert Reaccommodation.objects.get(booking__locator="YTHENJ").status == "unprotected", "no J seat from LHR"


@pytest.mark.parametrize(("arrives", "rebooked"), [("18:00", True), ("18:01", False)])
def test_a_journey_disrupted_twice_keeps_its_72_hours_from_the_ticketed_arrival(
    tmp_path: Path, arrives: str, rebooked: bool
) -> None:
    # Ticketed to arrive at 18:00 on NV100; NV102 arrives at 22:00; NV106 three days later is the last resort.
    _load(
        [
            _flight("100", "LHR", "JFK", "10:00", "18:00"),
            _flight("102", "LHR", "JFK", "14:00", "22:00"),
            _flight("106", "LHR", "JFK", "10:00", f"{LAST}T{arrives}", date=LAST),
        ],
        [_booking("AAAAAA", [("100", "Y")])],
        tmp_path,
    )
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    assert _journey("AAAAAA") == [("102", "Y")]
    _handle(cancel_flight(flight=_get("102"), reason="TECH"))
    assert _journey("AAAAAA") == ([("106", "Y")] if rebooked else [])


def test_a_journey_disrupted_twice_counts_its_delay_from_the_ticketed_arrival(tmp_path: Path) -> None:
    _load(
        [
            _flight("100", "LHR", "JFK", "10:00", "18:00"),
            _flight("102", "LHR", "JFK", "14:00", "22:00"),
            _flight("104", "LHR", "JFK", "16:00", "23:50"),
        ],
        [_booking("AAAAAA", [("100", "Y")])],
        tmp_path,
    )
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    second = cancel_flight(flight=_get("102"), reason="TECH")
    _handle(second)
    assert _journey("AAAAAA") == [("104", "Y")]
    case = Reaccommodation.objects.get(event=second)
    assert case.arrival_delay_minutes == 5 * 60 + 50, "23:50 against the ticketed 18:00, not NV102's 22:00"
    (told,) = Event.objects.filter(caused_by=second)
    assert told.payload["parties"][0]["arrival_delay_minutes"] == 350
