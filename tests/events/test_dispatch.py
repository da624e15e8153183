"""Sending deliveries to the broker (``events.dispatch``): every message reaches its subscriber's queue on each
broker, and on Redis a dispatch costs the broker one command per message, with no binding lookup."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from airline.celery import app
from events.dispatch import dispatch
from events.models import Delivery
from events.services import publish
from tests.support.brokers import private_redis, use_broker
from tests.support.flows import flush_test_redis
from tests.support.processes import free_port
from tests.support.subscribers import Parent

pytestmark = pytest.mark.django_db


def _undispatched(events: int) -> list[Delivery]:
    """The deliveries of ``events`` new events, never sent (the test's transaction never commits), as the relay
    finds them when the broker was down at their commit."""
    with transaction.atomic():
        for n in range(events):
            publish(Parent(n=n))
    Delivery.objects.update(dispatched_at=None, dispatch_count=0)
    return list(Delivery.objects.order_by("id"))


def _messages_in(queue: str) -> int:
    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue=queue, passive=True).message_count


def test_a_dispatch_puts_each_message_on_its_subscribers_queue_and_marks_it_sent(broker: str) -> None:
    flush_test_redis()  # RabbitMQ's queues were purged by the broker fixture
    deliveries = _undispatched(3)
    per_queue = Counter(d.queue for d in deliveries)
    assert per_queue == {"rebooking": 3, "notifications": 3}, "test.parent's two subscribers"

    assert dispatch(deliveries) == 6

    assert {queue: _messages_in(queue) for queue in per_queue} == per_queue
    assert set(Delivery.objects.values_list("dispatch_count", flat=True)) == {1}
    assert not Delivery.objects.filter(dispatched_at__isnull=True).exists()


def test_a_publisher_marks_its_deliveries_sent_in_its_transaction_and_its_commit_only_sends(
    tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    with private_redis(tmp_path, free_port()) as url, use_broker(url):
        with django_capture_on_commit_callbacks() as on_commit, transaction.atomic():
            publish(Parent(n=1))
            marks = list(Delivery.objects.values_list("dispatched_at", "dispatch_count"))
        assert len(marks) == 2 and all(at is not None and count == 1 for at, count in marks), "marked before commit"
        server = redis.Redis.from_url(url)
        server.config_resetstat()

        with CaptureQueriesContext(connection) as queries:
            for callback in on_commit:
                callback()

        assert [q["sql"] for q in queries.captured_queries] == [], "no second write, no second commit"
        stats = server.info("commandstats")
        assert stats["cmdstat_lpush"]["calls"] == 2, "one message to each subscriber's queue"


def test_a_dispatch_on_redis_sends_one_lpush_per_message_and_looks_up_no_binding(tmp_path: Path) -> None:
    with private_redis(tmp_path, free_port()) as url, use_broker(url):
        deliveries = _undispatched(5)
        dispatch(deliveries[:2])  # one to each queue: the first publish to a queue on a connection declares it
        server = redis.Redis.from_url(url)
        server.config_resetstat()

        assert dispatch(deliveries[2:]) == 8

        stats = server.info("commandstats")
        calls = {name.removeprefix("cmdstat_"): s["calls"] for name, s in stats.items() if "resetstat" not in name}
        assert calls == {"lpush": 8}
