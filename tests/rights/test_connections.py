"""A connection is missed when the next flight leaves before the arrival plus the minimum connection time."""

from __future__ import annotations

import datetime as dt

from rights.connections import missed, onward_from

ARRIVAL = dt.datetime(2026, 12, 2, 19, 15, tzinfo=dt.UTC)


def test_the_next_flight_must_leave_at_or_after_the_arrival_plus_the_connection_time() -> None:
    at_the_limit = ARRIVAL + dt.timedelta(minutes=45)
    assert onward_from(ARRIVAL, min_connection_minutes=45) == at_the_limit
    assert not missed(next_departure=at_the_limit, arrival=ARRIVAL, min_connection_minutes=45)
    assert missed(next_departure=at_the_limit - dt.timedelta(minutes=1), arrival=ARRIVAL, min_connection_minutes=45)
