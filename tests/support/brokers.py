"""The two supported Celery brokers for tests with real processes: the test Redis database, and RabbitMQ on a
virtual host of this test run's own (``airline.rabbitmq.rabbitmq_vhost``), so no run sees another's
messages.

``use_broker(url)`` points this process's Celery app at a broker; worker processes follow it
(``tests.support.processes.child_env`` passes ``BROKER_URL``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings

from airline import broker
from airline.celery import app
from tests.support.processes import wait_for

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


@contextmanager
def private_redis(directory: Path, port: int) -> Iterator[str]:
    """A redis-server of the test's own on ``port`` (nothing saved, working in ``directory``) until the block
    ends; yields its URL. Its statistics and its outages concern no one else."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed for tests with a Redis of their own"
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, cwd=directory,
    )  # fmt: skip
    try:
        wait_for(lambda: _pings(redis.Redis(port=port)), timeout=10, what="the private redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
