"""rights.hotels: which night needs a room, in the airport's own time (midnight, DST), and rooms per booking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from rights.hotels import hotel_night, local_date, night_after_reaccommodation, rooms_needed, stranded_night


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("since", "departs", "zone", "night"),
    [
        # London in winter is UTC: 23:59 is the same day, 00:00 the next.
        ("2026-11-25T20:00", "2026-11-25T23:59", "Europe/London", None),
        ("2026-11-25T20:00", "2026-11-26T00:00", "Europe/London", date(2026, 11, 25)),
        # Tokyo (UTC+9): the local date turns while the UTC date has not.
        ("2026-11-25T12:00", "2026-11-25T14:59", "Asia/Tokyo", None),  # 21:00 → 23:59 JST
        ("2026-11-25T12:00", "2026-11-25T15:00", "Asia/Tokyo", date(2026, 11, 25)),  # → 00:00 JST on the 26th
        # New York (UTC-5): the UTC date turns while the local date has not.
        ("2026-11-25T23:00", "2026-11-26T04:59", "America/New_York", None),  # 18:00 → 23:59 EST
        ("2026-11-25T23:00", "2026-11-26T05:00", "America/New_York", date(2026, 11, 25)),  # → 00:00 EST
        # The night is the local date of `since` (21:00 EST on the 25th), not its UTC date.
        ("2026-11-26T02:00", "2026-11-26T06:00", "America/New_York", date(2026, 11, 25)),
        # Europe/London, clocks forward on Sunday 29 March 2026 at 01:00 UTC.
        ("2026-03-28T21:00", "2026-03-28T23:59", "Europe/London", None),  # Saturday, still GMT
        ("2026-03-28T21:00", "2026-03-29T00:00", "Europe/London", date(2026, 3, 28)),
        ("2026-03-29T00:30", "2026-03-29T22:30", "Europe/London", None),  # 00:30 GMT → 23:30 BST, same day
        ("2026-03-29T19:00", "2026-03-29T22:59", "Europe/London", None),  # 20:00 → 23:59 BST
        ("2026-03-29T19:00", "2026-03-29T23:00", "Europe/London", date(2026, 3, 29)),  # → 00:00 BST on the 30th
        # Europe/London, clocks back on Sunday 25 October 2026 at 01:00 UTC.
        ("2026-10-24T20:00", "2026-10-24T22:59", "Europe/London", None),  # 21:00 → 23:59 BST
        ("2026-10-24T20:00", "2026-10-24T23:00", "Europe/London", date(2026, 10, 24)),  # → 00:00 BST on the 25th
        ("2026-10-25T00:30", "2026-10-25T23:30", "Europe/London", None),  # 01:30 BST → 23:30 GMT, same day
        ("2026-10-25T20:00", "2026-10-25T23:59", "Europe/London", None),  # GMT again
        ("2026-10-25T20:00", "2026-10-26T00:00", "Europe/London", date(2026, 10, 25)),
        # Sydney, clocks back on Sunday 5 April 2026 (03:00 AEDT → 02:00 AEST): midnight moves from 13:00 to 14:00 UTC.
        ("2026-04-05T08:00", "2026-04-05T13:30", "Australia/Sydney", None),  # 18:00 AEST → 23:30 AEST
        ("2026-04-05T08:00", "2026-04-05T14:00", "Australia/Sydney", date(2026, 4, 5)),
        # Several days later: still the one night of `since` (POLICY.md).
        ("2026-11-25T20:00", "2026-11-27T09:00", "Europe/London", date(2026, 11, 25)),
        # Earlier, or a minute later: no night.
        ("2026-11-25T20:00", "2026-11-25T19:00", "Europe/London", None),
        ("2026-11-25T23:59", "2026-11-25T23:59", "Europe/London", None),
    ],
)
def test_hotel_night(since: str, departs: str, zone: str, night: date | None) -> None:
    assert hotel_night(since=utc(since), departs=utc(departs), timezone=zone) == night


def test_stranded_at_a_connection_counts_in_the_connecting_airports_time() -> None:
    # Arrival at JFK 22:00 EST on the 25th, onward 09:00 EST on the 26th.
    arrival, onward = utc("2026-11-26T03:00"), utc("2026-11-26T14:00")
    assert hotel_night(since=arrival, departs=onward, timezone="America/New_York") == date(2026, 11, 25)
    # In London's time both fall on the 26th: the airport's zone decides.
    assert hotel_night(since=arrival, departs=onward, timezone="Europe/London") is None


@pytest.mark.parametrize(
    ("arrival", "zone", "night"),
    [
        # Paris in winter is UTC+1: 22:59 UTC lands at 23:59 on the 25th, 23:00 UTC at 00:00 on the 26th.
        ("2026-11-25T22:59", "Europe/Paris", date(2026, 11, 25)),
        ("2026-11-25T23:00", "Europe/Paris", date(2026, 11, 26)),
        # New York (UTC-5): 04:59 UTC on the 26th is still 23:59 on the 25th there.
        ("2026-11-26T04:59", "America/New_York", date(2026, 11, 25)),
        ("2026-11-26T05:00", "America/New_York", date(2026, 11, 26)),
        # Landing in the morning with no way on: still that day's night.
        ("2026-11-25T07:00", "Europe/London", date(2026, 11, 25)),
    ],
)
def test_stranded_with_no_way_on_stay_the_night_of_the_local_arrival_date(arrival: str, zone: str, night: date) -> None:
    assert stranded_night(arrival=utc(arrival), timezone=zone) == night


def test_the_offset_a_datetime_carries_does_not_matter() -> None:
    cet = timezone(timedelta(hours=1))
    since = datetime(2026, 11, 25, 21, 0, tzinfo=cet)  # 20:00 UTC
    departs = datetime(2026, 11, 26, 1, 0, tzinfo=cet)  # 00:00 UTC
    assert hotel_night(since=since, departs=departs, timezone="Europe/London") == date(2026, 11, 25)


def test_a_naive_datetime_has_no_local_date() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 11, 25, 20, 0), "Europe/London")


@pytest.mark.parametrize(("passengers", "rooms"), [(0, 0), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (9, 5)])
def test_rooms_needed(passengers: int, rooms: int) -> None:
    assert rooms_needed(passengers) == rooms


def test_rooms_for_a_negative_party() -> None:
    with pytest.raises(ValueError, match="-1 passengers"):
        rooms_needed(-1)


def test_the_night_a_reaccommodated_party_needs_by_its_outcome() -> None:
    departure = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    arrival = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 00:30 on the 26th in Paris
    next_day = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    facts = {"scheduled_departure": departure, "arrival": arrival, "timezone": "Europe/Paris"}
    rebooked = {"rebooked": True, "unprotected": False, "first_departure": next_day}
    unprotected = {"rebooked": False, "unprotected": True, "first_departure": None}
    assert night_after_reaccommodation(cancelled=True, **rebooked, **facts) == date(2026, 11, 25)
    assert night_after_reaccommodation(cancelled=False, **rebooked, **facts) is None, "arrives on the 26th already"
    assert night_after_reaccommodation(cancelled=False, **unprotected, **facts) == date(2026, 11, 26)
    assert night_after_reaccommodation(cancelled=True, **unprotected, **facts) is None, "operators decide"
