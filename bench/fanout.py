"""Fan-out overhead of the event backbone with no-op subscribers.

    .venv/bin/python bench/fanout.py [--events 1000] [--latency-samples 100]

PostgreSQL + Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL), one worker with 2
processes. Prints: the publisher's wall and CPU time per event with no worker
running, beside plain Celery's for the same 5 messages; plain Celery no-op
tasks/s (the baseline), events/s and deliveries/s end to end for N events × 5
subscribers, and the median and p99 latency from commit to the last delivery
done for a single event.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, median, percentile, setup_django, start_worker, stop, wait

EXTRA = {"EVENTS_EXTRA_SUBSCRIBER_MODULES": "bench.noop_subscribers", "DJANGO_LOG_LEVEL": "WARNING"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--latency-samples", type=int, default=100)
    args = parser.parse_args()

    setup_django(**EXTRA)
    import redis
    from django.conf import settings
    from django.db import transaction

    from bench.noop_subscribers import QUEUES, BenchPing, noop
    from events.models import Delivery, DeliveryStatus, Event
    from events.services import publish

    def publish_one(n: int) -> None:
        with transaction.atomic():
            publish(BenchPing(n=n))

    def send_plain(n: int) -> None:
        for queue in QUEUES:
            noop.apply_async(args=[n], queue=queue)

    def clear() -> None:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        Event.objects.all().delete()

    clear()
    plain_wall, plain_cpu = cost_per_call(send_plain, args.events)
    wall, cpu = cost_per_call(publish_one, args.events)
    clear()
    print(
        f"publishing with no worker running: {wall:.2f} ms wall, {cpu:.2f} ms CPU per event "
        f"(plain Celery, the same {len(QUEUES)} messages: {plain_wall:.2f} ms wall, {plain_cpu:.2f} ms CPU)"
    )
    worker = start_worker(ROOT / "var" / "bench" / "fanout-worker.log", **EXTRA)
    try:
        tasks = args.events * len(QUEUES)
        client = redis.Redis.from_url(settings.REDIS_URL)
        started = time.perf_counter()
        for n in range(tasks):
            noop.apply_async(args=[n], queue=QUEUES[n % len(QUEUES)])
        wait(lambda: sum(client.llen(q) for q in QUEUES) == 0, 600)
        # The queues are empty when the last message is taken; allow the last few to run.
        time.sleep(0.2)
        baseline = tasks / (time.perf_counter() - started)
        print(f"plain Celery no-op tasks: {tasks} in {tasks / baseline:.1f} s = {baseline:.0f} tasks/s")

        started = time.perf_counter()
        for n in range(args.events):
            with transaction.atomic():
                publish(BenchPing(n=n))
        published = time.perf_counter() - started
        done = DeliveryStatus.DONE
        wait(lambda: Delivery.objects.filter(status=done).count() == tasks, 900, interval=0.2)
        elapsed = time.perf_counter() - started
        print(
            f"fan-out: {args.events} events x {len(QUEUES)} subscribers in {elapsed:.1f} s "
            f"(publishing took {published:.1f} s) = {args.events / elapsed:.0f} events/s, "
            f"{tasks / elapsed:.0f} deliveries/s ({tasks / elapsed / baseline:.0%} of plain Celery)"
        )
        if Delivery.objects.exclude(status=done).exists() or Delivery.objects.exclude(attempts=1).exists():
            raise SystemExit("some delivery did not run exactly once")

        latencies = []
        for n in range(args.latency_samples):
            with transaction.atomic():
                event = publish(BenchPing(n=n))
            committed = time.perf_counter()
            wait(lambda e=event: not e.deliveries.exclude(status=done).exists(), 60, interval=0.002)
            latencies.append((time.perf_counter() - committed) * 1000)
        print(
            f"single event, commit -> last of {len(QUEUES)} deliveries done: "
            f"median {median(latencies):.1f} ms, p99 {percentile(latencies, 99):.1f} ms "
            f"({args.latency_samples} samples)"
        )
    finally:
        stop(worker)


def cost_per_call(step: Callable[[int], None], calls: int) -> tuple[float, float]:
    """The wall and CPU milliseconds (this process's) per call of ``step(n)``, after a few calls not counted."""
    for n in range(10):
        step(n)
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(calls):
        step(n)
    return (time.perf_counter() - wall) * 1000 / calls, (time.process_time() - cpu) * 1000 / calls


if __name__ == "__main__":
    main()
