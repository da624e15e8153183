"""Connections (POLICY.md "Rebooking"): when a delayed arrival breaks one, and when the passenger can fly on."""

from __future__ import annotations

import datetime as dt


def onward_from(arrival: dt.datetime, *, min_connection_minutes: int) -> dt.datetime:
    """The earliest a passenger arriving at ``arrival`` can depart again from that airport."""
    return arrival + dt.timedelta(minutes=min_connection_minutes)


def missed(*, next_departure: dt.datetime, arrival: dt.datetime, min_connection_minutes: int) -> bool:
    """Whether a passenger arriving at ``arrival`` misses a next segment departing at ``next_departure``: it
    leaves before the arrival plus the connecting airport's minimum connection time."""
    return next_departure < onward_from(arrival, min_connection_minutes=min_connection_minutes)
