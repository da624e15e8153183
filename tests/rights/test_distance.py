"""rights.geo and rights.bands: great-circle distances, the EU/EEA/CH area, and the Art. 7(1) bands (pure, no DB)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from rights.bands import Band, band_between, band_for_distance
from rights.geo import EARTH_RADIUS_KM, EU_MEMBER_STATES, great_circle_km, in_eu261_area


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    country: str = "ZZ"


# Coordinates and countries as the packaged airport database (airportsdata) has them.
AIRPORTS = {
    "CDG": Place(49.0128, 2.55, "FR"),
    "DXB": Place(25.2528, 55.3644, "AE"),
    "FCO": Place(41.8045, 12.2508, "IT"),
    "HEL": Place(60.3172, 24.9633, "FI"),
    "JFK": Place(40.639928, -73.778692, "US"),
    "KEF": Place(63.985, -22.6056, "IS"),
    "LCA": Place(34.8751, 33.6249, "CY"),
    "LHR": Place(51.4706, -0.46194, "GB"),
    "LIS": Place(38.7813, -9.13592, "PT"),
    "LPA": Place(27.9319, -15.3866, "ES"),
    "MLA": Place(35.8575, 14.4775, "MT"),
    "OSL": Place(60.1939, 11.1004, "NO"),
    "PPT": Place(-17.5537, -149.60699, "PF"),
    "PTP": Place(16.2653, -61.5318, "GP"),
    "RUN": Place(-20.8871, 55.5103, "RE"),
    "TFS": Place(28.0445, -16.5725, "ES"),
    "WAW": Place(52.1657, 20.9671, "PL"),
    "ZRH": Place(47.4647, 8.54917, "CH"),
}


def north_of_null_island(km: float, country: str = "ZZ") -> Place:
    """The point ``km`` due north of (0, 0): along a meridian the great circle is exactly R × Δφ."""
    return Place(math.degrees(km / EARTH_RADIUS_KM), 0.0, country)


NULL_ISLAND = Place(0.0, 0.0)


@pytest.mark.parametrize(
    ("pair", "expected_km", "tolerance_km"),
    [
        # Published great-circle figures; a sphere differs from the ellipsoid by up to ~0.5 %.
        ("LHR JFK", 5540, 10),
        ("CDG FCO", 1100, 5),
        ("LIS LCA", 3796, 10),
        ("HEL TFS", 4741, 10),
        ("CDG RUN", 9369, 20),
        ("WAW LHR", 1470, 5),
    ],
)
def test_great_circle_between_known_airports(pair: str, expected_km: float, tolerance_km: float) -> None:
    origin, destination = (AIRPORTS[code] for code in pair.split())
    assert great_circle_km(origin, destination) == pytest.approx(expected_km, abs=tolerance_km)
    assert great_circle_km(destination, origin) == pytest.approx(great_circle_km(origin, destination), abs=1e-9)


@pytest.mark.parametrize("km", [0.0, 1.0, 1500.0, 3500.0, 10_000.0])
def test_great_circle_along_a_meridian_is_exact(km: float) -> None:
    assert great_circle_km(NULL_ISLAND, north_of_null_island(km)) == pytest.approx(km, abs=1e-6)


@pytest.mark.parametrize(
    ("destination", "expected_km"),
    [
        (Place(0.0, 1.0), EARTH_RADIUS_KM * math.pi / 180),  # one degree of the equator, ≈ 111.195 km
        (Place(0.0, 180.0), EARTH_RADIUS_KM * math.pi),  # antipodes: half a circumference
        (Place(0.0, -180.0), EARTH_RADIUS_KM * math.pi),
        (Place(90.0, 0.0), EARTH_RADIUS_KM * math.pi / 2),  # to the pole
    ],
)
def test_great_circle_on_the_sphere(destination: Place, expected_km: float) -> None:
    assert great_circle_km(NULL_ISLAND, destination) == pytest.approx(expected_km, abs=1e-6)


def test_the_radius_is_the_iugg_mean() -> None:
    assert EARTH_RADIUS_KM == 6371.0088


def test_eu_has_27_member_states() -> None:
    members = {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }  # fmt: skip
    assert len(members) == 27
    assert members == EU_MEMBER_STATES


@pytest.mark.parametrize(
    ("country", "inside"),
    [
        *((code, True) for code in sorted(EU_MEMBER_STATES)),
        # EEA and Switzerland.
        ("IS", True), ("LI", True), ("NO", True), ("CH", True),
        # French outermost regions have ISO codes of their own; Åland too.
        ("RE", True), ("GP", True), ("MQ", True), ("GF", True), ("YT", True), ("MF", True), ("AX", True),
        # Not EU territory: the UK since Brexit, Gibraltar, overseas countries and territories, Faroe, Greenland.
        ("GB", False), ("GI", False), ("PF", False), ("NC", False), ("BL", False), ("PM", False), ("AW", False),
        ("CW", False), ("SX", False), ("FO", False), ("GL", False),
        # Neighbours, and Greece's other code.
        ("TR", False), ("RS", False), ("US", False), ("EL", False), ("", False),
    ],
)  # fmt: skip
def test_eu261_area(country: str, inside: bool) -> None:
    assert in_eu261_area(country) is inside


@pytest.mark.parametrize(
    ("distance_km", "intra_eu", "band"),
    [
        (0.0, False, Band.SHORT),
        (1499.999, False, Band.SHORT),
        (1500.0, False, Band.SHORT),  # Art. 7(1)(a): "1500 kilometres or less"
        (math.nextafter(1500.0, math.inf), False, Band.MEDIUM),
        (1500.001, False, Band.MEDIUM),
        (3499.999, False, Band.MEDIUM),
        (3500.0, False, Band.MEDIUM),  # Art. 7(1)(b): "between 1500 and 3500 kilometres", inclusive
        (math.nextafter(3500.0, math.inf), False, Band.LONG),
        (3500.001, False, Band.LONG),
        (20_000.0, False, Band.LONG),
        (1500.0, True, Band.SHORT),
        (1500.001, True, Band.MEDIUM),
        (3500.0, True, Band.MEDIUM),
        (3500.001, True, Band.MEDIUM),  # Art. 7(1)(b): every intra-Community flight over 1500 km
        (20_000.0, True, Band.MEDIUM),
    ],
)
def test_band_for_distance(distance_km: float, intra_eu: bool, band: Band) -> None:
    assert band_for_distance(distance_km, intra_eu=intra_eu) is band


@pytest.mark.parametrize(
    ("km", "origin_country", "destination_country", "band"),
    [
        (1499.999, "ZZ", "ZZ", Band.SHORT),
        (1500.001, "ZZ", "ZZ", Band.MEDIUM),
        (3499.999, "ZZ", "ZZ", Band.MEDIUM),
        (3500.001, "ZZ", "ZZ", Band.LONG),
        (3500.001, "FR", "ZZ", Band.LONG),  # one end outside is not intra-EU
        (3500.001, "ZZ", "DE", Band.LONG),
        (3500.001, "FR", "DE", Band.MEDIUM),
        (3500.001, "NO", "CH", Band.MEDIUM),
        (1499.999, "FR", "DE", Band.SHORT),
    ],
)
def test_band_between_places_one_metre_either_side(
    km: float, origin_country: str, destination_country: str, band: Band
) -> None:
    origin = Place(0.0, 0.0, origin_country)
    assert band_between(origin, north_of_null_island(km, destination_country)) is band


@pytest.mark.parametrize(
    ("pair", "band"),
    [
        ("CDG FCO", Band.SHORT),  # ≈ 1101 km
        ("WAW LHR", Band.SHORT),  # ≈ 1470 km
        ("CDG MLA", Band.MEDIUM),  # ≈ 1755 km
        ("ZRH KEF", Band.MEDIUM),  # ≈ 2631 km, CH–IS
        ("LHR LCA", Band.MEDIUM),  # ≈ 3278 km: medium by distance although GB is outside
        ("LIS LCA", Band.MEDIUM),  # ≈ 3796 km, intra-EU
        ("HEL TFS", Band.MEDIUM),  # ≈ 4741 km, intra-EU (the Canaries are Spain)
        ("OSL LPA", Band.MEDIUM),  # ≈ 4105 km, NO–ES: EEA counts
        ("CDG RUN", Band.MEDIUM),  # ≈ 9369 km, Réunion is an outermost region
        ("CDG PTP", Band.MEDIUM),  # ≈ 6770 km, Guadeloupe too
        ("LHR RUN", Band.LONG),  # GB is outside since Brexit
        ("CDG PPT", Band.LONG),  # French Polynesia is an overseas territory, outside the EU
        ("LHR JFK", Band.LONG),
        ("CDG DXB", Band.LONG),
        ("JFK CDG", Band.LONG),
    ],
)
def test_band_between_airports(pair: str, band: Band) -> None:
    origin, destination = (AIRPORTS[code] for code in pair.split())
    assert band_between(origin, destination) is band
