"""The reaccommodation optimiser against exhaustive enumeration on small networks (pure, no database)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from rebooking.domain import CABIN_LEVEL, FlightOption, Itinerary, Party
from rebooking.optimiser import Plan, reaccommodate
from rebooking.search import Network
from tests.factories.rebooking import MCT, flight, party, rule_violations

Vector = tuple[int, ...]


def minutes_late(p: Party, arrival: datetime) -> int:
    return int((arrival - p.scheduled_arrival).total_seconds() // 60)


Route = tuple[tuple[int, ...], tuple[str, ...]]  # flight ids, and the cabin flown on each


def itineraries(p: Party, flights: list[FlightOption]) -> list[tuple[FlightOption, ...]]:
    """Every alternative POLICY.md ("Rebooking") allows ``p``, found from the flights themselves, not through the
    search under test: one or two flights, not cancelled, from the disruption point to the final destination,
    first departure no earlier than the party's availability nor 30 minutes after the event, a connection of at
    least the airport's MCT, arriving at most 72 h after the ticketed arrival, every leg with a cabin of its
    sector's class or higher that seats the whole party; in the tie-break order (earliest arrival, fewest legs,
    designators)."""
    earliest = max(p.available_from, p.event_time + timedelta(minutes=30))
    latest = p.scheduled_arrival + timedelta(hours=72)
    open_flights = [f for f in flights if not f.cancelled]
    routes = [(f,) for f in open_flights] + [
        (first, second)
        for first in open_flights
        for second in open_flights
        if first.destination == second.origin
        and second.departure >= first.arrival + timedelta(minutes=MCT[first.destination])
    ]
    valid = [
        route
        for route in routes
        if route[0].origin == p.origin
        and route[-1].destination == p.destination
        and route[0].departure >= earliest
        and route[-1].arrival <= latest
        and all(seating_cabins(p, f) for f in route)
    ]
    return sorted(valid, key=lambda route: (route[-1].arrival, len(route), tuple(f.designator for f in route)))


def seating_cabins(p: Party, f: FlightOption) -> list[str]:
    """Cabins of ``f`` at or above the party's booked class on that sector with a seat for each member."""
    booked = CABIN_LEVEL[p.sector_cabins.get(f.origin, p.cabin)]
    return [c for c in CABIN_LEVEL if CABIN_LEVEL[c] >= booked and f.free(c) >= p.size]


def contribution(p: Party, flights: list[FlightOption], itinerary: Route | None) -> Vector:
    """A party's share of the objective vector: (-protected, delay) per class 1..6, then tie rank, upgrades."""
    vector = [0] * 14
    if itinerary is None:
        return tuple(vector)
    flight_ids, cabins = itinerary
    ranked = [tuple(f.id for f in route) for route in itineraries(p, flights)]
    chosen = itineraries(p, flights)[ranked.index(flight_ids)]
    vector[2 * (p.priority - 1)] = -p.size
    vector[2 * (p.priority - 1) + 1] = p.size * minutes_late(p, chosen[-1].arrival)
    vector[12] = ranked.index(flight_ids)
    # Upgrades: cabin levels above the one booked on the leg's sector (its origin's replaced segment, else the first).
    booked = [p.sector_cabins.get(f.origin, p.cabin) for f in chosen]
    vector[13] = sum(p.size * (CABIN_LEVEL[c] - CABIN_LEVEL[b]) for c, b in zip(cabins, booked, strict=True))
    return tuple(vector)


def plan_vector(parties: list[Party], flights: list[FlightOption], plan: Plan) -> Vector:
    total = [0] * 14
    for p in parties:
        itinerary = plan.itineraries[p.booking_id]
        chosen = None if itinerary is None else (itinerary.flight_ids, itinerary.cabins)
        total = [a + b for a, b in zip(total, contribution(p, flights, chosen), strict=True)]
    return tuple(total)


def options(p: Party, flights: list[FlightOption]) -> list[Route | None]:
    """Unprotected, or any alternative with any cabin that seats the party on each leg."""
    found: list[Route | None] = [None]
    for route in itineraries(p, flights):
        ids = tuple(f.id for f in route)
        found += [(ids, cabins) for cabins in itertools.product(*(seating_cabins(p, f) for f in route))]
    return found


def brute_force(parties: list[Party], flights: list[FlightOption]) -> Vector:
    """The lexicographically least objective vector over every assignment that oversells no cabin."""
    seats = {(f.id, c): f.free(c) for f in flights for c in CABIN_LEVEL}
    choices = [[(o, contribution(p, flights, o)) for o in options(p, flights)] for p in parties]
    best: list[Vector] = []

    def search(k: int, total: Vector) -> None:
        if k == len(parties):
            if not best or total < best[0]:
                best[:] = [total]
            return
        for option, share in choices[k]:
            legs = [] if option is None else list(zip(*option, strict=True))
            if all(seats[leg] >= parties[k].size for leg in legs):
                for leg in legs:
                    seats[leg] -= parties[k].size
                search(k + 1, tuple(a + b for a, b in zip(total, share, strict=True)))
                for leg in legs:
                    seats[leg] += parties[k].size

    search(0, (0,) * 14)
    return best[0]


def solve(parties: list[Party], flights: list, time_limit: float = 10.0) -> Plan:
    plan = reaccommodate(parties, Network(flights, MCT), time_limit=time_limit)
    assert rule_violations(parties, dict(plan.itineraries), MCT) == []
    return plan


def route(plan: Plan, booking_id: int) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    itinerary: Itinerary | None = plan.itineraries[booking_id]
    return None if itinerary is None else (itinerary.flight_ids, itinerary.cabins)


def test_a_class_1_party_beats_a_bigger_class_6_party_for_the_last_seats():
    parties = [party(1, size=3), party(2, size=1, assistance=("WCHR",))]
    plan = solve(parties, [flight(1, seats={"Y": 3})])
    assert route(plan, 2) == ((1,), ("Y",))
    assert route(plan, 1) is None
    assert plan.unprotected == (1,)
    assert plan.stats.optimal


def test_classes_in_order_premium_then_tiers():
    parties = [party(1, tier="silver"), party(2, tier="gold"), party(3, tier="platinum"), party(4), party(5)]
    plan = solve(parties, [flight(1, seats={"Y": 2}), flight(2, departs=600, arrives=700, seats={"Y": 1})])
    assert route(plan, 3) == ((1,), ("Y",))
    assert route(plan, 2) == ((1,), ("Y",))
    assert route(plan, 1) == ((2,), ("Y",))
    assert route(plan, 4) is route(plan, 5) is None


def test_a_lower_class_cannot_buy_its_seat_with_a_higher_class_delay():
    # Class 1 (two parties) is fastest on E and via HUB on L; moving one of them to the late M would free L
    # for the class 6 party, at 360 more minutes of class 1 delay: never.
    flights = [
        flight(1, "AAA", "BBB", 60, 180, seats={"Y": 1}),
        flight(2, "AAA", "HUB", 60, 120, seats={"Y": 1}),
        flight(3, "HUB", "BBB", 165, 240),
        flight(4, "HUB", "CCC", 200, 300),
        flight(5, "AAA", "BBB", 480, 600, seats={"Y": 1}),
    ]
    parties = [party(1, assistance=("WCHR",)), party(2, assistance=("WCHR",)), party(3, destination="CCC")]
    plan = solve(parties, flights)
    assert {route(plan, 1)[0], route(plan, 2)[0]} == {(1,), (2, 3)}
    assert route(plan, 3) is None
    assert plan_vector(parties, flights, plan) == brute_force(parties, flights)


def test_a_party_travels_together_or_not_at_all():
    flights = [flight(1, seats={"Y": 2}), flight(2, departs=90, arrives=200, seats={"Y": 2, "J": 1})]
    plan = solve([party(1, size=3)], flights)
    assert route(plan, 1) is None


def test_nested_cabins_a_y_party_may_sit_in_j_a_j_party_never_in_y():
    flights = [flight(1, seats={"Y": 0, "J": 1}), flight(2, "AAA", "CCC", seats={"Y": 5})]
    plan = solve([party(1, cabin="Y"), party(2, cabin="J", destination="CCC")], flights)
    assert route(plan, 1) == ((1,), ("J",))
    assert route(plan, 2) is None


def test_premium_party_gets_the_j_seat_the_y_party_takes_y():
    plan = solve([party(1, cabin="Y"), party(2, cabin="J")], [flight(1, seats={"Y": 1, "J": 1})])
    assert route(plan, 1) == ((1,), ("Y",))
    assert route(plan, 2) == ((1,), ("J",))


def test_each_sector_keeps_its_own_booked_cabin():
    # Both parties' feeder AAA→HUB was cancelled. Party 1 booked it in J and HUB→BBB in Y: only Y is left on
    # the long-haul, which it may fly. Party 2 booked Y then J: its long-haul leg must stay J, the one J seat.
    flights = [
        flight(1, "AAA", "HUB", 60, 120, seats={"Y": 5, "J": 5}),
        flight(2, "HUB", "BBB", 200, 600, seats={"Y": 1, "J": 1}),
    ]
    parties = [
        party(1, cabin="J", sectors={"AAA": "J", "HUB": "Y"}),
        party(2, cabin="Y", sectors={"AAA": "Y", "HUB": "J"}),
    ]
    plan = solve(parties, flights)
    assert route(plan, 1) == ((1, 2), ("J", "Y"))
    assert route(plan, 2) == ((1, 2), ("Y", "J"))
    assert plan_vector(parties, flights, plan) == brute_force(parties, flights)


def test_an_upgrade_is_counted_against_the_sectors_own_cabin():
    # J booked on the feeder, Y from HUB: flying HUB→BBB in J is an upgrade, avoided when Y is free.
    plan = solve(
        [party(1, cabin="J", sectors={"AAA": "J", "HUB": "Y"})],
        [flight(1, "AAA", "HUB", 60, 120, seats={"J": 3}), flight(2, "HUB", "BBB", 200, 600, seats={"Y": 3, "J": 3})],
    )
    assert route(plan, 1) == ((1, 2), ("J", "Y"))


def test_upgrades_are_counted_from_each_sectors_own_cabin_when_parties_compete():
    # Two F parties compete for NV1's one F seat; the other flies through a hub, arriving 100 minutes later on
    # its second-best itinerary, so both plans tie until upgrades. Party 1 booked F to HUB and Y from HUB: via
    # HUB it would sit in J on NV3 (no Y left), an upgrade over its Y sector. Party 2 via CCC keeps its F.
    flights = [
        flight(1, "AAA", "BBB", 60, 200, seats={"F": 1}),
        flight(2, "AAA", "HUB", 60, 120, seats={"F": 1}),
        flight(3, "HUB", "BBB", 200, 300, seats={"J": 1}),
        flight(5, "AAA", "CCC", 60, 120, seats={"F": 1}),
        flight(6, "CCC", "BBB", 200, 300, seats={"F": 1}),
    ]
    parties = [party(1, cabin="F", sectors={"AAA": "F", "HUB": "Y"}), party(2, cabin="F")]
    plan = solve(parties, flights)
    assert (route(plan, 1), route(plan, 2)) == (((1,), ("F",)), ((5, 6), ("F", "F")))
    assert plan_vector(parties, flights, plan) == brute_force(parties, flights)


def test_parties_alike_but_for_a_sectors_cabin_are_not_interchangeable():
    # Three Y parties for NV2's one Y and one J seat from HUB; party 3 booked J from HUB. Protecting it in J and
    # another in Y needs no upgrade; grouping it with its look-alikes would seat one of them in J instead.
    flights = [
        flight(1, "AAA", "HUB", 60, 120, seats={"Y": 5}),
        flight(2, "HUB", "BBB", 200, 300, seats={"Y": 1, "J": 1}),
    ]
    parties = [party(k, sectors={"AAA": "Y", "HUB": cabin}) for k, cabin in ((1, "Y"), (2, "Y"), (3, "J"))]
    plan = solve(parties, flights)
    assert route(plan, 3) == ((1, 2), ("Y", "J"))
    assert plan_vector(parties, flights, plan) == brute_force(parties, flights)


def test_no_needless_upgrade():
    plan = solve([party(1, size=2)], [flight(1, seats={"Y": 2, "J": 4, "F": 4})])
    assert route(plan, 1) == ((1,), ("Y",))


def test_two_leg_connection_when_the_direct_flight_is_full():
    flights = [
        flight(1, seats={"Y": 1}),
        flight(2, "AAA", "HUB", 60, 120, seats={"Y": 0, "F": 2}),
        flight(3, "HUB", "BBB", 165, 260, seats={"J": 2}),
    ]
    plan = solve([party(1, size=2), party(2, size=1, tier="gold")], flights)
    assert route(plan, 2) == ((1,), ("Y",))
    assert route(plan, 1) == ((2, 3), ("F", "J"))


def test_least_total_delay_decides_who_takes_the_contended_seat():
    # Both class 6 and scheduled at 120; party 1 comes first in the greedy order and would take the one
    # seat to HUB. Its other option is 60 minutes later, party 2's 300: the optimum gives party 2 the seat.
    flights = [
        flight(1, "AAA", "HUB", 60, 120, seats={"Y": 1}),
        flight(2, "HUB", "BBB", 200, 300),
        flight(3, "HUB", "CCC", 200, 300),
        flight(4, "AAA", "BBB", 250, 360),
        flight(5, "AAA", "CCC", 500, 600),
    ]
    parties = [party(1, destination="BBB"), party(2, destination="CCC")]
    plan = solve(parties, flights)
    assert route(plan, 1) == ((4,), ("Y",))
    assert route(plan, 2) == ((1, 3), ("Y", "Y"))
    assert plan_vector(parties, flights, plan) == brute_force(parties, flights)
    assert plan.stats.optimal
    assert plan.stats.milp_solves >= 1


def test_designator_breaks_a_tie_deterministically():
    flights = [
        flight(7, designator="NV0200/2026-11-25", seats={"Y": 1}),
        flight(3, designator="NV0100/2026-11-25", seats={"Y": 1}),
    ]
    plans = [solve([party(1)], list(order)) for order in (flights, flights[::-1])]
    assert [route(plan, 1) for plan in plans] == [((3,), ("Y",))] * 2


def test_earliest_arrival_then_fewest_legs():
    flights = [
        flight(1, departs=60, arrives=300),
        flight(2, "AAA", "HUB", 30, 90),
        flight(3, "HUB", "BBB", 200, 300, designator="NV0001/2026-11-25"),
        flight(4, departs=200, arrives=299, designator="NV9999/2026-11-25"),
    ]
    plan = solve([party(1)], flights)
    assert route(plan, 1) == ((4,), ("Y",))
    plan = solve([party(1)], flights[:3])
    assert route(plan, 1) == ((1,), ("Y",))


def test_party_without_any_itinerary_is_unprotected():
    plan = solve([party(1, destination="DDD")], [flight(1)])
    assert plan.unprotected == (1,)
    assert plan.stats.optimal


def test_a_booking_in_two_parties_is_refused():
    with pytest.raises(ValueError, match="more than one party"):
        reaccommodate([party(1), party(1)], Network([], MCT))


def random_instance(rng: random.Random) -> tuple[list[Party], list]:
    """2-6 parties and some twins (mostly class 6, so they compete on counts and delays) on 2-9 flights with
    0-3 free seats per cabin, some cancelled, between AAA, HUB, BBB and CCC; some disruptions happen after a
    flight has left, some journeys have another cabin booked from HUB."""
    pairs = [("AAA", "BBB"), ("AAA", "HUB"), ("HUB", "BBB"), ("AAA", "CCC"), ("HUB", "CCC")]
    flights = []
    for flight_id in range(1, rng.randint(3, 10)):
        origin, destination = rng.choice(pairs)
        departs = rng.randrange(0, 600, 15)
        flights.append(
            flight(
                flight_id,
                origin,
                destination,
                departs,
                departs + rng.randrange(45, 240, 15),
                seats={c: rng.choice([0, 1, 1, 2, 3]) for c in ("Y", "J", "F")},
                cancelled=rng.random() < 0.1,
                designator=f"NV{rng.randrange(1, 50):04d}/2026-11-25",
            )
        )
    parties = []
    for booking_id in range(1, rng.randint(3, 7)):
        cabin, origin = rng.choice("YYYYJF"), rng.choice(["AAA", "AAA", "AAA", "HUB"])
        # Some journeys were booked through HUB in another cabin than their first sector's.
        through_hub = origin == "AAA" and rng.random() < 0.4
        parties.append(
            party(
                booking_id,
                size=rng.choice([1, 1, 2, 2, 3]),
                cabin=cabin,
                origin=origin,
                destination=rng.choice(["BBB", "BBB", "CCC"]),
                available=rng.randrange(0, 120, 15),
                scheduled=rng.randrange(60, 400, 15),
                tier=rng.choice(["none"] * 6 + ["silver", "gold", "platinum"]),
                assistance=("WCHR",) if rng.random() < 0.05 else (),
                event=rng.randrange(-60, 60, 15),
                sectors={origin: cabin, "HUB": rng.choice("YYJF")} if through_hub else None,
            )
        )
    # Passengers of one disrupted flight often look alike: clone some parties under a new booking.
    for twin in [p for p in parties if rng.random() < 0.3]:
        parties.append(replace(twin, booking_id=len(parties) + 1, locator=f"LOC{len(parties) + 1:03d}"))
    return parties, flights


def small_instances(count: int, seed: int) -> list[tuple[list[Party], list]]:
    """``count`` random instances with something to decide, small enough to enumerate (<= 20,000 assignments)."""
    rng = random.Random(seed)
    instances = []
    while len(instances) < count:
        parties, flights = random_instance(rng)
        if 1 < _assignments(parties, flights) <= 20_000:
            instances.append((parties, flights))
    return instances


def _assignments(parties: list[Party], flights: list[FlightOption]) -> int:
    total = 1
    for p in parties:
        total *= len(options(p, flights))
    return total


@pytest.mark.parametrize("seed", range(4))
def test_random_instances_match_brute_force(seed):
    beats_greedy = 0
    for parties, flights in small_instances(75, seed):
        plan = solve(parties, flights)
        assert plan.stats.optimal
        optimum = brute_force(parties, flights)
        assert plan_vector(parties, flights, plan) == optimum
        greedy_only = solve(parties, flights, time_limit=0.0)
        beats_greedy += plan_vector(parties, flights, greedy_only) != optimum
    # The instances are hard enough that the greedy start alone is not always optimal.
    assert beats_greedy >= 2


def test_out_of_time_fallback_is_feasible_and_reports_its_gap():
    rng = random.Random(99)
    fell_back = 0
    for parties, flights in small_instances(60, 7) + [random_instance(rng) for _ in range(40)]:
        plan = solve(parties, flights, time_limit=0.0)
        assert plan.stats.gap >= 0
        assert plan.stats.optimal == (plan.stats.fallback_components == 0)
        fell_back += not plan.stats.optimal
    assert fell_back > 0


def test_interchangeable_parties_take_the_best_seats_in_locator_order():
    twins = [party(booking_id) for booking_id in (3, 1, 2)]
    flights = [flight(1, seats={"Y": 2}), flight(2, departs=300, arrives=420, seats={"Y": 1, "J": 0})]
    plan = solve([*twins, party(4, tier="gold")], flights)
    assert route(plan, 4) == ((1,), ("Y",))
    assert [route(plan, booking_id) for booking_id in (1, 2, 3)] == [((1,), ("Y",)), ((2,), ("Y",)), None]


def hub_instance(rng: random.Random, parties: int) -> tuple[list[Party], list]:
    """``parties`` parties stranded at AAA or HUB, 80 flights over two days among five airports, seats short."""
    airports = ["AAA", "HUB", "BBB", "CCC", "DDD"]
    flights = []
    for flight_id in range(1, 81):
        origin, destination = rng.sample(airports, 2)
        departs = rng.randrange(0, 3000, 15)
        seats = {"Y": rng.randint(0, 9), "J": rng.randint(0, 3), "F": rng.randint(0, 1)}
        flights.append(flight(flight_id, origin, destination, departs, departs + rng.randrange(60, 300, 15), seats))
    stranded = [
        party(
            booking_id,
            size=rng.choice([1, 1, 2, 3]),
            cabin=rng.choice("YYYJF"),
            origin=rng.choice(["AAA", "HUB"]),
            destination=rng.choice(["BBB", "CCC", "DDD"]),
            available=rng.randrange(0, 600, 15),
            scheduled=rng.randrange(300, 900, 15),
            tier=rng.choice(["none", "none", "gold"]),
        )
        for booking_id in range(1, parties + 1)
    ]
    return stranded, flights


def test_a_short_time_limit_keeps_a_feasible_plan_and_reports_its_gap():
    parties, flights = hub_instance(random.Random(6), 60)
    hurried = solve(parties, flights, time_limit=0.02)
    assert not hurried.stats.optimal
    assert hurried.stats.gap >= 0
    assert hurried.stats.stopped_at
    optimum = solve(parties, flights, time_limit=60)
    assert optimum.stats.optimal
    assert optimum.stats.gap == 0
    assert plan_vector(parties, flights, hurried) >= plan_vector(parties, flights, optimum)
