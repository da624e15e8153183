"""Hotel stays, the right to care of Art. 9(1)(b)-(c): which night needs a room, and how many rooms a booking takes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: POLICY.md: passengers of one booking share rooms, at most this many to a room.
PASSENGERS_PER_ROOM = 2


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of an aware ``moment`` at an airport of IANA ``timezone`` (DST-correct)."""
    if moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no local date: {moment!r}")
    return moment.astimezone(ZoneInfo(timezone)).date()


def hotel_night(*, since: datetime, departs: datetime, timezone: str) -> date | None:
    """The night a passenger needs a hotel at an airport of IANA ``timezone``, or None when they need none.

    A room is needed when ``departs`` falls on a later local calendar date than ``since``, for the night of
    ``since``'s local date (the night that begins that evening). POLICY.md's three cases:

    - origin overnight: ``since`` = the flight's scheduled departure, ``departs`` = its new estimated departure,
      ``timezone`` = the origin's;
    - cancelled flight: ``since`` = the cancelled flight's scheduled departure, ``departs`` = the first departure
      of the passenger's new itinerary, ``timezone`` = the origin's (unprotected passengers have no itinerary
      and get no automatic stay: do not call);
    - stranded at a connection: ``since`` = the arrival at the connecting airport, ``departs`` = the new onward
      departure from it, ``timezone`` = the connecting airport's (a misconnect with no way on at all:
      :func:`stranded_night`).
    """
    night = local_date(since, timezone)
    return night if local_date(departs, timezone) > night else None


def stranded_night(*, arrival: datetime, timezone: str) -> date:
    """The night a misconnected passenger who cannot be reaccommodated needs a hotel at the connecting airport of
    IANA ``timezone``: the local date of their ``arrival`` there (POLICY.md "Hotel stays": they are away from home
    with no way on, whatever the hour they land)."""
    return local_date(arrival, timezone)


def night_after_reaccommodation(
    *,
    cancelled: bool,
    rebooked: bool,
    unprotected: bool,
    first_departure: datetime | None,
    scheduled_departure: datetime,
    arrival: datetime,
    timezone: str,
) -> date | None:
    """The night a reaccommodated party needs a room at its disruption airport (IANA ``timezone``), or None.

    Rebooked: :func:`hotel_night` from the cancelled flight's ``scheduled_departure`` (at the origin) or from the
    delayed flight's ``arrival`` (at the connection) to the new itinerary's ``first_departure``. A misconnect that
    is ``unprotected``: :func:`stranded_night` of its arrival. Unprotected after a cancellation: None (operators
    decide; POLICY.md "Hotel stays").
    """
    if rebooked and first_departure is not None:
        since = scheduled_departure if cancelled else arrival
        return hotel_night(since=since, departs=first_departure, timezone=timezone)
    if unprotected and not cancelled:
        return stranded_night(arrival=arrival, timezone=timezone)
    return None


def rooms_needed(passengers: int) -> int:
    """Rooms for one booking's passengers staying together: ceil(passengers / 2)."""
    if passengers < 0:
        raise ValueError(f"a booking cannot have {passengers} passengers")
    return -(-passengers // PASSENGERS_PER_ROOM)
