"""Duties owed by a disruption (POLICY.md "Duties"), at the rules' boundaries, and the business status."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rights.bands import Band
from rights.duties import (
    BusinessStatus,
    DutyKind,
    FlightDisruption,
    Owed,
    business_status,
    compensation_owed,
    hotel_owed,
    owed_to_everyone_booked,
    reaccommodation_owed,
)
from rights.regime import Regime

AT = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
DEPARTURE = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)  # 12:00 in London


def _disruption(
    delay: int, *, cancelled: bool = False, regime: Regime = Regime.UK261, band: Band = Band.SHORT
) -> FlightDisruption:
    return FlightDisruption(
        occurred_at=AT,
        cancelled=cancelled,
        delay_minutes=delay,
        regime=regime,
        band=band,
        scheduled_departure=DEPARTURE,
        estimated_departure=DEPARTURE + dt.timedelta(minutes=delay),
        origin_timezone="Europe/London",
    )


def _kinds(delay: int, **facts) -> set[DutyKind]:
    return {owed.kind for owed in owed_to_everyone_booked(_disruption(delay, **facts))}


@pytest.mark.parametrize(("band", "threshold"), [(Band.SHORT, 120), (Band.MEDIUM, 180), (Band.LONG, 240)])
def test_a_meal_is_owed_from_the_flights_care_threshold(band: Band, threshold: int) -> None:
    assert DutyKind.MEAL not in _kinds(threshold - 1, band=band)
    assert DutyKind.MEAL in _kinds(threshold, band=band)


def test_the_notice_is_owed_from_120_minutes_and_for_a_cancellation() -> None:
    assert _kinds(119, band=Band.LONG) == set()
    assert _kinds(120, band=Band.LONG) == {DutyKind.RIGHTS_NOTICE}
    assert _kinds(0, cancelled=True) == {DutyKind.MEAL, DutyKind.RIGHTS_NOTICE}


def test_an_origin_hotel_is_owed_when_the_departure_moves_to_the_next_local_day_due_at_18_local() -> None:
    # 12:00 + 719 min = 23:59 the same day in London; + 720 = 00:00 the next day.
    assert DutyKind.HOTEL not in _kinds(719)
    owed = owed_to_everyone_booked(_disruption(720))
    (hotel,) = [o for o in owed if o.kind is DutyKind.HOTEL]
    assert hotel.due == dt.datetime(2026, 12, 2, 18, 0, tzinfo=ZoneInfo("Europe/London"))


def test_nothing_is_owed_where_no_regime_applies() -> None:
    assert owed_to_everyone_booked(_disruption(900, regime=Regime.NONE)) == []
    assert owed_to_everyone_booked(_disruption(0, cancelled=True, regime=Regime.NONE)) == []


def test_due_times_of_reaccommodation_hotel_and_compensation() -> None:
    available = AT + dt.timedelta(hours=3)
    assert reaccommodation_owed(available) == Owed(DutyKind.REACCOMMODATION, available)
    summer = hotel_owed(dt.date(2026, 7, 1), timezone="Europe/Paris")
    assert summer.due == dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC), "18:00 CEST is 16:00 UTC"
    assert compensation_owed(AT).due == dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("open_duties", "running", "status"),
    [
        (0, False, BusinessStatus.HANDLED),
        (0, True, BusinessStatus.HANDLED),
        (1, True, BusinessStatus.IN_PROGRESS),
        (1, False, BusinessStatus.NEEDS_ACTION),
    ],
)
def test_business_status(open_duties: int, running: bool, status: BusinessStatus) -> None:
    assert business_status(open_duties=open_duties, deliveries_running=running) is status
