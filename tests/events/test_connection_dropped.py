"""A worker's database connection dropped mid-handler (``pg_terminate_backend``): the delivery is retried and its
effect happens once.

The handler writes a row and then stalls inside its transaction; the test terminates that backend (the one
``idle in transaction``: the lease keeper's connection autocommits). The row dies with the transaction, the
attempt fails, and the retry runs on a fresh connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from events.models import Delivery
from tests.support.flows import flush_test_redis, publish_now
from tests.support.processes import WorkerProcess, wait_for
from tests.support.subscribers import UNGUARDED, executions, unguarded_runs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path: Path, django_db_setup) -> Iterator[WorkerProcess]:
    flush_test_redis()
    process = WorkerProcess(tmp_path / "worker.log", concurrency=1, queues=["vouchers"])
    yield process
    process.stop()


def test_a_connection_terminated_mid_handler_is_retried_and_takes_effect_once(worker: WorkerProcess) -> None:
    event = publish_now("test.stall", seconds=2)
    delivery = Delivery.objects.get(event=event, subscriber=UNGUARDED)
    wait_for(lambda: _handler_backends(), timeout=20, what="the handler's transaction to open")
    terminated = _terminate(_handler_backends())
    assert terminated == 1
    # No relay here: the failed attempt itself reconnects, records the failure and schedules the retry.
    wait_for(lambda: Delivery.objects.get(id=delivery.id).status == "done", timeout=30,
             what="the delivery to be retried and done")  # fmt: skip
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert f"delivery {delivery.id} failed on attempt 1".encode() in worker.log_path.read_bytes()
    assert executions(event, UNGUARDED) == 2
    assert unguarded_runs(event) == 1, "the terminated transaction's row is gone, the retry's row stays"


def _handler_backends() -> list[int]:
    """The backends of other sessions on the test database that sit inside a transaction that wrote."""
    # backend_xid is set once the transaction wrote: the handler's, not the lease keeper's autocommit updates.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _terminate(pids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) AND pg_terminate_backend(pid)",
                       [pids])  # fmt: skip
        (count,) = cursor.fetchone()
    return int(count)
