"""``load_demo [--seed N] [--first-disruption]``: the local demo's network, generated for the days after now."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from airline import clock
from flights.selectors import get_flight
from flights.services import delay_flight
from scenarios.demo_disruption import DELAY_MINUTES, REASON, first_disruption
from scenarios.demo_network import HORIZON, demo_network
from scenarios.loader import load_scenario
from scenarios.problems import InvalidScenario
from scenarios.records import Scenario
from scenarios.validation import check_document


class Command(BaseCommand):
    help = (
        f"Generate the demo network (a hub at LHR, flights from the next hours to {HORIZON.days} days ahead of now) "
        "and load it through the scenario checks, replacing the data of earlier scenarios: all or nothing. With "
        f"--first-disruption, then delay a flight into the hub by {DELAY_MINUTES} minutes, as `disrupt` would."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="another seed, another network (default 1)")
        parser.add_argument(
            "--first-disruption",
            action="store_true",
            help="after loading, delay the flight into the hub leaving in the next hours that strands the most "
            "connecting passengers",
        )

    def handle(self, *args: Any, seed: int, first_disruption: bool, **options: Any) -> None:
        started = time.perf_counter()
        now = clock.now()
        try:
            scenario = check_document(demo_network(now, seed))
            loaded = load_scenario(scenario, replace=True)
        except InvalidScenario as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"the demo network has {len(exc.problems)} problem(s); nothing was loaded") from None
        self.stdout.write(f"Loaded {scenario.name!r}: {loaded} in {time.perf_counter() - started:.1f} s")
        if first_disruption:
            self._disrupt_first(scenario, now)

    def _disrupt_first(self, scenario: Scenario, now: dt.datetime) -> None:
        ref = first_disruption(scenario, now)
        if ref is None:
            self.stderr.write("No flight reaches the hub in the next hours: no first disruption.")
            return
        event = delay_flight(flight=get_flight(ref), delay_minutes=DELAY_MINUTES, reason=REASON)
        flight = get_flight(ref)
        departs = flight.estimated_departure.astimezone(flight.origin.tzinfo)
        self.stdout.write(
            f"First disruption: {ref} {flight.origin_id}→{flight.destination_id} delayed {DELAY_MINUTES} min "
            f"({REASON}): now departs {departs:%Y-%m-%d %H:%M} {flight.origin_id} local; event {event.type} {event.id} "
            "is handled as soon as the worker runs."
        )
