"""The one claim/lease/sweep mechanism: work a worker claims, attempts, retries and finishes.

Deliveries, partner messages and passenger messages are all :class:`LeasedWork`, with the same fields and
the same statuses, meaning the same thing everywhere:

``pending → running → done``, or ``running → failed → running → … → dead``

- ``pending``: not attempted yet (or sent again by an operator);
- ``running``: claimed by a worker, whose lease (``lease_token``, ``lease_expires_at``) holds it;
- ``done``: finished;
- ``failed``: an attempt failed and it **will be retried** at ``next_attempt_at``;
- ``dead``: gave up (attempts used up, or an error no retry can fix); only an operator sends it again.

Work is claimed with one conditional ``UPDATE`` (no lock is held while it runs); the claim takes a lease
that expires if the worker dies, so a sweep can send the work again. Only the claim that holds the lease
may record an outcome. Short waits before a retry ride on a broker countdown, longer ones wait in the
database for the kind's periodic sweep, so no message waits in the broker longer than its visibility
timeout.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any

from django.db import connections, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone


class LeaseStatus(models.TextChoices):
    """The statuses of every kind of leased work (see the module's docstring)."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed (will retry)"
    DEAD = "dead", "Dead (gave up)"


OPEN = (LeaseStatus.PENDING, LeaseStatus.RUNNING, LeaseStatus.FAILED)
"""Not finished: what a sweep looks at, and what "settled" waits for."""

RESENDABLE = (LeaseStatus.FAILED, LeaseStatus.DEAD)
"""What an operator may send again with a fresh round of attempts."""

_WORKER_LOST = "worker lost during the last attempt"

AttemptLimit = int | F | None
"""Attempts allowed in all: a number, a column (``F("attempt_limit")``), or None for no limit."""


class LeasedWork(models.Model):
    """The fields every kind of leased work has (an abstract model)."""

    status = models.CharField(max_length=8, choices=LeaseStatus.choices, default=LeaseStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="Not attempted before then (a failed one retries then); empty: at once."
    )
    started_at = models.DateTimeField(null=True, blank=True, help_text="The latest attempt started then.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Done or dead then.")
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


def valid_status(name: str) -> models.CheckConstraint:
    """The check constraint that keeps a table's ``status`` one of the statuses."""
    return models.CheckConstraint(condition=Q(status__in=LeaseStatus.values), name=name)


def open_work_index(name: str) -> models.Index:
    """The partial index a sweep scans: unfinished rows, by status and due time."""
    return models.Index(
        fields=["status", "next_attempt_at"], name=name, condition=Q(status__in=[s.value for s in OPEN])
    )


def claimable(now: dt.datetime, *, attempt_limit: AttemptLimit) -> Q:
    """Work a worker may start now: due pending or failed work, and running work whose lease expired."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waiting = Q(status__in=[LeaseStatus.PENDING, LeaseStatus.FAILED]) & due
    abandoned = Q(status=LeaseStatus.RUNNING, lease_expires_at__lt=now)
    if attempt_limit is None:
        return waiting | abandoned
    return (waiting | abandoned) & Q(attempts__lt=attempt_limit)


def claim(work: QuerySet, *, token: uuid.UUID, lease_seconds: float, attempt_limit: AttemptLimit, **fields: Any) -> int:
    """Mark the claimable rows of ``work`` running under ``token`` for one more attempt; return how many.

    ``fields`` are written with the claim (a delivery's task id). The claim commits without waiting for its
    WAL flush: losing it in a database crash only lets the work be claimed again, and the outcome is
    written durably, which flushes the claim before it.
    """
    now = timezone.now()
    with transaction.atomic(using=work.db):
        _without_waiting_for_disk(work.db)
        return work.filter(claimable(now, attempt_limit=attempt_limit)).update(
            status=LeaseStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            finished_at=None,
            lease_expires_at=now + dt.timedelta(seconds=lease_seconds),
            lease_token=token,
            **fields,
        )


def _without_waiting_for_disk(using: str) -> None:
    """Let the current transaction commit without waiting for its WAL flush (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def held(token: uuid.UUID) -> Q:
    """Work only while the claim made with ``token`` still holds it."""
    return Q(lease_token=token, status=LeaseStatus.RUNNING)


def finish(work: QuerySet, token: uuid.UUID, status: str, *, error: str = "", **fields: Any) -> bool:
    """Record that the attempt holding ``work`` ended it ``done`` or ``dead``; False if its lease was lost."""
    return bool(work.filter(held(token)).update(status=status, finished_at=timezone.now(), last_error=error, **fields))


def retry_or_bury(
    work: QuerySet,
    token: uuid.UUID,
    *,
    attempts: int,
    attempt_limit: int,
    wait: float,
    error: str,
    max_countdown: float,
    send_again: Callable[[float], object],
) -> str | None:
    """After a failed attempt: ``dead`` if the attempts are used up, else ``failed`` until ``wait`` s from now.

    A wait up to ``max_countdown`` seconds rides on a broker countdown (``send_again(wait)``); a longer one
    waits in the database for the sweep. Returns the status written, None if the lease was lost (then
    nothing is written or sent).
    """
    if attempts >= attempt_limit:
        return LeaseStatus.DEAD if finish(work, token, LeaseStatus.DEAD, error=error) else None
    scheduled = work.filter(held(token)).update(
        status=LeaseStatus.FAILED, next_attempt_at=timezone.now() + dt.timedelta(seconds=wait), last_error=error
    )
    if not scheduled:
        return None
    if wait <= max_countdown:
        send_again(wait)
    return LeaseStatus.FAILED


class LeaseKeeper:
    """Renews the lease of a claim every third of its duration until the block ends (a heartbeat thread)."""

    def __init__(self, work: QuerySet, token: uuid.UUID, *, lease_seconds: float) -> None:
        self._held = work.filter(held(token))
        self._lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{token}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self._lease_seconds / 3):
                self._held.update(lease_expires_at=timezone.now() + dt.timedelta(seconds=self._lease_seconds))
        finally:
            connections[self._held.db].close()  # this thread's own connection


def bury_lost(work: QuerySet, now: dt.datetime, *, attempt_limit: int | F) -> int:
    """Make ``dead`` the running work whose lease expired on its last allowed attempt; return how many."""
    return work.filter(status=LeaseStatus.RUNNING, lease_expires_at__lt=now, attempts__gte=attempt_limit).update(
        status=LeaseStatus.DEAD, finished_at=now, last_error=_WORKER_LOST
    )


def due_for_sweep(
    now: dt.datetime, *, grace: float, pending_lost: Q | None = None, not_just_resent: Q | None = None
) -> Q:
    """What a periodic sweep sends (again): work whose send was lost, retries it must carry, dead workers' work.

    That is pending and failed work more than ``grace`` seconds past its ``next_attempt_at`` (or, never
    scheduled, its creation): a lost send task, or a countdown lost or too long for the broker; and running
    work whose lease expired: its worker died. A kind that records when it sent its work to the broker
    (deliveries) says instead when a pending one's message counts as lost (``pending_lost``), and keeps
    running work it sent again moments ago from being sent at every sweep (``not_just_resent``).
    """
    overdue = now - dt.timedelta(seconds=grace)
    waited = Q(next_attempt_at__lte=overdue) | Q(next_attempt_at__isnull=True, created_at__lte=overdue)
    return (
        Q(status=LeaseStatus.PENDING) & (waited if pending_lost is None else pending_lost)
        | Q(status=LeaseStatus.FAILED) & waited
        | Q(status=LeaseStatus.RUNNING, lease_expires_at__lt=now) & (not_just_resent or Q())
    )
