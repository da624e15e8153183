"""The send tasks queued for passenger messages: a runner's batch of notifications deliveries queues the messages
of all its events together, ``PASSENGER_MESSAGE_BATCH`` a task (``airline.gathered_commits``), not a task per
event; read back from the real broker's queue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from kombu import Consumer, Message

from airline.celery import app
from events import pace
from events.models import Delivery
from events.runner import run_delivery
from flights.models import Flight
from flights.services import delay_flight
from notifications.models import PassengerMessage
from tests.support.brokers import use_broker
from tests.support.flows import flush_test_redis
from tests.support.notify import notify_network

pytestmark = pytest.mark.django_db(transaction=True)  # the tasks are queued when the batch commits


@contextmanager
def queued_sends() -> Iterator[list[list[int]]]:
    """The message ids of each send task put on the passenger-messages queue inside the block, in order (taken off
    it when the block ends)."""
    sends: list[list[int]] = []

    def take(body: Any, message: Message) -> None:
        args, _, _ = body
        sends.append(args[0])
        message.ack()

    with use_broker(settings.REDIS_URL), app.connection_for_read() as connection:
        queue = app.amqp.queues[settings.PASSENGER_MESSAGE_QUEUE]
        # the consumer declares the queue and its binding first: flushing Redis removed them, and a process that
        # declared them before does not again, so its messages would be dropped
        with Consumer(connection, queues=[queue], callbacks=[take], prefetch_count=1):
            yield sends
            try:
                while True:
                    connection.drain_events(timeout=1)
            except TimeoutError:
                pass


def test_a_batch_of_notifications_deliveries_queues_their_messages_together(
    tmp_path: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pace, "_seconds_per_delivery", {})  # the queue takes the full batch along
    settings.EVENTS_CLAIM_BATCH, settings.EVENTS_BATCH_SECONDS = 16, 60
    settings.PASSENGER_MESSAGE_BATCH = 4
    notify_network(tmp_path)
    flight = Flight.objects.get(number="117")
    events = [delay_flight(flight=flight, delay_minutes=minutes) for minutes in (30, 40, 50)]
    flush_test_redis()  # the deliveries' own task messages: this test runs them
    first, *others = (Delivery.objects.get(event=event, subscriber="notifications") for event in events)
    with queued_sends() as sends:
        assert run_delivery(first.id) == "done"
    assert set(Delivery.objects.filter(id__in=[d.id for d in others]).values_list("status", flat=True)) == {"done"}
    per_event = [
        list(PassengerMessage.objects.filter(event=event).order_by("created_at", "id").values_list("id", flat=True))
        for event in events
    ]
    assert [len(ids) for ids in per_event] == [5, 5, 5]
    every_id = [message_id for ids in per_event for message_id in ids]
    assert sends == [every_id[start : start + 4] for start in range(0, 15, 4)], "4, 4, 4, 3: not 4, 1 each"
