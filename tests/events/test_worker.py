"""The backbone with real Celery worker processes, real Redis and PostgreSQL, and real faults."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from events.models import Delivery, Event
from events.registry import subscriptions_for
from events.selectors import status_of
from events.services import redeliver
from flights.services import delay_flight
from tests.factories import FlightFactory
from tests.support.flows import flush_test_redis, publish_now, wait_until_finished
from tests.support.models import Effect
from tests.support.processes import WorkerProcess, wait_for
from tests.support.subscribers import executions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory) -> Iterator[WorkerProcess]:
    flush_test_redis()
    process = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log")
    yield process
    process.stop()


def test_a_delay_fans_out_to_every_subscriber_on_its_own_queue(worker: WorkerProcess) -> None:
    flight = FlightFactory()
    event = delay_flight(flight=flight, delay_minutes=240, reason="TECH")
    assert wait_until_finished(event) == "completed"
    deliveries = list(event.deliveries.all())
    assert {d.subscriber for d in deliveries} >= {
        "rebooking", "vouchers", "lodging", "partners", "notifications", "duties"
    }  # fmt: skip
    assert all(d.status == "done" and d.attempts == 1 and d.task_id for d in deliveries)
    assert len({d.queue for d in deliveries}) == 6
    log = worker.log_path.read_text()
    assert f"[flow {event.id}]" in log, "the correlation id travels into the task logs"


def test_chained_events_complete_the_flow(worker: WorkerProcess) -> None:
    root = publish_now("test.parent", n=1)
    assert wait_until_finished(root) == "completed"
    child = Event.objects.get(caused_by=root)
    assert child.root_id == root.id
    assert Delivery.objects.filter(event__root=root, status="done").count() == 3
    assert Effect.objects.filter(event__root=root).count() == 3


def test_a_handler_that_always_raises_goes_dead_and_is_redeliverable(worker: WorkerProcess) -> None:
    event = publish_now("test.poison", n=1)
    failing = Delivery.objects.get(event=event, subscriber="test-always-fails")
    wait_for(lambda: Delivery.objects.get(id=failing.id).status == "dead", timeout=30, what="retries to run out")
    assert status_of(event) == "failed"
    failing.refresh_from_db()
    assert (failing.status, failing.attempts) == ("dead", settings.EVENTS_MAX_ATTEMPTS)
    assert "RuntimeError" in failing.last_error
    assert executions(event, "test-always-fails") == settings.EVENTS_MAX_ATTEMPTS
    time.sleep(2)
    assert executions(event, "test-always-fails") == settings.EVENTS_MAX_ATTEMPTS, "it never loops"
    assert redeliver([failing.id]) == 1
    wait_for(lambda: executions(event, "test-always-fails") == 2 * settings.EVENTS_MAX_ATTEMPTS, timeout=30,
             what="the redelivered attempts")  # fmt: skip
    wait_for(lambda: Delivery.objects.get(id=failing.id).status == "dead", timeout=10, what="dead again")


def test_disrupt_wait_blocks_until_the_flow_completes_and_summarises(worker: WorkerProcess) -> None:
    flight = FlightFactory()
    out = io.StringIO()
    call_command("disrupt", str(flight.designator), str(flight.service_date), "--cancel", "--reason", "WX",
                 "--wait", "30", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "Flow completed." in text
    subscribers = [s.subscriber for s in subscriptions_for("flight.cancelled")]
    for subscriber in subscribers:
        assert f"  {subscriber} " in text
    assert text.count("flight.cancelled") >= len(subscribers)


def test_disrupt_wait_fails_when_the_flow_does_not_complete_in_time(worker: WorkerProcess) -> None:
    flight = FlightFactory()
    with pytest.raises(CommandError, match="in_progress after 0 s"):
        call_command("disrupt", str(flight.designator), str(flight.service_date), "--delay", "30", "--wait", "0",
                     stdout=io.StringIO())  # fmt: skip
    # Let the flow finish: flushing the tables under a running handler can deadlock the teardown.
    assert wait_until_finished(Event.objects.get(flight=flight), timeout=60) == "completed"
