"""What a scenario would collide with in the database: codes that earlier scenarios already loaded."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from django.db import models

from flights.models import Airline, Airport, Flight
from lodging.models import Hotel
from passengers.models import Booking, Passenger

from .problems import Parts, Problem, pointer
from .records import Scenario

LOOKUP_BATCH = 5000
HINT = "(load with --replace to replace the data of earlier scenarios)"

Key = tuple[Hashable, ...]


def find_conflicts(scenario: Scenario) -> list[Problem]:
    """A problem for each airline, airport, hotel, flight, locator or passenger id already in the database."""
    airlines = {(a.code,): ("airlines", a.index, "code") for a in scenario.airlines}
    airports = {(a.code,): ("airports", a.index, "code") for a in scenario.airports}
    hotels = {(h.code,): ("hotels", h.index, "code") for h in scenario.hotels}
    flights = {
        (f.ref.designator.carrier, f.ref.designator.number_with_suffix, f.ref.date): ("flights", f.index)
        for f in scenario.flights
    }
    locators = {(b.locator,): ("bookings", b.index, "locator") for b in scenario.bookings}
    passengers = {
        (p.ref,): ("bookings", b.index, "passengers", p.index, "id") for b in scenario.bookings for p in b.passengers
    }
    return [
        *_existing(Airline, ("code",), airlines, "airline"),
        *_existing(Airport, ("code",), airports, "airport"),
        *_existing(Hotel, ("code",), hotels, "hotel"),
        *_existing(
            Flight,
            ("carrier_id", "number", "service_date"),
            flights,
            "flight",
            describe=lambda key: f"{key[0]}{key[1]}/{key[2]}",
        ),
        *_existing(Booking, ("locator",), locators, "locator"),
        *_existing(Passenger, ("ref",), passengers, "passenger id"),
    ]


def _existing(
    model: type[models.Model],
    fields: tuple[str, ...],
    paths: Mapping[Key, Parts],
    label: str,
    describe: Callable[[Key], str] = lambda key: str(key[0]),
) -> list[Problem]:
    """A problem for each key of ``paths`` (values of ``fields``) that a row of ``model`` already has."""
    keys = list(paths)
    found: set[Key] = set()
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        # Each field among its batch's values narrows the rows down; the exact keys are compared below.
        lookups = {f"{field}__in": {key[position] for key in batch} for position, field in enumerate(fields)}
        found.update(model.objects.filter(**lookups).values_list(*fields))
    return [
        Problem(pointer(*path), f"{label} {describe(key)} already exists in the database {HINT}")
        for key, path in paths.items()
        if key in found
    ]
