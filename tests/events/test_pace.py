"""A claim takes along as many waiting deliveries as its queue's recent handlers fit in a batch (``events.pace``)."""

from __future__ import annotations

import pytest
from django.db import transaction

from events import pace
from events.models import Delivery
from events.runner import run_delivery
from events.services import publish
from tests.support.flows import flush_test_redis, publish_now, wait_until_finished
from tests.support.processes import WorkerProcess
from tests.support.subscribers import Slow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pace_known(settings, monkeypatch) -> None:
    monkeypatch.setattr(pace, "_seconds_per_delivery", {})
    settings.EVENTS_CLAIM_BATCH = 16
    settings.EVENTS_BATCH_SECONDS = 0.05


@pytest.mark.parametrize(
    ("seconds_per_delivery", "along"),
    [
        (0.05, 0),  # one handler fills the batch's time: nothing to take along
        (0.06, 0),
        (0.025, 1),  # exactly two fit
        (0.0249, 2),  # the third starts before the time is up
        (0.001, 15),  # fifty would fit: EVENTS_CLAIM_BATCH caps it
    ],
)
def test_a_known_queue_takes_along_what_fits_in_a_batchs_time(seconds_per_delivery: float, along: int) -> None:
    pace.observe("vouchers", seconds_per_delivery * 4, 4)
    assert pace.take_along("vouchers") == along


def test_an_unknown_queue_takes_along_the_full_batch() -> None:
    pace.observe("vouchers", 1.0, 1)
    assert pace.take_along("lodging") == 15
    assert pace.take_along(None) == 15


@pytest.mark.parametrize(
    ("seconds_per_delivery", "stands_in"),
    [
        (0.0033, True),  # 0.05 / 0.0033 = 15.2: sixteen fit, the whole batch
        (0.0034, False),  # 14.7: fifteen fit, one short of the batch
        (0.03, False),  # B01's handlers
    ],
)
def test_a_message_stands_in_for_its_finished_delivery_only_on_a_queue_that_fills_whole_batches(
    seconds_per_delivery: float, stands_in: bool
) -> None:
    pace.observe("vouchers", seconds_per_delivery, 1)
    assert pace.stands_in("vouchers") is stands_in
    assert pace.stands_in("lodging") is True, "a queue not run yet takes the whole batch"


def test_no_message_stands_in_without_batches(settings) -> None:
    settings.EVENTS_CLAIM_BATCH = 1
    assert pace.stands_in(None) is False


def test_the_pace_is_a_moving_average_that_one_outlier_does_not_swing() -> None:
    pace.observe("vouchers", 0.01, 1)
    pace.observe("vouchers", 1.0, 1)  # one slow handler
    assert pace.take_along("vouchers") == 0, "0.01 + 0.2 × 0.99 = 0.208 s a delivery"
    for _ in range(20):
        pace.observe("vouchers", 0.01, 1)
    assert pace.take_along("vouchers") == 4, "back to about 0.01 s: five fit"


def test_after_slow_handlers_a_claim_takes_none_along_and_gives_nothing_back() -> None:
    pings = [publish_now("test.ping", n=n) for n in range(3)]
    first, *rest = (Delivery.objects.get(event=e, subscriber="test-recorder") for e in pings)
    pace.observe("notifications", 0.5, 1)

    assert run_delivery(first.id, queue="notifications") == "done"

    for delivery in rest:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.dispatch_count) == ("pending", 0, 1), "untouched"


def test_a_fast_queue_takes_the_waiting_along(settings) -> None:
    settings.EVENTS_BATCH_SECONDS = 60  # a busy machine's slow handler must not end the batch early here
    pings = [publish_now("test.ping", n=n) for n in range(3)]
    first, *rest = (Delivery.objects.get(event=e, subscriber="test-recorder") for e in pings)
    pace.observe("notifications", 0.0001, 1)

    assert run_delivery(first.id, queue="notifications") == "done"

    assert [Delivery.objects.get(id=d.id).status for d in rest] == ["done", "done"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_learns_its_queues_pace_from_the_messages_routing_key(tmp_path) -> None:
    flush_test_redis()
    worker = WorkerProcess(
        tmp_path / "worker.log", concurrency=1, queues=["lodging"], EVENTS_CLAIM_BATCH="16", EVENTS_BATCH_SECONDS="0.05"
    )
    try:
        first = publish_now("test.slow", seconds=0.2)
        assert wait_until_finished(first) == "completed"
        with transaction.atomic():
            slow = [publish(Slow(seconds=0.2)) for _ in range(3)]
        assert all(wait_until_finished(event) == "completed" for event in slow)
    finally:
        worker.stop()
    deliveries = [Delivery.objects.get(event=event, subscriber="test-slow") for event in slow]
    assert [d.dispatch_count for d in deliveries] == [1, 1, 1], "none taken along, given back and sent again"
    assert len({d.task_id for d in deliveries}) == 3, "each run by its own message"
