"""A handler that outlives its lease while another worker claims the delivery (real workers, a short lease).

The first worker is frozen (SIGSTOP: a stalled host, a long GC pause) mid-handler until its lease expires;
the relay sends the delivery again and a second worker runs it to the end. When the first worker thaws, its
handler finishes, but it no longer holds the lease: its writes must be rolled back. The handler is not
idempotent on purpose (one row per run), so only that guard keeps the effect to one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from events.models import Delivery
from events.relay import relay_once
from tests.support.flows import flush_test_redis, publish_now
from tests.support.processes import WorkerProcess, wait_for
from tests.support.subscribers import UNGUARDED, executions, unguarded_runs

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_handler_that_outlives_its_lease_commits_nothing(tmp_path: Path, django_db_setup) -> None:
    flush_test_redis()
    first = WorkerProcess(tmp_path / "first.log", concurrency=1, queues=["vouchers"])
    event = publish_now("test.stall", seconds=3)
    delivery = Delivery.objects.get(event=event, subscriber=UNGUARDED)
    second: WorkerProcess | None = None
    try:
        wait_for(lambda: executions(event, UNGUARDED) == 1, timeout=20, what="the first worker's handler to start")
        first.pause()
        second = WorkerProcess(tmp_path / "second.log", concurrency=1, queues=["vouchers"])
        wait_for(lambda: _lease_expired(delivery.id), timeout=3 * settings.EVENTS_LEASE_SECONDS,
                 what="the frozen worker's lease to expire")  # fmt: skip

        def relayed_and_claimed() -> bool:
            relay_once()  # the test plays beat
            return Delivery.objects.get(id=delivery.id).attempts == 2

        wait_for(relayed_and_claimed, timeout=20, what="the second worker to claim the delivery", interval=0.5)
        first.resume()
        wait_for(lambda: b"] succeeded in" in first.log_path.read_bytes(), timeout=20,
                 what="the first worker's task to end")  # fmt: skip
        wait_for(lambda: Delivery.objects.get(id=delivery.id).status == "done", timeout=20,
                 what="the second worker to finish")  # fmt: skip
    finally:
        first.resume()
        first.stop()
        if second is not None:
            second.stop()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("done", 2)
    assert executions(event, UNGUARDED) == 2, "both workers ran the handler to its end"
    assert unguarded_runs(event) == 1, "only the run that held the lease committed its row"
    assert b"lost its lease mid-run" in first.log_path.read_bytes()
    assert b"lost its lease" not in second.log_path.read_bytes()


def _lease_expired(delivery_id: int) -> bool:
    expires = Delivery.objects.get(id=delivery_id).lease_expires_at
    return expires is not None and expires < timezone.now()
