"""Itinerary search and priority classes: each POLICY rule at its boundary (pure, no database)."""

from __future__ import annotations

import pytest

from rebooking.domain import Traveller, priority_class, sector_cabins
from rebooking.search import Network
from tests.factories.rebooking import MCT, flight, party

MINUTES_72H = 72 * 60


def flights_of(network: Network, p) -> list[tuple[int, ...]]:
    return [tuple(f.id for f in c.flights) for c in network.candidates(p)]


@pytest.mark.parametrize(("departs", "found"), [(60, True), (59, False)])
def test_first_departure_no_earlier_than_availability(departs, found):
    network = Network([flight(1, departs=departs, arrives=200)], MCT)
    assert flights_of(network, party(1, available=60)) == ([(1,)] if found else [])


@pytest.mark.parametrize(("departs", "found"), [(210, True), (209, False)])
def test_no_flight_departing_less_than_30_minutes_after_the_event(departs, found):
    # Cancelled three hours after its scheduled departure (available from 0): what left before 180 + 30 is gone.
    network = Network([flight(1, departs=departs, arrives=400), flight(2, departs=100, arrives=300)], MCT)
    assert flights_of(network, party(1, available=0, event=180, scheduled=120)) == ([(1,)] if found else [])


def test_the_later_of_availability_and_the_event_bounds_the_first_departure():
    network = Network([flight(1, departs=95, arrives=300), flight(2, departs=120, arrives=310)], MCT)
    assert flights_of(network, party(1, available=100, event=60)) == [(2,)]  # availability, 100, is the later
    assert flights_of(network, party(2, available=60, event=65)) == [(1,), (2,)]  # the event's 65 + 30 = 95 is
    assert flights_of(network, party(3, available=60, event=66)) == [(2,)]  # 96: the 95 flight has closed


def test_the_30_minutes_apply_to_the_first_leg_of_a_connection():
    network = Network([flight(1, "AAA", "HUB", 60, 120), flight(2, "HUB", "BBB", 200, 300)], MCT)
    assert flights_of(network, party(1, event=30)) == [(1, 2)]
    assert flights_of(network, party(2, event=31)) == []


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


def _cabins(network: Network, p) -> list[tuple[tuple[str, ...], ...]]:
    return [c.cabins for c in network.candidates(p)]


def test_a_y_feeder_and_j_long_haul_keeps_the_long_haul_in_j_or_higher():
    # Booked AAA→HUB in Y and HUB→BBB in J; the feeder is cancelled: both sectors are replaced.
    booked = party(1, cabin="Y", sectors={"AAA": "Y", "HUB": "J"})
    feeder = flight(1, "AAA", "HUB", 60, 120, seats={"Y": 5, "J": 5})
    long_haul = flight(2, "HUB", "BBB", 200, 600, seats={"Y": 5, "J": 1, "F": 1})
    assert _cabins(Network([feeder, long_haul], MCT), booked) == [(("Y", "J"), ("J", "F"))]
    only_y = flight(2, "HUB", "BBB", 200, 600, seats={"Y": 5})
    assert _cabins(Network([feeder, only_y], MCT), booked) == []


def test_a_j_feeder_and_y_long_haul_may_fly_the_long_haul_in_y():
    # Booked AAA→HUB in J and HUB→BBB in Y: the feeder is cancelled and only Y is free from HUB.
    booked = party(1, cabin="J", sectors={"AAA": "J", "HUB": "Y"})
    network = Network(
        [flight(1, "AAA", "HUB", 60, 120, seats={"Y": 5, "J": 1}), flight(2, "HUB", "BBB", 200, 600, seats={"Y": 5})],
        MCT,
    )
    assert _cabins(network, booked) == [(("J",), ("Y",))]


def test_after_a_misconnect_a_y_long_haul_is_replaced_in_y_whatever_the_feeder_was():
    # A J feeder into HUB was delayed; only the Y long-haul from HUB is replaced (the feeder is kept).
    booked = party(1, cabin="Y", origin="HUB", sectors={"HUB": "Y"})
    network = Network(
        [
            flight(1, "HUB", "BBB", 200, 600, seats={"Y": 5}),
            flight(2, "HUB", "CCC", 200, 300, seats={"Y": 5}),
            flight(3, "CCC", "BBB", 400, 700, seats={"Y": 5}),
        ],
        MCT,
    )
    assert _cabins(network, booked) == [(("Y",),), (("Y",), ("Y",))]


def test_a_leg_from_an_airport_no_replaced_segment_left_from_keeps_the_first_sectors_cabin():
    # Booked AAA→HUB in J and HUB→BBB in Y, rerouted through CCC: the CCC→BBB leg takes the first sector's J.
    booked = party(1, cabin="J", sectors={"AAA": "J", "HUB": "Y"})
    via_ccc = [flight(1, "AAA", "CCC", 60, 120, seats={"J": 2}), flight(2, "CCC", "BBB", 200, 600, seats={"Y": 5})]
    assert _cabins(Network(via_ccc, MCT), booked) == []
    via_ccc[1] = flight(2, "CCC", "BBB", 200, 600, seats={"Y": 5, "J": 1})
    assert _cabins(Network(via_ccc, MCT), booked) == [(("J",), ("J",))]


def test_two_replaced_segments_from_one_airport_keep_the_higher_cabin():
    assert sector_cabins([("AAA", "Y"), ("HUB", "J"), ("AAA", "F"), ("AAA", "J")]) == {"AAA": "F", "HUB": "J"}


@pytest.mark.parametrize("sectors", [{"AAA": "W"}, {"HUB": ""}])
def test_an_unknown_sector_cabin_is_refused(sectors):
    with pytest.raises(ValueError, match="unknown cabin"):
        party(1, sectors=sectors)
