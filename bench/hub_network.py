"""The hub benchmark's networks: ROADEF copies side by side, and a partner airline for the fault drill.

Pure functions over scenario documents (dicts in the contract's format); nothing here touches Django.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from scenarios.rebase import days_ahead, shift_by

LOCATOR_ALPHABET = string.ascii_uppercase + string.digits
PARTNER = "PX"


def zones(document: dict[str, Any]) -> dict[str, ZoneInfo]:
    """Each airport's timezone, as ``rebase`` wants them."""
    return {airport["code"]: ZoneInfo(airport["timezone"]) for airport in document["airports"]}


def _rotations(locator: str) -> Iterator[str]:
    """The locator with every character moved 1, 2, … places along the alphabet (a bijection each time)."""
    size = len(LOCATOR_ALPHABET)
    for step in range(1, size):
        yield "".join(LOCATOR_ALPHABET[(LOCATOR_ALPHABET.index(c) + step) % size] for c in locator)


def _renamed(booking: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    """The booking under the first rotation of its locator that no other booking holds; passengers follow."""
    locator = next(candidate for candidate in _rotations(booking["locator"]) if candidate not in taken)
    taken.add(locator)
    passengers = [{**p, "id": f"{locator}-{n}"} for n, p in enumerate(booking["passengers"], start=1)]
    return {**booking, "locator": locator, "passengers": passengers}


def _ref(flight: dict[str, Any]) -> str:
    """A flight entry's ``DESIGNATOR/DATE`` as the delays file writes it."""
    return f"{flight['carrier']}{flight['number']}/{flight['date']}"


def moved_ahead(
    document: dict[str, Any], delays: list[dict[str, Any]], not_before: dt.datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The network and its delays moved by whole days (``scenarios.rebase``) so that no delayed flight departs
    before ``not_before``: rebooking offers no flight that has already left (POLICY.md), so a network in the
    past would leave every misconnect unprotected. The first delayed flight then departs within a day of it.
    """
    delayed = {delay["flight"] for delay in delays}
    airport_zones = zones(document)
    days = days_ahead([f for f in document["flights"] if _ref(f) in delayed], airport_zones, not_before)
    return shift_by(document, days, airport_zones), shifted_delays(delays, [days])


def side_by_side(document: dict[str, Any], copies: int, days_apart: int) -> tuple[dict[str, Any], list[dt.timedelta]]:
    """``copies`` copies of the network in one document, each rebased ``days_apart`` days after the one before.

    Airlines and airports appear once; hotels once, with the rooms of every copy's nights; every copy after
    the first gets new locators and passenger ids. Returns the document and each copy's shift in days.
    """
    airport_zones = zones(document)
    taken = {booking["locator"] for booking in document["bookings"]}
    shifts = [dt.timedelta(days=k * days_apart) for k in range(copies)]
    flights: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    rooms: dict[str, dict[str, int]] = {hotel["code"]: {} for hotel in document["hotels"]}
    for k, shift in enumerate(shifts):
        copy = shift_by(document, shift, airport_zones) if k else document
        flights += copy["flights"]
        bookings += copy["bookings"] if k == 0 else [_renamed(b, taken) for b in copy["bookings"]]
        for hotel in copy["hotels"]:
            rooms[hotel["code"]].update(hotel["rooms"])
    hotels = [{**hotel, "rooms": rooms[hotel["code"]]} for hotel in document["hotels"]]
    merged = {**document, "name": f"{document.get('name', 'scenario')} ×{copies}", "flights": flights,
              "bookings": bookings, "hotels": hotels}  # fmt: skip
    return merged, shifts


def shifted_delays(delays: list[dict[str, Any]], shifts: list[dt.timedelta]) -> list[dict[str, Any]]:
    """The delays of every copy: each delay's flight date moved by each copy's shift."""
    shifted = []
    for shift in shifts:
        for delay in delays:
            designator, _, day = delay["flight"].partition("/")
            shifted.append({**delay, "flight": f"{designator}/{dt.date.fromisoformat(day) + shift}"})
    return shifted


def with_partner(document: dict[str, Any], delays: list[dict[str, Any]], endpoint: str, secret: str,
                 every: int = 4) -> dict[str, Any]:  # fmt: skip
    """The network with every ``every``-th flight that is not delayed operated by partner ``PX`` instead.

    Passengers connecting from a delayed flight onto one of those then make the system write to the partner
    (``inbound_delay``, ``rebooked_in`` / ``rebooked_out``) at ``endpoint``.
    """
    delayed = {delay["flight"] for delay in delays}
    moved: dict[str, str] = {}
    flights = []
    for n, flight in enumerate(document["flights"]):
        ref = _ref(flight)
        if n % every == 0 and ref not in delayed:
            moved[ref] = f"{PARTNER}{flight['number']}/{flight['date']}"
            flight = {**flight, "carrier": PARTNER}
        flights.append(flight)
    bookings = [
        {**b, "segments": [{**s, "flight": moved.get(s["flight"], s["flight"])} for s in b["segments"]]}
        for b in document["bookings"]
    ]
    partner = {"code": PARTNER, "name": "Partner Express", "own": False, "endpoint": endpoint, "secret": secret}
    return {**document, "airlines": [*document["airlines"], partner], "flights": flights, "bookings": bookings}
