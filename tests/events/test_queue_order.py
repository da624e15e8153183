"""On Redis a worker serving every queue takes them in the order of ``CELERY_TASK_QUEUES``, not in turn: a
disruption's deliveries before the sending of its passenger messages, whose queue comes last."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from kombu import Consumer, Message

from airline.celery import app
from tests.support.brokers import use_broker
from tests.support.flows import flush_test_redis


def test_a_worker_takes_the_deliveries_waiting_before_any_passenger_message_send() -> None:
    flush_test_redis()
    taken: list[str] = []

    def take(body: Any, message: Message) -> None:
        taken.append(message.delivery_info["routing_key"])
        message.ack()

    with use_broker(settings.REDIS_URL), app.connection_for_read() as connection:
        every_queue = list(app.amqp.queues.values())  # as a worker started without -Q consumes them
        # The consumer declares the queues and their bindings (the flush above removed any made before).
        with Consumer(connection, queues=every_queue, callbacks=[take], prefetch_count=1):
            for batch in ([1], [2]):  # queued first, as a disruption's first sends are
                app.send_task("notifications.send_passenger_messages", args=[batch])
            for delivery_id in (1, 2):
                app.send_task("events.run_delivery", args=[delivery_id], queue="notifications")
            while len(taken) < 4:
                connection.drain_events(timeout=5)
    flush_test_redis()
    sending = settings.PASSENGER_MESSAGE_QUEUE
    assert taken == ["notifications", "notifications", sending, sending]
