"""Right to care under the ROADEF A01 delays: meal vouchers and hotel rooms through a real worker.

    .venv/bin/python bench/care.py [--delay-factor 1] [--concurrency 2]

Loads ROADEF A01 ($AIRLINE_SHARED_DIR/benchmarks/roadef-a01.json.gz: 464 flights, 36k passengers) into
BENCH_DATABASE_URL (default airline_bench_care) with Redis db 7, starts one worker (every queue), applies
the instance's 63 delays (each multiplied by --delay-factor, so longer delays reach the care thresholds and
cross midnight) through flights.services.delay_flight, and prints how long until every vouchers and lodging
delivery was done, the handlers' own durations, and what they produced.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_care")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")

from bench.common import ROOT, median, percentile, setup_django, start_worker, stop, wait

EXTRA = {"DJANGO_LOG_LEVEL": "WARNING"}
CARE = ("vouchers", "lodging")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delay-factor", type=int, default=1, help="multiply every delay (default 1: as given)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args()

    setup_django(**EXTRA)
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from events.models import Delivery, DeliveryStatus
    from flights.designators import parse_flight_ref
    from flights.selectors import get_flight
    from flights.services import delay_flight
    from lodging.models import HotelStay
    from vouchers.models import MealVoucher

    benchmarks = Path(settings.SHARED_DIR) / "benchmarks"
    delays = json.loads((benchmarks / "roadef-a01.disruptions.json").read_text())["delays"]
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("load_scenario", str(benchmarks / "roadef-a01.json.gz"), "--replace", stdout=quiet, stderr=quiet)
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum keeps them in a running system: without them PostgreSQL plans the
        # first disruptions' queries for empty tables.
        cursor.execute("ANALYZE")
    print(f"loaded ROADEF A01 in {time.perf_counter() - started:.1f} s")

    worker = start_worker(ROOT / "var" / "bench" / "care-worker.log", concurrency=args.concurrency, **EXTRA)
    try:
        flights = [(get_flight(parse_flight_ref(d["flight"])), d["delay_minutes"] * args.delay_factor) for d in delays]
        care = Delivery.objects.filter(subscriber__in=CARE)
        started = time.perf_counter()
        for flight, minutes in flights:
            delay_flight(flight=flight, delay_minutes=minutes, reason="TECH")
        published = time.perf_counter() - started
        # Lodging also handles the passenger.reaccommodated events rebooking publishes: wait for every flow.
        wait(lambda: not Delivery.objects.exclude(status=DeliveryStatus.DONE).exists(), 1800, interval=0.1)
        everything = time.perf_counter() - started
        last_care = max(care.values_list("finished_at", flat=True))
        first = min(care.values_list("created_at", flat=True))
        print(
            f"{len(flights)} delays (x{args.delay_factor}, {min(m for _, m in flights)}-{max(m for _, m in flights)} "
            f"min) published in {published:.1f} s; every vouchers and lodging delivery done "
            f"{(last_care - first).total_seconds():.1f} s after the first delay; every flow done after "
            f"{everything:.1f} s ({Delivery.objects.count()} deliveries)"
        )
        # Every subscriber shares the worker: the others' handler time is what care deliveries queued behind.
        subscribers = sorted(set(Delivery.objects.values_list("subscriber", flat=True)))
        for name in subscribers:
            durations = [d.duration_seconds * 1000 for d in Delivery.objects.filter(subscriber=name)]
            print(
                f"  {'*' if name in CARE else ' '} {name:<13} {len(durations):>3} deliveries: handler median "
                f"{median(durations):.0f} ms, p99 {percentile(durations, 99):.0f} ms, max {max(durations):.0f} ms, "
                f"total {sum(durations) / 1000:.1f} s"
            )
        stays = HotelStay.objects
        print(
            f"  produced: {MealVoucher.objects.count()} meal vouchers, {stays.filter(status='booked').count()} "
            f"stays booked, {stays.filter(status='unaccommodated').count()} unaccommodated"
        )
        if care.exclude(attempts=1).exists():
            raise SystemExit("some care delivery needed more than one attempt")
    finally:
        stop(worker)


if __name__ == "__main__":
    main()
