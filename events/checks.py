"""System checks of the event backbone: every subscription runs on a queue that a worker consumes.

A subscriber registered with a typo in its ``queue=`` would have its deliveries sent to a queue nobody
reads: they would stay pending for ever, re-sent by the relay. ``manage.py check`` refuses that instead.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

from .registry import all_subscriptions


def configured_queues() -> set[str]:
    """The queues a worker started without ``-Q`` consumes: ``CELERY_TASK_QUEUES``, else Celery's default one."""
    queues = getattr(settings, "CELERY_TASK_QUEUES", None)
    if not queues:
        return {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    return {getattr(queue, "name", queue) for queue in queues}


def _option_values(args: list[str], short: str, long: str) -> list[str] | None:
    """The comma-separated values of an option given as ``-Qa,b``, ``-Q a,b``, ``--queues a,b`` or
    ``--queues=a,b`` (repeatable); None when the option is absent."""
    values: list[str] | None = None
    for index, arg in enumerate(args):
        if arg in (short, long):
            value = args[index + 1] if index + 1 < len(args) else ""
        elif arg.startswith(f"{long}="):
            value = arg.split("=", 1)[1]
        elif arg.startswith(short) and not arg.startswith("--"):
            value = arg[len(short) :]
        else:
            continue
        values = (values or []) + [name for name in value.split(",") if name]
    return values


def worker_queues(command: str, configured: set[str]) -> set[str] | None:
    """The queues the ``celery ... worker`` in a shell command line consumes; None if it runs no worker.

    ``-Q``/``--queues`` names them (else every configured queue); ``-X``/``--exclude-queues`` removes some.
    """
    args = shlex.split(command)
    if not any(Path(arg).name == "celery" for arg in args) or "worker" not in args:
        return None
    named = _option_values(args, "-Q", "--queues")
    excluded = _option_values(args, "-X", "--exclude-queues") or []
    return set(configured if named is None else named) - set(excluded)


def procfile_worker_queues(text: str, configured: set[str]) -> set[str] | None:
    """Every queue consumed by the Procfile's worker processes; None if it runs no worker."""
    consumed: set[str] | None = None
    for line in text.splitlines():
        _name, colon, command = line.partition(":")
        if not colon or line.lstrip().startswith("#"):
            continue
        queues = worker_queues(command, configured)
        if queues is not None:
            consumed = (consumed or set()) | queues
    return consumed


def consumed_queues() -> set[str]:
    """The queues the project's workers consume: the Procfile's workers', or else every configured queue."""
    configured = configured_queues()
    procfile = Path(settings.BASE_DIR) / "Procfile"
    from_procfile = procfile_worker_queues(procfile.read_text(), configured) if procfile.is_file() else None
    return configured if from_procfile is None else from_procfile


def check_subscription_queues(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """One ``events.E001`` error per subscription whose queue no worker consumes."""
    consumed = consumed_queues()
    return [
        Error(
            f"subscriber {s.subscriber!r} handles {s.event_type!r} on queue {s.queue!r}, which no worker consumes.",
            hint=f"Consumed queues: {', '.join(sorted(consumed))}. Fix the subscriber's queue= or add the queue "
            "to SUBSCRIBER_QUEUES (airline/settings.py).",
            obj=f"{s.handler.__module__}.{s.handler.__qualname__}",
            id="events.E001",
        )
        for s in all_subscriptions()
        if s.queue not in consumed
    ]
