"""Moving a scenario in time so that its first flight day becomes a chosen date (:func:`rebase`), or by whole
days (:func:`shift_by`), e.g. as many as :func:`days_ahead` finds to put chosen flights in the future.

Every date moves by the same number of days N. Departures and arrivals move by N days of the local wall
clock of their airport (origin for departures, destination for arrivals) and are re-expressed with that
day's UTC offset, so a flight leaving at 08:25 local still leaves at 08:25 local after a DST change,
and its service date (the local date of departure) moves by exactly N days.

The document has passed the JSON schema but not the rules yet: values this module cannot parse are
left as they are, for the rules to report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def first_service_date(document: Mapping[str, Any]) -> dt.date | None:
    """The earliest flight service date of the document, None when it has no (readable) flight date."""
    dates = [day for flight in document["flights"] if (day := _date(flight["date"])) is not None]
    return min(dates, default=None)


def _shift_date(text: str, days: dt.timedelta) -> str:
    day = _date(text)
    return text if day is None else (day + days).isoformat()


def _shift_flight_ref(text: str, days: dt.timedelta) -> str:
    designator, _, day = text.partition("/")
    return f"{designator}/{_shift_date(day, days)}"


def _shift_local(text: str, days: dt.timedelta, zone: dt.tzinfo | None) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    # An airport without a known timezone is an error the rules report; meanwhile keep the written offset.
    local = moment.astimezone(zone) if zone is not None else moment
    return ((local.replace(tzinfo=None) + days).replace(tzinfo=local.tzinfo)).isoformat()


def days_ahead(
    flights: Iterable[Mapping[str, Any]], zones: Mapping[str, dt.tzinfo], not_before: dt.datetime
) -> dt.timedelta:
    """The whole days to :func:`shift_by` a document by so that none of its ``flights`` departs before ``not_before``.

    The fewest such days (negative: back in time); ``flights`` are flight entries with readable departures
    (ValueError when there are none). Each moves by whole days of its origin's wall clock, so the first of
    them then departs less than a day (give or take a DST hour) after ``not_before``.
    """
    departures = [(flight["departure"], zones.get(flight["origin"])) for flight in flights]
    if not departures:
        raise ValueError("no flight to move")

    def first_departure(days: dt.timedelta) -> dt.datetime:
        return min(dt.datetime.fromisoformat(_shift_local(text, days, zone)) for text, zone in departures)

    # Two days early: a local date can be a day ahead of UTC's, so the search starts before the answer.
    days = dt.timedelta(days=(not_before.date() - first_departure(dt.timedelta()).date()).days - 2)
    while first_departure(days) < not_before:
        days += dt.timedelta(days=1)
    return days


def rebase(document: Mapping[str, Any], to: dt.date, zones: Mapping[str, dt.tzinfo]) -> dict[str, Any]:
    """A copy of ``document`` moved so that its first flight service date is ``to``.

    ``zones`` maps airport codes to their timezones.
    """
    first = first_service_date(document)
    if first is None:
        return dict(document)
    return shift_by(document, to - first, zones)


def shift_by(document: Mapping[str, Any], days: dt.timedelta, zones: Mapping[str, dt.tzinfo]) -> dict[str, Any]:
    """A copy of ``document`` moved by ``days`` (whole days); ``zones`` maps airport codes to their timezones."""
    flights = [
        {
            **flight,
            "date": _shift_date(flight["date"], days),
            "departure": _shift_local(flight["departure"], days, zones.get(flight["origin"])),
            "arrival": _shift_local(flight["arrival"], days, zones.get(flight["destination"])),
        }
        for flight in document["flights"]
    ]
    hotels = [
        {**hotel, "rooms": {_shift_date(night, days): rooms for night, rooms in hotel["rooms"].items()}}
        for hotel in document.get("hotels", [])
    ]
    bookings = [
        {
            **booking,
            "segments": [
                {**segment, "flight": _shift_flight_ref(segment["flight"], days)} for segment in booking["segments"]
            ],
        }
        for booking in document["bookings"]
    ]
    return {**document, "flights": flights, "hotels": hotels, "bookings": bookings}
