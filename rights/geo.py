"""Great-circle distances between airports, and where EU Regulation 261/2004 and UK261 apply."""

from __future__ import annotations

import math
from typing import Protocol

#: The IUGG mean Earth radius R1 = (2a + b) / 3, the sphere that fits the WGS-84 ellipsoid best on average; geopy's
#: great_circle and the haversine package use it too, so distances agree with common tools to the metre.
EARTH_RADIUS_KM = 6371.0088

EU_MEMBER_STATES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
     "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)  # fmt: skip
#: EU territory with an ISO code of its own: the French outermost regions (Art. 349 and 355(1) TFEU: French Guiana,
#: Guadeloupe, Saint-Martin, Martinique, Réunion, Mayotte) and Åland (Art. 355(4) TFEU). The Canaries, Azores and
#: Madeira share ES / PT. Overseas countries and territories (Art. 355(2) TFEU: PF, NC, BL, PM, AW, CW, SX, GL, ...),
#: the Faroe Islands and Gibraltar are not EU territory, and their own codes keep them out.
EU_TERRITORIES_WITH_OWN_CODE = frozenset({"AX", "GF", "GP", "MF", "MQ", "RE", "YT"})
#: The EEA states apply the Regulation through the EEA Agreement, Switzerland through the EU–Swiss air transport
#: agreement.
EEA_AND_SWITZERLAND = frozenset({"CH", "IS", "LI", "NO"})
EU261_COUNTRIES = EU_MEMBER_STATES | EU_TERRITORIES_WITH_OWN_CODE | EEA_AND_SWITZERLAND
#: UK261 (The Air Passenger Rights and Air Travel Organisers' Licensing (Amendment) (EU Exit) Regulations 2019)
#: applies in the United Kingdom: Great Britain and Northern Ireland, both ISO "GB". The Crown Dependencies (JE,
#: GG, IM), Gibraltar (GI) and the overseas territories have codes of their own and are outside it.
UK261_COUNTRIES = frozenset({"GB"})
#: Airports that the packaged airport database files under a country where a regulation applies although it does
#: not apply there, by IATA code: Svalbard is outside the EEA Agreement (its Art. 126 and Protocol 40); the
#: acquis is suspended in the areas of Cyprus not under the government's effective control (Protocol 10 to the
#: 2003 Act of Accession); the UK's Sovereign Base Areas on Cyprus are neither EU nor UK territory.
OUTSIDE_DESPITE_COUNTRY = {
    "LYR": "Svalbard (NO): outside the EEA Agreement",
    "ECN": "Ercan, northern Cyprus (CY): the acquis is suspended there",
    "AKT": "RAF Akrotiri, a UK Sovereign Base Area filed under CY: neither EU nor UK territory",
}


class Located(Protocol):
    """Anything with coordinates in decimal degrees (a ``flights.Airport`` qualifies)."""

    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


class Sited(Located, Protocol):
    """A place with coordinates and an ISO 3166-1 alpha-2 country code (a ``flights.Airport`` qualifies)."""

    @property
    def country(self) -> str: ...


def great_circle_km(origin: Located, destination: Located) -> float:
    """Great-circle distance in km between two places (haversine on a sphere of radius ``EARTH_RADIUS_KM``).

    The CJEU measures EU261 distances by the great-circle method (C-559/16 Bossen).
    """
    lat1, lat2 = math.radians(origin.latitude), math.radians(destination.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(destination.longitude - origin.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    # min(): rounding can push h a hair above 1 for antipodes, outside the domain of asin.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


class Placed(Sited, Protocol):
    """An airport: an IATA code, coordinates and a country (a ``flights.Airport`` qualifies)."""

    @property
    def code(self) -> str: ...


def in_eu261_area(country: str) -> bool:
    """Whether an ISO 3166-1 alpha-2 country code (upper case) is EU, EEA or Swiss territory."""
    return country in EU261_COUNTRIES


def in_uk261_area(country: str) -> bool:
    """Whether an ISO 3166-1 alpha-2 country code (upper case) is United Kingdom territory."""
    return country in UK261_COUNTRIES


def eu261_airport(airport: Placed) -> bool:
    """Whether an airport lies where EU261 applies (its country, less the override table)."""
    return airport.code not in OUTSIDE_DESPITE_COUNTRY and in_eu261_area(airport.country)


def uk261_airport(airport: Placed) -> bool:
    """Whether an airport lies where UK261 applies (its country, less the override table)."""
    return airport.code not in OUTSIDE_DESPITE_COUNTRY and in_uk261_area(airport.country)
