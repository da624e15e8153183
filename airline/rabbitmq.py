"""A RabbitMQ virtual host of one's own on the local broker, for test runs and benchmarks: created with
``rabbitmqctl`` (which has to run on the broker's host), deleted with everything in it afterwards, so no run
sees another's messages. Not used by the application itself.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


def rabbitmqctl(*args: str) -> str:
    """Run ``rabbitmqctl`` with ``args``; returns what it printed (raises if it failed)."""
    binary = shutil.which("rabbitmqctl")
    if not binary:
        raise RuntimeError("rabbitmqctl is needed to give this run a RabbitMQ virtual host of its own")
    command = [binary, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout  # noqa: S603 - our arguments


@contextmanager
def rabbitmq_vhost(server_url: str, prefix: str) -> Iterator[str]:
    """The broker URL of a new virtual host named ``prefix-…`` on the RabbitMQ at ``server_url`` (a URL
    without a virtual host), deleted with everything in it afterwards."""
    vhost = f"{prefix}-{uuid.uuid4().hex[:12]}"
    user = server_url.split("://", 1)[1].split(":", 1)[0]
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield f"{server_url}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)
