"""Real Celery worker processes for tests, talking to the test database, Redis and the broker in use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from airline.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a project process that must see the test database."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        BROKER_URL=celery_app.conf.broker_url,  # the broker this process publishes to (tests.support.brokers)
    )
    env.update(overrides)
    return env


class CeleryProcess:
    """``celery -A airline <command>`` as its own process group (so it can be SIGKILLed whole), logging to a file.

    Returns once ``ready`` appears in the log.
    """

    def __init__(self, command: list[str], log_path: Path, *, ready: bytes, **env: str) -> None:
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "airline", *command, "--loglevel", "INFO"],
            cwd=ROOT, env=child_env(**env), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: ready in log_path.read_bytes(), timeout=30, what=f"celery {command[0]} to start")

    def kill(self) -> None:
        """SIGKILL the process and all its children at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def pause(self) -> None:
        """SIGSTOP the process group: it holds its claims and connections but runs nothing (a stalled host)."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT the process group after :meth:`pause`."""
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM the process group (a worker finishes its running tasks); SIGKILL it if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


class WorkerProcess(CeleryProcess):
    """``celery -A airline worker`` on every queue, or on ``queues`` only."""

    def __init__(self, log_path: Path, concurrency: int = 2, queues: list[str] | None = None, **env: str) -> None:
        # A node name of its own: RabbitMQ refuses a second worker of the same name (its control queue is exclusive).
        command = ["worker", "--hostname", f"{log_path.stem}-{uuid.uuid4().hex[:8]}@%h", "--concurrency",
                   str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat",
                   *(["--queues", ",".join(queues)] if queues else [])]  # fmt: skip
        super().__init__(command, log_path, ready=b"ready.", **env)


class BeatProcess(CeleryProcess):
    """``celery -A airline beat`` with the project's scheduler (django-celery-beat's DatabaseScheduler)."""

    def __init__(self, log_path: Path, **env: str) -> None:
        super().__init__(["beat"], log_path, ready=b"beat: Starting...", **env)


def every_queue_but(stopped: str) -> list[str]:
    """The names of every configured queue except ``stopped`` (a worker that leaves that queue unconsumed)."""
    return [queue.name for queue in settings.CELERY_TASK_QUEUES if queue.name != stopped]


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 (for a server of the test's own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py ARGS`` as its own process on the test database (``env`` on top: a broker, tracing)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=child_env(**env), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``predicate`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
