"""Claiming a delivery and keeping its lease alive while its handler works.

A delivery is claimed with one conditional ``UPDATE`` (no locks held while the
handler runs). The claim carries a lease: if the worker dies, the lease
expires and the relay sends the delivery again. A handler that is still
working renews its lease from a heartbeat thread, so it is never run twice at once.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from types import TracebackType

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Delivery, DeliveryStatus


def lease_duration() -> dt.timedelta:
    return dt.timedelta(seconds=settings.EVENTS_LEASE_SECONDS)


def claimable(now: dt.datetime) -> Q:
    """Deliveries a worker may start now: due pending/failed ones, and running ones whose lease expired."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (
        Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) & due
        | Q(status=DeliveryStatus.RUNNING, lease_expires_at__lt=now)
    ) & Q(attempts__lt=settings.EVENTS_MAX_ATTEMPTS)


def claim(delivery_id: int, *, token: uuid.UUID, task_id: str) -> bool:
    """Mark the delivery running under ``token`` if it may start now; False if someone else has it."""
    now = timezone.now()
    with transaction.atomic():
        _without_waiting_for_disk()
        claimed = Delivery.objects.filter(claimable(now), id=delivery_id).update(
            status=DeliveryStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            lease_expires_at=now + lease_duration(),
            lease_token=token,
            task_id=task_id,
        )
    return bool(claimed)


def _without_waiting_for_disk() -> None:
    """Let this transaction commit without waiting for its WAL flush (PostgreSQL).

    Only for writes whose loss in a database crash is harmless: a lost claim or
    lease renewal just lets the delivery be claimed again, and the handler's own
    work commits durably in the transaction that marks it done.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def held(delivery_id: int, token: uuid.UUID) -> Q:
    """The delivery, only while this claim still holds it."""
    return Q(id=delivery_id, lease_token=token, status=DeliveryStatus.RUNNING)


class LeaseKeeper:
    """Renews a claim's lease every third of its duration until the block ends."""

    def __init__(self, delivery_id: int, token: uuid.UUID) -> None:
        self._filter = held(delivery_id, token)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{delivery_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        interval = settings.EVENTS_LEASE_SECONDS / 3
        try:
            while not self._stop.wait(interval):
                Delivery.objects.filter(self._filter).update(lease_expires_at=timezone.now() + lease_duration())
        finally:
            connection.close()  # this thread's own connection
