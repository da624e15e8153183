"""The demo network's bookings: parties on one flight or connecting at the hub, leaving spare seats (pure)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BOOKINGS = 1400
#: Tries per booking wanted before giving up: a try fails on a full flight or a passenger not yet booking.
TRIES = 20
CONNECTING_SHARE = 0.55
BUSINESS_SHARE = 0.1
#: Each flight is sold up to a share of its seats drawn from this range: the rest are there for rebooking.
LOAD_FACTORS = (0.55, 0.9)
#: Near flights sell more than later ones, which passengers are still booking: the share sold by then, at the
#: horizon's end (three days ahead), rising linearly to all of it for a flight leaving now.
LATE_DEMAND = 0.4
DEMAND_HORIZON = dt.timedelta(days=3)
PARTY_SIZES = {1: 52, 2: 28, 3: 11, 4: 9}
TIERS = {"none": 70, "silver": 15, "gold": 10, "platinum": 5}
ASSISTANCE_SHARE = 0.02
ASSISTANCE = ("WCHR", "WCHC", "BLND", "DEAF")
PHONE_SHARE = 0.7
LOCATOR_ALPHABET = string.ascii_uppercase + string.digits
FIRST_NAMES = (
    "Ada", "Alan", "Anna", "Bruno", "Clara", "Dario", "Elin", "Ewa", "Fran", "Grace", "Hugo", "Ines", "Jonas",
    "Karin", "Linus", "Marta", "Nils", "Olga", "Pavel", "Rosa", "Sven", "Thandi", "Uma", "Viktor", "Zofia",
)  # fmt: skip
LAST_NAMES = (
    "Berzins", "Hamilton", "Hopper", "Jensen", "Kowalski", "Lovelace", "Mbeki", "Nowak", "Ozols", "Petersen",
    "Rossi", "Schmidt", "Sparck", "Turing", "Vogel", "Walsh", "Wright", "Zanetti",
)  # fmt: skip


@dataclass(frozen=True)
class Itinerary:
    """A journey passengers may book: its flights (``DESIGNATOR/DATE``, travel order) and their seats."""

    flights: tuple[str, ...]
    seats: tuple[Mapping[str, int], ...]
    departs: dt.datetime


def demo_bookings(itineraries: Sequence[Itinerary], now: dt.datetime, rng: random.Random) -> list[dict[str, Any]]:
    """Up to BOOKINGS scenario bookings on ``itineraries``, about CONNECTING_SHARE of them connecting."""
    singles = _Market([i for i in itineraries if len(i.flights) == 1])
    connections = _Market([i for i in itineraries if len(i.flights) > 1])
    limits = {
        (i.flights[0], cabin): int(seats * rng.uniform(*LOAD_FACTORS))
        for i in singles.itineraries
        for cabin, seats in i.seats[0].items()
    }
    sold: Counter[tuple[str, str]] = Counter()
    bookings: list[dict[str, Any]] = []
    locators: set[str] = set()
    passenger_numbers = itertools.count(1)
    for _ in range(BOOKINGS * TRIES):
        if len(bookings) == BOOKINGS:
            break
        market = connections if connections.itineraries and rng.random() < CONNECTING_SHARE else singles
        itinerary = market.pick(rng)
        if rng.random() > _demand(itinerary.departs - now):
            continue
        cabin = "J" if rng.random() < BUSINESS_SHARE else "Y"
        party = rng.choices(list(PARTY_SIZES), weights=list(PARTY_SIZES.values()))[0]
        places = [(flight, cabin) for flight in itinerary.flights]
        if any(sold[place] + party > limits[place] for place in places):
            continue
        sold.update(dict.fromkeys(places, party))
        locator = _locator(rng, locators)
        last_name = rng.choice(LAST_NAMES)
        bookings.append(
            {
                "locator": locator,
                "passengers": [
                    _passenger(f"{locator}-{n}", last_name, next(passenger_numbers), rng) for n in range(1, party + 1)
                ],
                "segments": [{"flight": flight, "cabin": cabin} for flight in itinerary.flights],
            }
        )
    return bookings


class _Market:
    """Itineraries to sell; larger aircraft sell more: each is picked as often as its smallest flight has seats."""

    def __init__(self, itineraries: list[Itinerary]) -> None:
        self.itineraries = itineraries
        self._cum_weights = list(itertools.accumulate(min(sum(s.values()) for s in i.seats) for i in itineraries))

    def pick(self, rng: random.Random) -> Itinerary:
        """One of the itineraries, by weight."""
        return rng.choices(self.itineraries, cum_weights=self._cum_weights)[0]


def _demand(ahead: dt.timedelta) -> float:
    """The share of a flight ``ahead`` of now sold so far."""
    return 1 - (1 - LATE_DEMAND) * min(ahead / DEMAND_HORIZON, 1)


def _locator(rng: random.Random, taken: set[str]) -> str:
    while (locator := "".join(rng.choices(LOCATOR_ALPHABET, k=6))) in taken:
        pass
    taken.add(locator)
    return locator


def _passenger(ref: str, last_name: str, number: int, rng: random.Random) -> dict[str, Any]:
    passenger: dict[str, Any] = {
        "id": ref,
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": last_name,
        "email": f"p{number}@example.org",
        "tier": rng.choices(list(TIERS), weights=list(TIERS.values()))[0],
        "assistance": [rng.choice(ASSISTANCE)] if rng.random() < ASSISTANCE_SHARE else [],
    }
    if rng.random() < PHONE_SHARE:
        passenger["phone"] = f"+447700{rng.randint(900000, 999999)}"
    return passenger
