"""The relay counts a pending delivery's message as lost only once its queue's backlog is empty (``events.relay``),
on each broker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from airline.celery import app
from events.dispatch import dispatch
from events.models import Delivery
from events.relay import relay_once
from events.services import publish
from tests.support.flows import flush_test_redis
from tests.support.subscribers import Ping

pytestmark = pytest.mark.django_db


def _sent_ago(seconds: float) -> Delivery:
    """A pending delivery of test.ping (queue ``notifications``) whose message went out ``seconds`` ago."""
    with transaction.atomic():
        event = publish(Ping(n=1))
    delivery = Delivery.objects.get(event=event)
    Delivery.objects.filter(id=delivery.id).update(
        dispatched_at=timezone.now() - dt.timedelta(seconds=seconds), dispatch_count=1
    )
    return delivery


def _purge(queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def _count(delivery: Delivery) -> int:
    return Delivery.objects.get(id=delivery.id).dispatch_count


@pytest.fixture
def backlog(broker: str) -> Delivery:
    """A message waiting in the ``notifications`` queue ahead of anything the relay sends."""
    flush_test_redis()  # RabbitMQ's queues were purged by the broker fixture
    _purge("notifications")
    (queued,) = Delivery.objects.filter(event=_sent_ago(0).event)
    assert dispatch([queued]) == 1
    return queued


def test_a_message_sent_long_ago_waits_while_its_queue_has_a_backlog_and_is_sent_once_it_drained(
    backlog: Delivery, settings
) -> None:
    delivery = _sent_ago(settings.EVENTS_REDISPATCH_SECONDS + 1)

    relay_once()
    assert _count(delivery) == 1, "its message is most likely still in the queue"

    _purge("notifications")
    relay_once()
    assert _count(delivery) == 2, "the queue is empty: its message was lost"


def test_past_the_longest_wait_a_message_is_sent_again_whatever_the_backlog(backlog: Delivery, settings) -> None:
    delivery = _sent_ago(settings.EVENTS_REDISPATCH_MAX_SECONDS + 1)
    relay_once()
    assert _count(delivery) == 2


def test_a_delivery_never_sent_is_sent_whatever_the_backlog(backlog: Delivery) -> None:
    delivery = _sent_ago(0)
    Delivery.objects.filter(id=delivery.id).update(dispatched_at=None, dispatch_count=0)
    relay_once()
    assert _count(delivery) == 1


def test_a_recent_message_is_not_sent_again_even_to_an_empty_queue(broker: str) -> None:
    flush_test_redis()
    _purge("notifications")
    delivery = _sent_ago(1)
    relay_once()
    assert _count(delivery) == 1
