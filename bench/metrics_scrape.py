"""What one ``/metrics`` scrape costs with ROADEF B01 loaded and its flows run, and what it shows.

    .venv/bin/python bench/metrics_scrape.py [--delays N] [--runs 20] [--scrape-only]

Loads B01 into BENCH_DATABASE_URL (default ``airline_bench_metrics``, dropped and created anew; Redis
BENCH_REDIS_URL, db 10) ahead of now and runs its delays (all 229, or the first ``--delays N``) to completion with
one Celery worker and beat, as ``bench/console_pages.py`` does, all in prometheus-client's multi-process mode
(``PROMETHEUS_MULTIPROC_DIR`` = var/bench/metrics/prometheus, emptied first), so the scrape holds the worker's
histograms and counters of the whole run. Then times ``GET /metrics`` through Django's test client (the whole
middleware stack), ``--runs`` times after one warm-up, and prints the median and slowest scrape, its SQL queries,
and the database collector alone. The baseline, measured in the same run: the same URL refused (403, a client
outside the allowed networks: routing, middleware and the access check, no metrics). The target is 50 ms per
scrape (issue 19). Writes the last scrape to var/bench/metrics/scrape.txt and prints an excerpt.
``--scrape-only`` times the scrape again on the network and the metric files the last run left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_metrics")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")

from bench.common import ROOT, median, setup_django

WORK_DIR = ROOT / "var" / "bench" / "metrics"
METRICS_DIR = WORK_DIR / "prometheus"
TARGET_MS = 50
EXCERPT = ("airline_deliveries{", "airline_queue_", "airline_flows", "airline_duties_", "airline_relay_",
           "airline_partner_", "airline_passenger_", "airline_drill_", "_count{", "_sum{")  # fmt: skip


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median and slowest wall-clock time of ``runs`` calls, and their median CPU time in this process (what a
    shared machine's load does not inflate; the database's share is not in it), in ms, after one warm-up call."""
    call()
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return median(times), max(times), median(cpu)


def excerpt(text: str) -> list[str]:
    """The scrape's lines worth reading: every gauge and counter sample, the histograms' counts and sums."""
    return [line for line in text.splitlines() if line.startswith("airline_") and any(m in line for m in EXCERPT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delays", type=int, default=0, help="apply only the first N delays (default: all)")
    parser.add_argument("--runs", type=int, default=20, help="timed scrapes (default 20)")
    parser.add_argument("--scrape-only", action="store_true", help="time the scrape of the network a run left")
    args = parser.parse_args()

    if not args.scrape_only:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(fresh=not args.scrape_only, PROMETHEUS_MULTIPROC_DIR=str(METRICS_DIR), DJANGO_LOG_LEVEL="WARNING")
    import redis
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.console_pages import run_flows
    from events.models import Delivery
    from observability.collectors import DatabaseCollector
    from operations.models import Duty

    if not args.scrape_only:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        run_flows(args.delays or None)
    print(f"\n{Delivery.objects.count()} deliveries, {Duty.objects.count()} duties in the database")

    client = Client(HTTP_HOST="localhost")
    outsider = Client(HTTP_HOST="localhost", REMOTE_ADDR="203.0.113.7")
    if outsider.get("/metrics").status_code != 403:
        raise SystemExit("the baseline must be a refused scrape: 203.0.113.7 is in METRICS_ALLOWED_NETWORKS")
    baseline, _, baseline_cpu = timed(lambda: outsider.get("/metrics"), args.runs)
    typical, slowest, cpu = timed(lambda: client.get("/metrics"), args.runs)
    collector, _, collector_cpu = timed(lambda: list(DatabaseCollector().collect()), args.runs)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/metrics")
    text = response.content.decode()
    (WORK_DIR / "scrape.txt").write_text(text)
    print(f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"baseline (/metrics refused, 403): {baseline:.1f} ms ({baseline_cpu:.1f} ms CPU)")
    over = "  OVER" if typical > TARGET_MS else ""
    print(f"GET /metrics: median {typical:.1f} ms ({cpu:.1f} ms CPU), slowest {slowest:.1f} ms, "
          f"{len(queries)} queries, {len(text.splitlines())} lines; target {TARGET_MS} ms{over}")  # fmt: skip
    print(f"the database collector alone: median {collector:.1f} ms ({collector_cpu:.1f} ms CPU)\n")
    print("\n".join(excerpt(text)))


if __name__ == "__main__":
    main()
