"""Airport facts: the packaged IATA airport database (airportsdata) and IANA timezones."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

import airportsdata

# The facts an airport needs, and their names in airportsdata.
FACTS = {"name": "name", "country": "country", "timezone": "tz", "latitude": "lat", "longitude": "lon"}


@functools.cache
def _known() -> dict[str, dict[str, Any]]:
    return airportsdata.load("IATA")


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def complete(entry: Mapping[str, Any]) -> dict[str, Any]:
    """``entry`` with the facts it leaves out taken from the airport database, when its code is known there."""
    known = _known().get(entry["code"])
    if known is None:
        return dict(entry)
    return {**{fact: known[field] for fact, field in FACTS.items()}, **entry}


def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA timezone called ``name``, or None when there is none."""
    return zoneinfo.ZoneInfo(name) if name in _zone_names() else None


def zones(entries: Iterable[Mapping[str, Any]]) -> dict[str, zoneinfo.ZoneInfo]:
    """The timezone of each airport entry whose timezone is known (given, or from the airport database)."""
    found = {}
    for entry in entries:
        tz = zone(complete(entry).get("timezone", ""))
        if tz is not None:
            found[entry["code"]] = tz
    return found
