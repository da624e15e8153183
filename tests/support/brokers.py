"""The two supported Celery brokers for tests with real processes: the test Redis database, and RabbitMQ on a
virtual host of this test run's own (``airline.rabbitmq.rabbitmq_vhost``), so no run sees another's
messages.

``use_broker(url)`` points this process's Celery app at a broker; worker processes follow it
(``tests.support.processes.child_env`` passes ``BROKER_URL``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from airline import broker
from airline.celery import app

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672")
"""RabbitMQ without a virtual host; make test checks that it answers (scripts/check_services.sh)."""


@dataclass
class Outage:
    """A broker that is down until ``restore()``: publish to ``down_url`` meanwhile, consume from ``up_url``."""

    down_url: str
    up_url: str
    restore: Callable[[], None]


def _reconnect() -> None:
    """Forget the app's connection and producer pools, so the next publish connects to the configured broker
    (what Celery itself does after a fork); kombu keeps each broker's pool open for reuse."""
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def use_broker(url: str) -> Iterator[str]:
    """Publish from this process to the broker at ``url`` (purged first); the settings' broker afterwards."""
    original = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = broker.transport_options(url, settings.VAR_DIR / "broker")
    _reconnect()
    try:
        if broker.is_amqp(url):
            app.control.purge()
        yield url
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = original
        _reconnect()
