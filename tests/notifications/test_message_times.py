"""How passenger messages show times (the ``|utc`` filter of ``notifications/rendering.py``)."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.rendering import utc


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC), "25 Nov 2026 09:30 UTC"),
        (dt.datetime.fromisoformat("2026-11-25T10:30:59+01:00"), "25 Nov 2026 09:30 UTC"),  # to the minute, in UTC
        (dt.datetime.fromisoformat("2027-01-01T00:15:00+02:00"), "31 Dec 2026 22:15 UTC"),  # across a year
        (dt.datetime(2026, 3, 5, 7, 0), "05 Mar 2026 07:00 UTC"),  # a naive time is taken as UTC, as written
        ("soon", "soon"),  # a time the payload did not give as ISO is shown as written
        (None, ""),
    ],
)
def test_a_time_is_shown_in_utc_to_the_minute_labelled(moment: dt.datetime | str | None, shown: str) -> None:
    assert utc(moment) == shown
