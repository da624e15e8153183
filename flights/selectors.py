"""Reads of flights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from rights.regime import Regime, flight_regime

from .designators import FlightRef
from .models import Flight


def get_flight(ref: FlightRef) -> Flight:
    """The flight for a designator and service date (raises ``Flight.DoesNotExist``)."""
    d = ref.designator
    return Flight.objects.select_related("origin", "destination", "carrier").get(
        carrier_id=d.carrier, number=d.number_with_suffix, service_date=ref.date
    )


def regime_of(flight: Flight) -> Regime:
    """The law that applies to ``flight`` (POLICY.md "Which law applies"); reads its airports and carrier."""
    return flight_regime(origin=flight.origin, destination=flight.destination, carrier_country=flight.carrier.country)


@dataclass(frozen=True, slots=True)
class Site:
    """The facts of an airport the rulebook reads (a ``rights.geo.Placed``), read as columns rather than as an
    ``Airport``."""

    code: str
    country: str
    latitude: float
    longitude: float


def site_lookups(airport: str) -> list[str]:
    """The lookups that read the ``Site`` of the airport at ``airport`` (``"origin"``, ``"flight__destination"``),
    in the order ``Site`` takes them."""
    return [f"{airport}__{field}" for field in ("code", "country", "latitude", "longitude")]


def regimes_of(flight_ids: list[int]) -> dict[int, Regime]:
    """The regime of each of ``flight_ids`` (one query).

    Reads only the columns the rules need, not whole flights, airports and carriers (a carrier model decrypts
    its partner secret)."""
    rows = Flight.objects.filter(id__in=flight_ids).values_list(
        "id", *site_lookups("origin"), *site_lookups("destination"), "carrier__country"
    )
    return {
        row[0]: flight_regime(origin=Site(*row[1:5]), destination=Site(*row[5:9]), carrier_country=row[9])
        for row in rows
    }


def estimated_arrivals(flight_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """The estimated arrival of each flight (one query)."""
    return dict(Flight.objects.filter(id__in=list(flight_ids)).values_list("id", "estimated_arrival"))
