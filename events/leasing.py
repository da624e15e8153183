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
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from django.db import connections, models, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone

logger = logging.getLogger(__name__)


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


def claim(
    work: QuerySet,
    *,
    token: uuid.UUID,
    lease_seconds: float,
    attempt_limit: AttemptLimit,
    durable: bool = True,
    **fields: Any,
) -> int:
    """Mark the claimable rows of ``work`` running under ``token`` for one more attempt; return how many.

    ``fields`` are written with the claim (a delivery's task id). A durable claim (the default) commits once its
    WAL is flushed, which flushes every transaction committed before it: work that goes outside the system
    (an email, a partner's webhook) must claim durably, so that what caused it cannot be lost in a database
    crash after it left. Work whose effects stay in the database (a delivery) may claim with ``durable=False``:
    losing the claim in a crash only lets the work be claimed again.
    """
    now = timezone.now()
    with atomic(using=work.db, durable=durable):
        return work.filter(claimable(now, attempt_limit=attempt_limit)).update(
            **_claimed(now, token=token, lease_seconds=lease_seconds, **fields)
        )


def claim_statement(
    work: QuerySet, *, token: uuid.UUID, lease_seconds: float, attempt_limit: AttemptLimit
) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of :func:`claim`'s ``UPDATE`` of ``work``, for a caller that reads what it claims in
    the same statement (``RETURNING``, in a ``WITH``). Run on its own (autocommit), it commits durably."""
    now = timezone.now()
    update = work.filter(claimable(now, attempt_limit=attempt_limit)).query.chain(UpdateQuery)
    update.add_update_values(_claimed(now, token=token, lease_seconds=lease_seconds))
    return update.get_compiler(work.db).as_sql()


def _claimed(now: dt.datetime, *, token: uuid.UUID, lease_seconds: float, **fields: Any) -> dict[str, Any]:
    """What a claim writes: running, one more attempt, under ``token``'s lease from ``now``; and ``fields``."""
    return {
        "status": LeaseStatus.RUNNING,
        "attempts": F("attempts") + 1,
        "started_at": now,
        "finished_at": None,
        "lease_expires_at": now + dt.timedelta(seconds=lease_seconds),
        "lease_token": token,
        **fields,
    }


@contextmanager
def atomic(*, using: str, durable: bool) -> Iterator[None]:
    """A transaction (``transaction.atomic``) whose commit waits for its WAL flush only if ``durable``.

    Without it (PostgreSQL ``synchronous_commit = off``) a database crash may lose the last fraction of a
    second of such commits, whole: each is lost entirely or kept entirely (docs/adr/0015). Nested in a
    caller's transaction it is a savepoint and the caller's commit keeps its own setting.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if not durable and outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def held(token: uuid.UUID) -> Q:
    """Work only while the claim made with ``token`` still holds it."""
    return Q(lease_token=token, status=LeaseStatus.RUNNING)


def finish(work: QuerySet, token: uuid.UUID, status: str, *, error: str = "", **fields: Any) -> int:
    """Record that the attempt holding ``work`` ended it ``done`` or ``dead``; return how many rows it still held
    (0: its lease was lost)."""
    return work.filter(held(token)).update(status=status, finished_at=timezone.now(), last_error=error, **fields)


def release(work: QuerySet, token: uuid.UUID) -> int:
    """Give back the rows of ``work`` the claim holds but never started: ``pending`` again, the attempt not counted;
    return how many."""
    return work.filter(held(token)).update(
        status=LeaseStatus.PENDING, attempts=F("attempts") - 1, started_at=None, lease_token=None, lease_expires_at=None
    )


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
    """Renews the lease of a claim every third of its duration until the block ends.

    The renewals are made by the process's one heartbeat thread (:class:`_Heartbeat`), so entering the block
    starts no thread: on a busy machine a thread start waits for the new thread to be scheduled. A renewal
    that races the end of the block changes nothing, since it only touches work the claim still holds.
    """

    def __init__(self, work: QuerySet, token: uuid.UUID, *, lease_seconds: float) -> None:
        self._held = work.filter(held(token))
        self._lease_seconds = lease_seconds
        self.period = lease_seconds / 3

    def __enter__(self) -> LeaseKeeper:
        _heartbeat.hold(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _heartbeat.release(self)

    def renew(self) -> None:
        """Push the lease's expiry ``lease_seconds`` from now (if the claim still holds it)."""
        try:
            self._held.update(lease_expires_at=timezone.now() + dt.timedelta(seconds=self._lease_seconds))
        except Exception:  # the database went away: the next renewal reconnects
            logger.warning("could not renew a lease", exc_info=True)
            connections[self._held.db].close()


class _Heartbeat:
    """The thread that renews every lease held in this process when due (started with the first one)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._due: dict[LeaseKeeper, float] = {}  # when (time.monotonic) each lease is next renewed
        self._thread: threading.Thread | None = None

    def hold(self, keeper: LeaseKeeper) -> None:
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)
                self._thread.start()
            at = time.monotonic() + keeper.period
            if at < min(self._due.values(), default=math.inf):  # else the thread wakes up in time anyway
                self._changed.notify()
            self._due[keeper] = at

    def release(self, keeper: LeaseKeeper) -> None:
        with self._changed:
            self._due.pop(keeper, None)
            if not self._due:
                self._changed.notify()  # the thread lets its connection go

    def _run(self) -> None:
        while True:
            with self._changed:
                now = time.monotonic()
                due = [keeper for keeper, at in self._due.items() if at <= now]
                if not due:
                    if not self._due:
                        # Nothing held: no idle PostgreSQL session kept open for the process's lifetime (a
                        # renewal opens one again when needed; most claims end before their first renewal).
                        connections.close_all()
                    self._changed.wait(min(self._due.values(), default=now + 3600) - now)
                    continue
                for keeper in due:
                    self._due[keeper] = now + keeper.period
            for keeper in due:
                keeper.renew()


_heartbeat = _Heartbeat()


def _heartbeat_of_the_child() -> None:
    """A forked process (a prefork worker) has no heartbeat thread, only the forking one survives: it starts
    its own."""
    global _heartbeat
    _heartbeat = _Heartbeat()


os.register_at_fork(after_in_child=_heartbeat_of_the_child)


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
