"""Itinerary search and priority classes: each POLICY rule at its boundary (pure, no database)."""

from __future__ import annotations

import pytest

from rebooking.domain import Traveller, priority_class
from rebooking.search import Network
from tests.factories.rebooking import MCT, flight, party

MINUTES_72H = 72 * 60


def flights_of(network: Network, p) -> list[tuple[int, ...]]:
    return [tuple(f.id for f in c.flights) for c in network.candidates(p)]


@pytest.mark.parametrize(("departs", "found"), [(60, True), (59, False)])
def test_first_departure_no_earlier_than_availability(departs, found):
    network = Network([flight(1, departs=departs, arrives=200)], MCT)
    assert flights_of(network, party(1, available=60)) == ([(1,)] if found else [])


@pytest.mark.parametrize(("gap", "found"), [(45, True), (44, False)])
def test_connection_respects_the_connecting_airports_mct(gap, found):
    # HUB's MCT is 45; the origin's (30) and destination's (40) do not apply.
    network = Network(
        [flight(1, "AAA", "HUB", departs=60, arrives=120), flight(2, "HUB", "BBB", departs=120 + gap, arrives=400)],
        MCT,
    )
    assert flights_of(network, party(1)) == ([(1, 2)] if found else [])


@pytest.mark.parametrize(("late", "found"), [(MINUTES_72H, True), (MINUTES_72H + 1, False)])
def test_last_arrival_within_72_hours_of_the_original_arrival(late, found):
    direct = flight(1, departs=late - 60, arrives=120 + late)
    connecting = [flight(2, "AAA", "HUB", departs=60, arrives=120), flight(3, "HUB", "BBB", 200, 120 + late)]
    network = Network([direct, *connecting], MCT)
    assert flights_of(network, party(1, scheduled=120)) == ([(1,), (2, 3)] if found else [])


def test_cancelled_flights_are_never_used():
    network = Network(
        [
            flight(1, cancelled=True),
            flight(2, "AAA", "HUB", 60, 120),
            flight(3, "HUB", "BBB", 200, 300, cancelled=True),
            flight(4, "AAA", "HUB", 60, 120, cancelled=True),
            flight(5, "HUB", "BBB", 210, 320),
        ],
        MCT,
    )
    assert flights_of(network, party(1)) == [(2, 5)]


@pytest.mark.parametrize(
    ("booked", "seats", "cabins"),
    [
        ("Y", {"Y": 1, "J": 1, "F": 1}, ("Y", "J", "F")),
        ("J", {"Y": 9, "J": 1, "F": 1}, ("J", "F")),
        ("J", {"Y": 9, "F": 1}, ("F",)),
        ("J", {"Y": 9}, None),
        ("F", {"Y": 9, "J": 9}, None),
        ("Y", {"J": 1}, ("J",)),
    ],
)
def test_cabin_is_the_booked_one_or_higher_never_lower(booked, seats, cabins):
    candidates = Network([flight(1, seats=seats)], MCT).candidates(party(1, cabin=booked))
    assert [c.cabins for c in candidates] == ([(cabins,)] if cabins else [])


def test_a_cabin_must_seat_the_whole_party():
    network = Network([flight(1, seats={"Y": 2, "J": 3})], MCT)
    assert [c.cabins for c in network.candidates(party(1, size=3))] == [(("J",),)]
    assert network.candidates(party(2, size=4)) == ()


def test_every_leg_of_a_connection_needs_a_cabin_for_the_party():
    network = Network([flight(1, "AAA", "HUB", 60, 120, seats={"J": 1}), flight(2, "HUB", "BBB", 200, 300)], MCT)
    assert flights_of(network, party(1, cabin="Y")) == [(1, 2)]
    assert flights_of(network, party(2, cabin="J")) == []


def test_candidates_ordered_by_arrival_then_legs_then_designator():
    network = Network(
        [
            flight(1, departs=300, arrives=500, designator="NV0900/2026-11-25"),
            flight(2, departs=310, arrives=500, designator="NV0100/2026-11-25"),
            flight(3, "AAA", "HUB", 60, 120),
            flight(4, "HUB", "BBB", 200, 500, designator="NV0050/2026-11-25"),
            flight(5, departs=100, arrives=600),
            flight(6, departs=100, arrives=200),
        ],
        MCT,
    )
    assert flights_of(network, party(1)) == [(6,), (2,), (1,), (3, 4), (5,)]


def test_no_three_leg_itineraries_and_no_seatless_flights():
    network = Network(
        [
            flight(1, "AAA", "CCC", 60, 120),
            flight(2, "CCC", "HUB", 200, 260),
            flight(3, "HUB", "BBB", 400, 500),
            flight(4, "AAA", "BBB", 60, 100, seats={}),
            flight(5, "BBB", "CCC", 200, 300),
        ],
        MCT,
    )
    assert flights_of(network, party(1)) == []


def test_disruption_point_is_the_partys_origin():
    network = Network([flight(1, "HUB", "BBB", 60, 200), flight(2, "AAA", "BBB", 60, 200)], MCT)
    assert flights_of(network, party(1, origin="HUB")) == [(1,)]


@pytest.mark.parametrize(
    ("cabin", "travellers", "expected"),
    [
        ("Y", [Traveller(1, "platinum"), Traveller(2, assistance=("WCHR",))], 1),
        ("J", [Traveller(1, "platinum")], 2),
        ("F", [Traveller(1)], 2),
        ("Y", [Traveller(1, "silver"), Traveller(2, "platinum")], 3),
        ("Y", [Traveller(1, "gold"), Traveller(2)], 4),
        ("Y", [Traveller(1, "silver")], 5),
        ("Y", [Traveller(1), Traveller(2)], 6),
    ],
)
def test_priority_class_is_the_highest_of_the_members(cabin, travellers, expected):
    assert priority_class(cabin, travellers) == expected
