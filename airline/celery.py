"""The Celery application `airline` (`celery -A airline worker` consumes every queue)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_prerun, worker_process_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airline.settings")

app = Celery("airline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def drop_unusable_connections(**kwargs: Any) -> None:
    """Close a database connection that broke or outlived CONN_MAX_AGE, as Django does per request.

    It also re-arms the connection health check, so a connection the server
    dropped (restart, ``pg_terminate_backend``) is replaced before the task uses it.
    """
    from django.db import close_old_connections

    close_old_connections()


@worker_process_init.connect
def start_tracing(**kwargs: Any) -> None:
    """Tracing in each pool process, after the fork (observability.tracing), when the OTEL_* variables ask."""
    from observability import tracing

    tracing.configure("airline-worker")


@worker_process_shutdown.connect
def stop_tracing(**kwargs: Any) -> None:
    """Export the spans still buffered before the pool process exits."""
    from observability import tracing

    tracing.shutdown()


@worker_process_shutdown.connect
def forget_metrics_of_exiting_process(pid: int, **kwargs: Any) -> None:
    """A prefork child is exiting: its live-gauge metric files go with it (prometheus-client's multi-process mode)."""
    from observability.metrics import mark_process_dead

    mark_process_dead(pid)
