"""A run takes the never-attempted deliveries waiting on its queue along, in batches (docs/adr/0015)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import leasing, pace
from events.models import Delivery, Event
from events.runner import run_delivery
from tests.support.flows import publish_now
from tests.support.models import Effect
from tests.support.subscribers import UNGUARDED, executions, unguarded_runs

pytestmark = pytest.mark.django_db


def _delivery(event: Event, subscriber: str) -> Delivery:
    return Delivery.objects.get(event=event, subscriber=subscriber)


@pytest.fixture
def long_batches(settings, monkeypatch) -> None:
    monkeypatch.setattr(pace, "_seconds_per_delivery", {})  # every queue takes the full batch along
    settings.EVENTS_CLAIM_BATCH = 16  # the project's default (the suite's runs take none along)
    settings.EVENTS_BATCH_SECONDS = 60  # a busy machine's slow handler must not end a batch early here
    settings.EVENTS_MAX_COUNTDOWN_SECONDS = 0  # retries wait for the relay


def test_a_run_takes_the_deliveries_waiting_on_its_queue_along_up_to_the_batch_size(settings, long_batches) -> None:
    settings.EVENTS_CLAIM_BATCH = 2
    pings = [publish_now("test.ping", n=n) for n in range(3)]
    other_queue = publish_now("test.stall", seconds=0)
    first, second, third = (_delivery(e, "test-recorder") for e in pings)
    assert run_delivery(first.id) == "done"
    assert [Delivery.objects.get(id=d.id).status for d in (first, second, third)] == ["done", "done", "pending"]
    assert Delivery.objects.get(id=second.id).result == {"created": 1}
    assert _delivery(other_queue, UNGUARDED).status == "pending", "another queue's delivery is not taken"
    assert run_delivery(second.id) == "skipped", "its own message finds it finished"
    assert Delivery.objects.get(id=third.id).status == "done", "and runs the one waiting behind it in its place"
    with CaptureQueriesContext(connection) as queries:
        assert run_delivery(third.id) == "skipped", "finished, and nothing waits"
    assert len(queries) == 1, "one read: no claim"
    assert all(executions(e, "test-recorder") == 1 for e in pings)


def test_a_finished_deliverys_message_takes_as_many_along_as_a_claim_holds(settings, long_batches) -> None:
    settings.EVENTS_CLAIM_BATCH = 2
    pings = [publish_now("test.ping", n=n) for n in range(4)]
    first, *waiting = (_delivery(e, "test-recorder") for e in pings)
    Delivery.objects.filter(id=first.id).update(status="done")  # another claim ran it
    assert run_delivery(first.id) == "skipped"
    assert [Delivery.objects.get(id=d.id).status for d in waiting] == ["done", "done", "pending"]


def test_on_a_queue_of_slow_handlers_a_finished_deliverys_message_skips_on_one_read(long_batches) -> None:
    done, waiting = (_delivery(publish_now("test.ping", n=n), "test-recorder") for n in range(2))
    Delivery.objects.filter(id=done.id).update(status="done")
    pace.observe(done.queue, 30.0, 1)  # half of long_batches' 60 s: a claim would take one along, not the batch
    with CaptureQueriesContext(connection) as queries:
        assert run_delivery(done.id, queue=done.queue) == "skipped"
    assert len(queries) == 1 and Delivery.objects.get(id=waiting.id).status == "pending", "no claim: none along"


def test_a_finished_deliverys_message_leaves_other_queues_and_retried_deliveries_alone(long_batches) -> None:
    done, retried = (_delivery(publish_now("test.ping", n=n), "test-recorder") for n in range(2))
    other_queue = _delivery(publish_now("test.stall", seconds=0), UNGUARDED)
    Delivery.objects.filter(id=done.id).update(status="done")
    Delivery.objects.filter(id=retried.id).update(attempts=1, status="failed")  # runs alone, on its own message
    with CaptureQueriesContext(connection) as queries:
        assert run_delivery(done.id) == "skipped"
    assert len(queries) == 1, "nothing waits on its queue: one read"
    assert Delivery.objects.get(id=retried.id).status == "failed"
    assert Delivery.objects.get(id=other_queue.id).status == "pending"


def test_a_failing_handler_in_a_batch_neither_undoes_nor_blames_its_neighbours(long_batches) -> None:
    before = publish_now("test.stall", seconds=0)
    poison = publish_now("test.poison", n=1)
    after = publish_now("test.stall", seconds=0)
    assert run_delivery(_delivery(before, UNGUARDED).id) == "done"
    failed = _delivery(poison, "test-always-fails")
    assert (failed.status, failed.attempts) == ("failed", 1)
    for event in (before, after):
        delivery = _delivery(event, UNGUARDED)
        assert (delivery.status, delivery.attempts) == ("done", 1)
        assert unguarded_runs(event) == 1, "the rolled-back batch left no row behind"
    assert executions(before, UNGUARDED) == 2, "run in the batch, rolled back with it, run again alone"
    assert Effect.objects.filter(event=poison).count() == 0


def test_a_delivery_attempted_before_runs_alone(long_batches) -> None:
    fresh = publish_now("test.stall", seconds=0)
    retried = _delivery(publish_now("test.poison", n=1), "test-always-fails")
    Delivery.objects.filter(id=retried.id).update(status="failed", attempts=1, next_attempt_at=timezone.now())
    run_delivery(retried.id)
    assert Delivery.objects.get(id=retried.id).attempts == 2
    assert _delivery(fresh, UNGUARDED).status == "done"
    assert executions(fresh, UNGUARDED) == 1, "never in a batch with the failing retry"


def test_a_batch_whose_time_is_up_commits_and_gives_the_rest_back_to_be_sent_again(settings, long_batches) -> None:
    settings.EVENTS_BATCH_SECONDS = 0
    first, *rest = (_delivery(publish_now("test.stall", seconds=0), UNGUARDED) for _ in range(3))
    assert run_delivery(first.id) == "done"
    for delivery in rest:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.lease_token) == ("pending", 0, None)
        assert delivery.dispatch_count == 2, "marked sent by its publisher, sent again when given back"
        assert executions(delivery.event, UNGUARDED) == 0
    assert run_delivery(rest[0].id) == "done", "whoever takes its message runs it"


@pytest.mark.django_db(transaction=True)
def test_only_the_transactions_the_backbone_opens_itself_skip_the_wait_for_disk() -> None:
    with leasing.atomic(using="default", durable=False):
        assert _synchronous_commit() == "off"
    with leasing.atomic(using="default", durable=True):
        assert _synchronous_commit() == "on"
    with transaction.atomic(), leasing.atomic(using="default", durable=False):
        assert _synchronous_commit() == "on", "a caller's transaction keeps its own setting"


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        (value,) = cursor.fetchone()
    return str(value)
