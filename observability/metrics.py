"""Every instrument the code paths record to, and the one-line hooks they call.

Multi-process safe: with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn's workers, Celery's prefork children), each
process writes its values to files there and ``/metrics`` sums them (``views.registry``). Names follow Prometheus'
conventions (``airline_`` prefix, ``_total`` counters, seconds); docs/operations.md lists them.
"""

from __future__ import annotations

import os
import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram, multiprocess

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0)
LAG_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

HANDLER_DURATION = Histogram(
    "airline_delivery_handler_duration_seconds",
    "Time a delivery's handler ran, its done mark's commit included, by subscriber and outcome (done or error).",
    ["subscriber", "outcome"],
    buckets=HANDLER_BUCKETS,
)
DELIVERY_LAG = Histogram(
    "airline_delivery_lag_seconds",
    "From the commit that created a delivery (its event's transaction) to its done mark, by subscriber.",
    ["subscriber"],
    buckets=LAG_BUCKETS,
)
RELAY_SWEEPS = Counter("airline_relay_sweeps_total", "Relay sweeps run.")
RELAY_REDISPATCHES = Counter(
    "airline_relay_redispatches_total", "Deliveries the relay sent (lost, unsent or due), by queue.", ["queue"]
)
RELAY_BURIED = Counter("airline_relay_buried_total", "Deliveries the relay buried dead (worker lost on the last try).")
PARTNER_ATTEMPTS = Counter(
    "airline_partner_message_attempts_total",
    "Attempts to deliver a message to a partner airline's endpoint (drills' sandbox left out), by partner and "
    "outcome (delivered, retry, refused).",
    ["partner", "outcome"],
)
PASSENGER_MESSAGES = Counter(
    "airline_passenger_messages_total",
    "Passenger messages sent (done) or given up (dead), by channel and status.",
    ["channel", "status"],
)
API_REQUESTS = Counter(
    "airline_api_requests_total", "Requests to /api/v1/ by endpoint (URL name) and status code.", ["endpoint", "status"]
)
API_DURATION = Histogram(
    "airline_api_request_duration_seconds",
    "Time to answer a request to /api/v1/, by endpoint (URL name).",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)
GATE_CACHE = Counter(
    "airline_gate_cache_requests_total",
    "Flight API GET requests answered from the cache (hit) or not found in it (miss).",
    ["result"],
)
DRILL_VERDICTS = Counter("airline_drill_verdicts_total", "Delay drill runs judged, by verdict.", ["verdict"])

# Series that exist at 0 from the start: increase() counts a first failed drill, and the hit ratio has both terms.
for _verdict in ("passed", "needs_action", "failed"):
    DRILL_VERDICTS.labels(_verdict)
for _result in ("hit", "miss"):
    GATE_CACHE.labels(_result)


@contextmanager
def handling(subscriber: str, created_at_epoch: float) -> Iterator[None]:
    """Time a delivery's handler; on success also record its lag since it was created."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        HANDLER_DURATION.labels(subscriber, "error").observe(time.perf_counter() - started)
        raise
    HANDLER_DURATION.labels(subscriber, "done").observe(time.perf_counter() - started)
    DELIVERY_LAG.labels(subscriber).observe(max(time.time() - created_at_epoch, 0.0))


def relay_swept(queues_sent: Iterable[str], buried: int) -> None:
    """Count a relay sweep, the deliveries it sent (the queue of each) and those it buried."""
    RELAY_SWEEPS.inc()
    for queue, n in Tally(queues_sent).items():
        RELAY_REDISPATCHES.labels(queue).inc(n)
    RELAY_BURIED.inc(buried)


def partner_attempted(partner: str, outcome: str, *, drill: bool) -> None:
    """Count one attempt to a partner's endpoint; a drill's (to the sandbox) tells nothing of the endpoint."""
    if not drill:
        PARTNER_ATTEMPTS.labels(partner, outcome).inc()


def mark_process_dead(pid: int) -> None:
    """Drop the live-gauge files of an exited process (gunicorn's ``child_exit``, Celery's process shutdown)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
