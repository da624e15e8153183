"""The process's lease heartbeat: it renews a claim held past a third of its lease, and keeps no database session
open once nothing is held (an idle worker process would otherwise hold a PostgreSQL connection for good)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection

from events import leasing
from events.models import Delivery
from tests.support.flows import flush_test_redis, publish_now
from tests.support.processes import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 0.6


def _renewing_sessions() -> int:
    """Sessions on this test database whose last statement was a lease renewal (only the heartbeat renews)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND query LIKE %s",
            ['UPDATE "events_delivery" SET "lease_expires_at"%'],
        )
        return cursor.fetchone()[0]


def test_a_held_lease_is_renewed_and_the_heartbeat_lets_its_session_go_once_released() -> None:
    event = publish_now("test.ping", n=1)
    flush_test_redis()  # the deliveries' messages: this test claims one itself
    work = Delivery.objects.filter(id=Delivery.objects.filter(event=event).values_list("id", flat=True).first())
    token = uuid.uuid4()
    assert leasing.claim(work, token=token, lease_seconds=LEASE_SECONDS, attempt_limit=None) == 1
    claimed_until = work.get().lease_expires_at

    with leasing.LeaseKeeper(work, token, lease_seconds=LEASE_SECONDS):
        time.sleep(LEASE_SECONDS * 1.5)  # renewals are due every third of the lease
        assert work.get().lease_expires_at > claimed_until, "the heartbeat renewed the lease"
        assert _renewing_sessions() == 1, "the heartbeat thread renews over a session of its own"

    wait_for(lambda: _renewing_sessions() == 0, timeout=5, what="the heartbeat's session to close once nothing is held")
