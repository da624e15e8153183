"""Duties (POLICY.md "Duties"): what a disruption owes each passenger, and by when.

Pure: the observer in ``operations`` gathers the facts and records the duties; the subscribers' own events
then meet them. Each rule here composes the rulebook's own predicates (care, hotels, notice), so a duty is owed
exactly when the subscriber that meets it should act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from rights.bands import Band
from rights.care import meal_voucher_owed
from rights.hotels import hotel_night
from rights.notice import rights_notice_owed
from rights.regime import Regime

#: POLICY.md: a hotel is due by 18:00 local time on the night.
HOTEL_DUE_LOCAL_TIME = dt.time(18, 0)
#: POLICY.md: compensation is due (recorded) 7 days after the event.
COMPENSATION_DUE_AFTER = dt.timedelta(days=7)


class DutyKind(StrEnum):
    """What a passenger is owed."""

    REACCOMMODATION = "reaccommodation"
    MEAL = "meal"
    HOTEL = "hotel"
    COMPENSATION = "compensation"
    RIGHTS_NOTICE = "rights_notice"


@dataclass(frozen=True)
class Owed:
    """One duty owed to a passenger: its kind and when it is due."""

    kind: DutyKind
    due: dt.datetime


@dataclass(frozen=True)
class FlightDisruption:
    """The facts of a delayed or cancelled flight that decide what everyone booked on it is owed."""

    occurred_at: dt.datetime
    cancelled: bool
    delay_minutes: int
    regime: Regime
    band: Band
    scheduled_departure: dt.datetime
    estimated_departure: dt.datetime
    origin_timezone: str


def owed_to_everyone_booked(disruption: FlightDisruption) -> list[Owed]:
    """The duties every passenger booked on the flight is owed by the disruption itself: a meal voucher (care
    threshold or cancellation), a hotel at the origin when the departure moves to a later local date, and the
    written notice of rights. Nothing where no regime applies."""
    if disruption.regime is Regime.NONE:
        return []
    owed = []
    voucher = meal_voucher_owed(
        band=disruption.band, delay_minutes=disruption.delay_minutes, cancelled=disruption.cancelled
    )
    if voucher is not None:
        owed.append(Owed(DutyKind.MEAL, disruption.occurred_at))
    if not disruption.cancelled:
        night = hotel_night(
            since=disruption.scheduled_departure,
            departs=disruption.estimated_departure,
            timezone=disruption.origin_timezone,
        )
        if night is not None:
            owed.append(hotel_owed(night, timezone=disruption.origin_timezone))
    if rights_notice_owed(
        regime=disruption.regime, delay_minutes=disruption.delay_minutes, cancelled=disruption.cancelled
    ):
        owed.append(Owed(DutyKind.RIGHTS_NOTICE, disruption.occurred_at))
    return owed


def reaccommodation_owed(available_from: dt.datetime) -> Owed:
    """A passenger who must be reaccommodated: due when they can fly again (their availability)."""
    return Owed(DutyKind.REACCOMMODATION, available_from)


def hotel_owed(night: dt.date, *, timezone: str) -> Owed:
    """A stay owed for ``night`` at an airport of IANA ``timezone``: due by 18:00 local that evening."""
    return Owed(DutyKind.HOTEL, dt.datetime.combine(night, HOTEL_DUE_LOCAL_TIME, tzinfo=ZoneInfo(timezone)))


def compensation_owed(occurred_at: dt.datetime) -> Owed:
    """Compensation owed (eligible): due to be recorded 7 days after the event."""
    return Owed(DutyKind.COMPENSATION, occurred_at + COMPENSATION_DUE_AFTER)


class DutyStatus(StrEnum):
    """Where a duty stands: ``open`` until met, or waived by an operator (with a reason)."""

    OPEN = "open"
    MET = "met"
    WAIVED = "waived"


class BusinessStatus(StrEnum):
    """A disruption's business status (POLICY.md "Duties")."""

    HANDLED = "handled"
    NEEDS_ACTION = "needs_action"
    IN_PROGRESS = "in_progress"


def business_status(*, open_duties: int, deliveries_running: bool) -> BusinessStatus:
    """``handled`` when no duty is open (all met or waived), ``needs_action`` when one is and no delivery is still
    running (nothing the choreography does will meet it), ``in_progress`` otherwise."""
    if open_duties == 0:
        return BusinessStatus.HANDLED
    return BusinessStatus.IN_PROGRESS if deliveries_running else BusinessStatus.NEEDS_ACTION
