"""Where B01's handler time goes: every delay and every delivery of its flows run in this one process, undone.

    .venv/bin/python bench/hub_profile.py [--skip-load] [--profile SUBSCRIBER]... [--top 30] [--statements N]

Loads ROADEF B01 as ``bench/hub.py`` does (moved ahead of now) into BENCH_DATABASE_URL (default
``airline_bench_profile``, Redis db 5), then, in one transaction that is rolled back at the end (so runs can
repeat with ``--skip-load``), applies all 229 delays through ``flights.services.delay_flight`` and runs every
delivery of their flows with ``events.runner.run_delivery``, round after round until none is pending (no
worker, no broker, no on-commit send). Prints per subscriber: deliveries, handler seconds (wall and this
process's CPU), SQL queries and the seconds spent waiting for them; with ``--statements N`` the N statements
most SQL time went to; with ``--profile`` (repeatable) the cProfile of that subscriber's deliveries.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_profile")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
# One delivery per claim: a batched claim (docs/adr/0015) would run its queue's waiting deliveries, other
# subscribers' among them, inside the delivery being timed, and the figures would land on the wrong subscriber.
os.environ.setdefault("EVENTS_CLAIM_BATCH", "1")

from bench.common import setup_django


class Undo(Exception):
    """Rolls the run back."""


class QueryClock:
    """Counts the queries run on the connection and the seconds spent in them (an ``execute_wrapper``), in all and
    by statement (its first 160 characters)."""

    def __init__(self, statements: Counter[str], subscriber: str) -> None:
        self.queries = 0
        self.seconds = 0.0
        self.statements = statements
        self.subscriber = subscriber

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.seconds += spent
            self.queries += 1
            self.statements[f"{self.subscriber:<13} {sql[:160]}"] += spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-load", action="store_true", help="reuse the network already loaded")
    parser.add_argument("--profile", action="append", default=[], help="cProfile this subscriber's deliveries")
    parser.add_argument("--top", type=int, default=30, help="lines of the profile to print")
    parser.add_argument("--statements", type=int, default=0, help="print the N statements most SQL time went to")
    args = parser.parse_args()

    from bench import hub

    if args.skip_load:
        setup_django(**hub.EXTRA)
        import json

        delays = json.loads((hub.WORK_DIR / "delays.json").read_text())
    else:
        hub.WORK_DIR.mkdir(parents=True, exist_ok=True)
        setup_django(fresh=True, **hub.EXTRA)
        path, delays = hub.build_scenario(1, False, "")
        print(f"loaded B01 in {hub.load(path):.1f} s")
        import json

        (hub.WORK_DIR / "delays.json").write_text(json.dumps(delays))
    from django.db import connection, transaction

    from events.models import Delivery
    from events.runner import run_delivery

    flights = hub.delayed_flights(delays)
    seconds: Counter[str] = Counter()
    deliveries: Counter[str] = Counter()
    queries: Counter[str] = Counter()
    sql_seconds: Counter[str] = Counter()
    cpu_seconds: Counter[str] = Counter()
    statements: Counter[str] = Counter()
    profilers = {subscriber: cProfile.Profile() for subscriber in args.profile}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            hub.apply_delays(flights, delays)
            applied = time.perf_counter() - started
            while pending := list(
                Delivery.objects.filter(status="pending").order_by("id").values_list("id", "subscriber")
            ):
                for delivery_id, subscriber in pending:
                    clock = QueryClock(statements, subscriber)
                    profiler = profilers.get(subscriber)
                    began, cpu = time.perf_counter(), time.process_time()
                    with connection.execute_wrapper(clock):
                        if profiler:
                            profiler.enable()
                        run_delivery(delivery_id)
                        if profiler:
                            profiler.disable()
                    seconds[subscriber] += time.perf_counter() - began
                    cpu_seconds[subscriber] += time.process_time() - cpu
                    deliveries[subscriber] += 1
                    queries[subscriber] += clock.queries
                    sql_seconds[subscriber] += clock.seconds
            raise Undo
    except Undo:
        pass
    total = time.perf_counter() - started
    print(f"applied {len(delays)} delays in {applied:.1f} s; every delivery run in process by {total:.1f} s")
    print(f"{'subscriber':<14} {'deliveries':>10} {'seconds':>8} {'CPU s':>7} {'queries':>8} {'SQL s':>7}")
    for subscriber, spent in seconds.most_common():
        print(
            f"{subscriber:<14} {deliveries[subscriber]:>10} {spent:>8.2f} {cpu_seconds[subscriber]:>7.2f} "
            f"{queries[subscriber]:>8} "
            f"{sql_seconds[subscriber]:>7.2f}"
        )
    for statement, spent in statements.most_common(args.statements):
        print(f"{spent:7.2f} s  {statement}")
    for subscriber, profiler in profilers.items():
        print(f"--- {subscriber}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
