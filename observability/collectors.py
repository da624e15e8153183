"""Gauges read from PostgreSQL at scrape time: the state of the work, not what one process saw.

A few aggregate queries per scrape, each served by an index or bounded by the work still open, so the cost does
not grow with the history kept (``bench/metrics_scrape.py`` measures it at hub scale). Deliveries count every
flow, drills' included (the machinery is the same); flows and duties count real disruptions only, as the
dashboard does (drills have their verdicts).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from airline import clock
from events.leasing import OPEN, LeaseStatus
from events.models import Delivery, Event
from events.registry import all_subscriptions
from operations.models import Duty
from operations.selectors import business_statuses, open_duty_counts
from rights.duties import BusinessStatus, DutyStatus

UNFINISHED = (*OPEN, LeaseStatus.DEAD)
RECENT_FLOWS = dt.timedelta(hours=24)


class DatabaseCollector(Collector):
    """Deliveries by subscriber and status, the oldest delivery waiting per queue, flows by business status, and
    open and overdue duties by kind."""

    def collect(self) -> Iterator[Metric]:
        yield from _deliveries()
        yield from _duties()
        yield _flows()


def _deliveries() -> Iterator[Metric]:
    counts = GaugeMetricFamily(
        "airline_deliveries",
        "Deliveries not done, by subscriber and status (pending, running, failed: to be retried, dead: given up).",
        labels=["subscriber", "status"],
    )
    oldest = GaugeMetricFamily(
        "airline_queue_oldest_pending_delivery_age_seconds",
        "Age of the oldest delivery on the queue that no worker has started yet (0: none waiting).",
        labels=["queue"],
    )
    subscribers = sorted({s.subscriber for s in all_subscriptions()})
    found: dict[tuple[str, str], int] = {}
    waiting_since: dict[str, dt.datetime] = {}
    rows = (
        Delivery.objects.filter(status__in=UNFINISHED)
        .values("queue", "subscriber", "status")
        .annotate(n=Count("id"), since=Min("created_at", filter=Q(status=LeaseStatus.PENDING, attempts=0)))
        .order_by()
    )
    for row in rows:
        found[(row["subscriber"], row["status"])] = found.get((row["subscriber"], row["status"]), 0) + row["n"]
        if row["since"] is not None:
            waiting_since[row["queue"]] = min(row["since"], waiting_since.get(row["queue"], row["since"]))
    for subscriber in sorted({*subscribers, *(s for s, _ in found)}):
        for status in UNFINISHED:
            counts.add_metric([subscriber, status], found.get((subscriber, status), 0))
    now = timezone.now()  # created_at is the wall clock's, not the project's clock
    for queue in sorted({*settings.SUBSCRIBER_QUEUES, *waiting_since}):
        since = waiting_since.get(queue)
        oldest.add_metric([queue], (now - since).total_seconds() if since else 0.0)
    yield counts
    yield oldest


def _duties() -> Iterator[Metric]:
    opened = GaugeMetricFamily("airline_duties_open", "Open duties of real disruptions, by kind.", labels=["kind"])
    overdue = GaugeMetricFamily(
        "airline_duties_overdue", "Open duties of real disruptions past their due time, by kind.", labels=["kind"]
    )
    for kind, count in open_duty_counts().items():
        opened.add_metric([kind.value], count.open)
        overdue.add_metric([kind.value], count.overdue)
    yield opened
    yield overdue


def _flows() -> Metric:
    """Real disruptions of the last 24 hours, and older ones still open, by business status.

    Only a flow with an open duty or an open delivery can be other than ``handled``: the business status is
    computed for those few (found through the open-work indexes), the rest of the day's flows are counted.
    """
    flows = GaugeMetricFamily(
        "airline_flows",
        "Real disruptions of the last 24 hours and older ones not settled, by business status (ADR 8).",
        labels=["business_status"],
    )
    roots = Event.objects.filter(drill=False, root_id=F("id"))
    open_roots = roots.filter(
        Q(id__in=Duty.objects.filter(status=DutyStatus.OPEN).values("root_id"))
        | Q(id__in=Delivery.objects.filter(status__in=OPEN).values("event__root_id"))
    )
    statuses = business_statuses(open_roots.values_list("id", flat=True))
    tally = Counter(statuses.values())
    tally[BusinessStatus.HANDLED] += (
        roots.filter(occurred_at__gte=clock.now() - RECENT_FLOWS).exclude(id__in=list(statuses)).count()
    )
    for status in BusinessStatus:
        flows.add_metric([status.value], tally[status])
    return flows
