"""What tracing costs a worker: the same fan-out run with the worker untraced (the baseline) and traced.

    BENCH_DATABASE_URL=... BENCH_REDIS_URL=... .venv/bin/python bench/tracing.py [--events 300]

N events x 5 no-op subscribers (bench.noop_subscribers) through one worker with 2 processes, first with no
OTEL_* variable, then exporting every span over OTLP/HTTP to a local receiver that counts and drops them (the
cost of a real collector's network is not in it). Prints deliveries/s for each and the spans exported per
delivery. This process publishes untraced both times: the worker's side is where the spans are.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django, start_worker, stop, wait

EXTRA = {"EVENTS_EXTRA_SUBSCRIBER_MODULES": "bench.noop_subscribers", "DJANGO_LOG_LEVEL": "WARNING"}


class _Sink(BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that decodes each export to count its spans, and answers 200."""

    spans = 0

    def do_POST(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest.FromString(body)
        _Sink.spans += sum(len(s.spans) for r in request.resource_spans for s in r.scope_spans)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def fan_out(events: int, log: Path, **env: str) -> float:
    """Deliveries per second for ``events`` published at once, with a worker started with ``env``."""
    import redis
    from django.conf import settings
    from django.db import transaction

    from bench.noop_subscribers import QUEUES, BenchPing
    from events.models import Delivery, DeliveryStatus, Event
    from events.services import publish

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    Event.objects.all().delete()
    worker = start_worker(log, **EXTRA, **env)
    try:
        started = time.perf_counter()
        for n in range(events):
            with transaction.atomic():
                publish(BenchPing(n=n))
        tasks = events * len(QUEUES)
        wait(lambda: Delivery.objects.filter(status=DeliveryStatus.DONE).count() == tasks, 900, interval=0.2)
        return tasks / (time.perf_counter() - started)
    finally:
        stop(worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    setup_django(**EXTRA)
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{sink.server_address[1]}"
    logs = ROOT / "var" / "bench"
    try:
        untraced = fan_out(args.events, logs / "tracing-off-worker.log")
        print(f"untraced worker (baseline): {untraced:.0f} deliveries/s")
        traced = fan_out(args.events, logs / "tracing-on-worker.log", OTEL_EXPORTER_OTLP_ENDPOINT=endpoint)
        deliveries = args.events * 5
        print(f"traced worker: {traced:.0f} deliveries/s ({traced / untraced:.0%} of the baseline), "
              f"{_Sink.spans / deliveries:.1f} spans exported per delivery")  # fmt: skip
    finally:
        sink.shutdown()


if __name__ == "__main__":
    main()
