"""Faults with real worker processes, on each supported broker (Redis and RabbitMQ): a worker SIGKILLed
mid-handler, the broker down at commit.

No other worker runs during these tests, so each knows which process holds its delivery.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from events.models import Delivery, Event
from events.relay import relay_once
from tests.factories import FlightFactory
from tests.support.brokers import Outage
from tests.support.flows import flush_test_redis, publish_now, wait_until_finished
from tests.support.models import Effect
from tests.support.processes import WorkerProcess, manage, wait_for
from tests.support.subscribers import executions

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_handler_loses_nothing_and_duplicates_nothing(
    broker: str, tmp_path: Path, django_db_setup
) -> None:
    flush_test_redis()
    first = WorkerProcess(tmp_path / "first.log")
    event = publish_now("test.slow", seconds=3)
    delivery = Delivery.objects.get(event=event)
    try:
        wait_for(lambda: executions(event, "test-slow") == 1, timeout=20, what="the handler to start")
    finally:
        first.kill()  # every process of the worker at once, mid-handler
    assert Delivery.objects.get(id=delivery.id).status == "running"
    second = WorkerProcess(tmp_path / "second.log")
    try:
        # Beat runs the relay every few seconds; here the test plays beat.
        def relayed_and_done() -> bool:
            relay_once()
            return Delivery.objects.get(id=delivery.id).status == "done"

        wait_for(relayed_and_done, timeout=60, what="the delivery to run again", interval=0.5)
    finally:
        second.stop()
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert executions(event, "test-slow") == 2
    assert Effect.objects.filter(event=event).count() == 1


def test_an_event_committed_while_the_broker_is_down_waits_in_the_outbox(broker_outage: Outage, tmp_path: Path) -> None:
    flight = FlightFactory()
    designator, date = str(flight.designator), str(flight.service_date)
    done = manage("disrupt", designator, date, "--delay", "200", BROKER_URL=broker_outage.down_url)
    assert done.returncode == 0, done.stderr
    event = Event.objects.get(flight=flight)
    assert event.deliveries.count() >= 5
    assert not event.deliveries.filter(dispatched_at__isnull=False).exists(), "nothing reached the broker"
    broker_outage.restore()
    worker = WorkerProcess(tmp_path / "worker.log", BROKER_URL=broker_outage.up_url)
    try:
        relayed = manage("relay_events", BROKER_URL=broker_outage.up_url)
        assert relayed.returncode == 0, relayed.stderr
        assert wait_until_finished(event) == "completed"
    finally:
        worker.stop()
    assert all(d.attempts == 1 for d in event.deliveries.all())
    assert Effect.objects.filter(event=event).count() == 1
