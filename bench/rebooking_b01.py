"""Rebooking at hub scale: cancel the busiest ROADEF B01 flights one after another, through a real worker.

    .venv/bin/python bench/rebooking_b01.py [--flights 10] [--skip-load]

Loads ROADEF B01 ($AIRLINE_SHARED_DIR/benchmarks/roadef-b01.json.gz: 2,556 flights, 207k passengers)
into BENCH_DATABASE_URL (default airline_bench_rebook) with Redis db 4, starts one worker with 2
processes, cancels the N busiest flights one at a time and prints, per cancellation, the passengers
affected, the time from commit to the rebooking delivery done, and the solver's share of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_rebook")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")

from bench.common import ROOT, median, setup_django, start_worker, stop, wait

EXTRA = {"DJANGO_LOG_LEVEL": "WARNING"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flights", type=int, default=10)
    parser.add_argument("--skip-load", action="store_true", help="reuse the scenario already loaded")
    args = parser.parse_args()

    setup_django(**EXTRA)
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q

    from events.models import Delivery, DeliveryStatus
    from flights.models import Flight, FlightStatus
    from flights.services import cancel_flight

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    if not args.skip_load:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            path = Path(settings.SHARED_DIR) / "benchmarks" / "roadef-b01.json.gz"
            # Rebased to tomorrow: rebooking offers no flight that has already left (POLICY.md).
            tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
            call_command("load_scenario", str(path), "--replace", "--rebase", tomorrow, stdout=quiet, stderr=quiet)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"loaded ROADEF B01 in {time.perf_counter() - started:.1f} s")
    busiest = list(
        Flight.objects.filter(~Q(status=FlightStatus.CANCELLED))
        .annotate(n=Count("segments__booking__passengers", filter=Q(segments__status="active")))
        .order_by("-n")[: args.flights]
    )
    worker = start_worker(ROOT / "var" / "bench" / "rebooking-worker.log", **EXTRA)
    rows = []
    try:
        for flight in busiest:
            committed = time.perf_counter()
            event = cancel_flight(flight=flight, reason="TECH")
            delivery = Delivery.objects.get(event=event, subscriber="rebooking")
            wait(lambda d=delivery: Delivery.objects.get(id=d.id).status in (DeliveryStatus.DONE, DeliveryStatus.DEAD),
                 600, interval=0.05)  # fmt: skip
            elapsed = time.perf_counter() - committed
            delivery.refresh_from_db()
            result = delivery.result
            rows.append((str(flight.ref), result.get("passengers", 0), result.get("rebooked", 0), elapsed,
                         result.get("solver_seconds", 0.0), result.get("optimal")))  # fmt: skip
            print(f"{rows[-1][0]}: {rows[-1][1]} passengers, {rows[-1][2]} rebooked, {elapsed:.2f} s "
                  f"(solver {rows[-1][4]:.2f} s, optimal {rows[-1][5]}) [{delivery.status}]")  # fmt: skip
    finally:
        stop(worker)
    print(f"median {median([r[3] for r in rows]):.2f} s per cancellation, max {max(r[3] for r in rows):.2f} s")


if __name__ == "__main__":
    main()
