"""Faults with real worker processes, on each supported broker (Redis and RabbitMQ): a worker SIGKILLed
mid-handler, the broker down at commit.

No other worker runs during these tests, so each knows which process holds its delivery.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from events.models import Delivery, Event
from events.relay import relay_once
from tests.factories import FlightFactory
from tests.support.flows import flush_test_redis, publish_now, wait_until_finished
from tests.support.models import Effect
from tests.support.processes import ROOT, WorkerProcess, child_env, wait_for
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


@dataclass
class Outage:
    """A broker that is down until ``restore()``: publish to ``down_url`` meanwhile, consume from ``up_url``."""

    down_url: str
    up_url: str
    restore: Callable[[], None]


@pytest.fixture
def broker_outage(broker: str, tmp_path: Path) -> Iterator[Outage]:
    """Redis: a redis-server of the test's own on another port, started by ``restore()``. RabbitMQ: a port
    nobody listens on while down, the test run's virtual host once restored."""
    if not broker.startswith("redis"):
        yield Outage(down_url="amqp://guest:guest@127.0.0.1:5674//", up_url=broker, restore=lambda: None)
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for the broker-outage test"
    port = 6391
    state: dict[str, subprocess.Popen] = {}

    def start() -> None:
        state["p"] = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, cwd=tmp_path,
        )  # fmt: skip
        client = redis.Redis(port=port)
        wait_for(lambda: _pings(client), timeout=10, what="the private redis-server")

    url = f"redis://127.0.0.1:{port}/0"
    yield Outage(down_url=url, up_url=url, restore=start)
    if "p" in state:
        state["p"].terminate()
        state["p"].wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _manage(*args: str, broker_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=child_env(BROKER_URL=broker_url),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_an_event_committed_while_the_broker_is_down_waits_in_the_outbox(broker_outage: Outage, tmp_path: Path) -> None:
    flight = FlightFactory()
    designator, date = str(flight.designator), str(flight.service_date)
    done = _manage("disrupt", designator, date, "--delay", "200", broker_url=broker_outage.down_url)
    assert done.returncode == 0, done.stderr
    event = Event.objects.get(flight=flight)
    assert event.deliveries.count() >= 5
    assert not event.deliveries.filter(dispatched_at__isnull=False).exists(), "nothing reached the broker"
    broker_outage.restore()
    worker = WorkerProcess(tmp_path / "worker.log", BROKER_URL=broker_outage.up_url)
    try:
        relayed = _manage("relay_events", broker_url=broker_outage.up_url)
        assert relayed.returncode == 0, relayed.stderr
        assert wait_until_finished(event) == "completed"
    finally:
        worker.stop()
    assert all(d.attempts == 1 for d in event.deliveries.all())
    assert Effect.objects.filter(event=event).count() == 1
