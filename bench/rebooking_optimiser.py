"""Solve time of the pure reaccommodation optimiser on synthetic hub disruptions.

    .venv/bin/python bench/rebooking_optimiser.py [--sizes 100 300 1000 3000] [--spokes 30] [--time-limit 60]

A hub with N spokes, three days of flights each way (about 15 flights per spoke: a few hundred in all) with
a few free seats per cabin. Affected passengers (parties of 1-4, mixed cabins, tiers and assistance) are
stranded at the hub (misconnects, cancelled hub departures) or at a spoke (cancelled inbound flights, going
on through the hub). No database: it times ``Network`` + ``reaccommodate`` only. Prints, per size, the
seconds, how many passengers were protected, and how the optimum was reached.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rebooking.domain import FlightOption, Party, Traveller
from rebooking.optimiser import reaccommodate
from rebooking.search import Network

DAY0 = datetime(2026, 11, 25, tzinfo=UTC)
HUB = "HUB"
HUB_MCT = 45


def hub_network(rng: random.Random, spokes: int) -> tuple[list[FlightOption], dict[str, int]]:
    """Three days of flights between the hub and each spoke, 2-3 a day each way."""
    flights = []
    for s in range(spokes):
        spoke = f"S{s:02d}"
        block = timedelta(minutes=rng.randrange(60, 240, 5))
        for day in range(3):
            for origin, destination in ((spoke, HUB), (HUB, spoke)):
                for _ in range(rng.choice([2, 2, 3])):
                    departure = DAY0 + timedelta(days=day, minutes=rng.randrange(6 * 60, 22 * 60, 5))
                    flights.append(
                        FlightOption(
                            id=len(flights) + 1,
                            designator=f"NV{len(flights) + 100}/{departure.date().isoformat()}",
                            origin=origin,
                            destination=destination,
                            departure=departure,
                            arrival=departure + block,
                            cancelled=rng.random() < 0.03,
                            free_seats={"F": rng.choice([0, 0, 1, 2]), "J": rng.randint(0, 4), "Y": rng.randint(0, 14)},
                        )
                    )
    mct = {HUB: HUB_MCT, **{f"S{s:02d}": rng.choice([30, 40, 60]) for s in range(spokes)}}
    return flights, mct


def affected_parties(
    rng: random.Random, flights: list[FlightOption], passengers: int, hub_mct: int = HUB_MCT
) -> list[Party]:
    """Disrupt day-0 flights one after another until ``passengers`` are affected.

    A cancelled hub departure strands its passengers at the hub; a cancelled inbound flight strands its
    passengers at their spoke, most of them connecting on through the hub; a delayed inbound flight makes its
    connecting passengers miss their onward flights and be reaccommodated from the hub. Passengers of one
    flight share their availability and, when they share an onward flight, their original arrival.
    """
    day0 = [f for f in flights if f.departure < DAY0 + timedelta(days=1) and not f.cancelled]
    onward = sorted((f for f in flights if f.origin == HUB), key=lambda f: f.departure)
    parties: list[Party] = []
    total = 0
    for disrupted in rng.sample(day0, len(day0)):
        if total >= passengers:
            break
        kind = "cancelled" if rng.random() < 0.6 else "delayed"
        if kind == "delayed" and disrupted.origin == HUB:
            continue
        delay = timedelta(minutes=rng.randrange(90, 300, 5))
        for _ in range(rng.randint(25, 60)):
            if total >= passengers:
                break
            size = min(rng.choice([1, 1, 1, 2, 2, 3, 4]), passengers - total)
            arriving = disrupted.arrival + (delay if kind == "delayed" else timedelta())
            connects = [f for f in onward if disrupted.arrival + timedelta(minutes=hub_mct) <= f.departure
                        <= disrupted.arrival + timedelta(hours=4) and f.destination != disrupted.origin]  # fmt: skip
            if disrupted.destination == HUB and connects and (kind == "delayed" or rng.random() < 0.7):
                next_flight = rng.choice(connects)
                if kind == "delayed" and next_flight.departure >= arriving + timedelta(minutes=hub_mct):
                    continue  # the connection still holds
                destination, scheduled_arrival = next_flight.destination, next_flight.arrival
            elif kind == "delayed":
                continue  # a delayed passenger without a missed connection is not reaccommodated
            else:
                destination, scheduled_arrival = disrupted.destination, disrupted.arrival
            origin = HUB if kind == "delayed" else disrupted.origin
            available = arriving + timedelta(minutes=hub_mct) if kind == "delayed" else disrupted.departure
            booking_id = len(parties) + 1
            travellers = tuple(
                Traveller(
                    id=booking_id * 10 + n,
                    tier=rng.choice(["none"] * 7 + ["silver", "gold", "platinum"]),
                    assistance=("WCHR",) if rng.random() < 0.02 else (),
                )
                for n in range(size)
            )
            parties.append(
                Party(
                    booking_id=booking_id,
                    locator=f"B{booking_id:05d}",
                    travellers=travellers,
                    cabin=rng.choice("YYYYYYYJJF"),
                    origin=origin,
                    destination=destination,
                    available_from=available,
                    scheduled_arrival=scheduled_arrival,
                    event_time=DAY0,  # known at midnight, before any flight of day 0 leaves
                )
            )
            total += size
        if kind == "cancelled":
            flights[flights.index(disrupted)] = replace(disrupted, cancelled=True)
    return parties


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    parser.add_argument("--spokes", type=int, default=30)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print(f"{'passengers':>10} {'parties':>7} {'flights':>7} {'protected':>9} {'components':>10} "
          f"{'milp':>5} {'optimal':>7} {'gap':>6} {'seconds':>8}")  # fmt: skip
    for size in args.sizes:
        rng = random.Random(args.seed)
        flights, mct = hub_network(rng, args.spokes)
        parties = affected_parties(rng, flights, size)
        started = time.perf_counter()
        plan = reaccommodate(parties, Network(flights, mct), time_limit=args.time_limit)
        seconds = time.perf_counter() - started
        protected = sum(p.size for p in parties if plan.itineraries[p.booking_id] is not None)
        stats = plan.stats
        print(f"{size:>10} {len(parties):>7} {len(flights):>7} {protected:>9} {stats.components:>10} "
              f"{stats.milp_solves:>5} {stats.optimal!s:>7} {stats.gap:>6.3f} {seconds:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
