"""gunicorn's configuration file (read from the working directory): the settings stay on the command line;
only the Prometheus multi-process bookkeeping lives here."""

from typing import Any


def child_exit(server: Any, worker: Any) -> None:
    """A worker exited (recycled by --max-requests, or killed): drop its live-gauge metric files."""
    from observability.metrics import mark_process_dead

    mark_process_dead(worker.pid)
