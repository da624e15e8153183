"""Shared helpers for benchmark scripts: a Django environment on a benchmark database, worker processes."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# RabbitMQ without a virtual host: a benchmark on RabbitMQ runs on a virtual host of its own there.
BENCH_RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672")


def bench_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=BENCH_DATABASE_URL, REDIS_URL=BENCH_REDIS_URL)
    env.setdefault("DJANGO_SETTINGS_MODULE", "airline.settings")
    env.update(extra)
    return env


def setup_django(fresh: bool = False, **extra: str) -> None:
    """Point this process at the benchmark database and Redis, create the database (anew with ``fresh``:
    runs that replace a large scenario again and again leave millions of dead rows behind), migrate."""
    os.environ.update(bench_env(**extra))
    sys.path.insert(0, str(ROOT))
    name = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    if fresh:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_worker(log: Path, concurrency: int = 2, nice: int = 0, **extra: str) -> subprocess.Popen:
    """A Celery worker on every queue, as its own process group (at ``nice`` priority); returns once it is
    ready."""
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    handle = open(log, "ab")  # noqa: SIM115 - the worker writes to it until stopped
    process = subprocess.Popen(
        ["nice", "-n", str(nice), str(ROOT / ".venv/bin/celery"), "-A", "airline", "worker", "--loglevel", "INFO",
         "--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=bench_env(**extra), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait(lambda: b"ready" in log.read_bytes(), 60)
    except TimeoutError:
        stop(process)
        raise
    time.sleep(1)
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wait(predicate: Callable[[], object], timeout: float, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step did not finish in time")
        time.sleep(interval)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
