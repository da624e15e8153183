"""On Redis a worker serving every queue takes them in turn (``airline.broker.SendingLastCycle``), but the sending
of passenger messages only when every other queue is empty: a disruption's deliveries before its emails, and no
subscriber's backlog ahead of another's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from kombu import Consumer, Message

from airline.broker import SendingLastCycle
from airline.celery import app
from tests.support.brokers import use_broker
from tests.support.flows import flush_test_redis


def _taken_by_a_worker(send: list[tuple[str, list[int], str | None]]) -> list[str]:
    """The queues a consumer of every queue (as a worker started without -Q) takes the messages of ``send`` (task,
    args, queue) from, in its order, one at a time."""
    flush_test_redis()
    taken: list[str] = []

    def take(body: Any, message: Message) -> None:
        taken.append(message.delivery_info["routing_key"])
        message.ack()

    every_queue = list(app.amqp.queues.values())
    try:
        # The consumer declares the queues and their bindings (the flush above removed any made before).
        with (
            use_broker(settings.REDIS_URL),
            app.connection_for_read() as connection,
            Consumer(connection, queues=every_queue, callbacks=[take], prefetch_count=1),
        ):
            for task, args, queue in send:
                app.send_task(task, args=args, queue=queue)
            while len(taken) < len(send):
                connection.drain_events(timeout=5)
    finally:
        flush_test_redis()
    return taken


def test_a_worker_takes_the_deliveries_waiting_before_any_passenger_message_send() -> None:
    sends = [("notifications.send_passenger_messages", [batch], None) for batch in (1, 2)]  # queued first
    deliveries = [("events.run_delivery", [delivery_id], "notifications") for delivery_id in (1, 2)]
    sending = settings.PASSENGER_MESSAGE_QUEUE
    assert _taken_by_a_worker(sends + deliveries) == ["notifications", "notifications", sending, sending]


def test_a_worker_takes_the_subscribers_queues_in_turn() -> None:
    # rebooking comes before duties in CELERY_TASK_QUEUES: taken in that order, rebooking's backlog would go first
    deliveries = [("events.run_delivery", [n], queue) for n, queue in enumerate(["rebooking"] * 3 + ["duties"] * 3)]
    assert _taken_by_a_worker(deliveries) == ["rebooking", "duties"] * 3


def test_the_sending_queue_stays_behind_the_others_whatever_was_taken_last() -> None:
    cycle = SendingLastCycle()
    cycle.update(["default", "passenger-messages", "rebooking", "duties"])
    assert cycle.consume(4) == ["default", "rebooking", "duties", "passenger-messages"]
    cycle.rotate("default")
    assert cycle.consume(4) == ["rebooking", "duties", "default", "passenger-messages"]
    cycle.rotate("passenger-messages")
    assert cycle.consume(4) == ["rebooking", "duties", "default", "passenger-messages"]
