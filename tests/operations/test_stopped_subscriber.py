"""A queue nobody consumes, with real worker and beat processes: its subscribers' duties stay open, show overdue on
the dashboard and are stamped overdue by beat within one review interval, and are met once a worker takes the
queue (issue 14, "Done when"); on each supported broker (Redis and RabbitMQ)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from flights.models import Flight
from flights.services import delay_flight
from operations.models import Duty
from tests.support.flows import flush_test_redis
from tests.support.processes import BeatProcess, WorkerProcess, every_queue_but, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW_INTERVAL = settings.CELERY_BEAT_SCHEDULE["duties-review"]["schedule"]
STOPPED = "vouchers"  # meal vouchers, and compensation, which shares its workers (ADR 4)


def _dashboard(client: Client) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    page = client.get("/admin/")
    queues = {queue.label: queue.count for queue in page.context["queues"]}
    return queues, {k.kind: (k.open, k.overdue) for k in page.context["duties_by_kind"]}


def test_a_queue_without_a_worker_leaves_its_duties_open_and_overdue_until_a_worker_takes_it(
    broker: str, stranded: Flight, admin_client: Client, tmp_path: Path
) -> None:
    flush_test_redis()
    others = every_queue_but(STOPPED)
    processes = [WorkerProcess(tmp_path / "worker.log", queues=others), BeatProcess(tmp_path / "beat.log")]
    try:
        root = delay_flight(flight=stranded, delay_minutes=224, reason="TECH")
        meals = Duty.objects.filter(root=root, kind="meal")
        wait_for(lambda: meals.count() == 4, timeout=30, what="the observer to record the meal duties")
        wait_for(
            lambda: meals.filter(overdue_since__isnull=False).count() == 4,
            timeout=REVIEW_INTERVAL + 10,
            what="beat's review to stamp the unmet meal duties overdue within one interval",
        )
        assert set(meals.values_list("status", flat=True)) == {"open"}
        assert root.deliveries.get(subscriber="vouchers").status == "pending", "nobody consumes its queue"
        queues, by_kind = _dashboard(admin_client)
        assert by_kind["meal"] == (4, 4) and queues["Duties overdue"] >= 4

        processes.append(WorkerProcess(tmp_path / "vouchers.log", queues=[STOPPED]))
        wait_for(lambda: set(meals.values_list("status", flat=True)) == {"met"}, timeout=60, what="the meals to be met")
        assert _dashboard(admin_client)[1]["meal"] == (0, 0)
    finally:
        for process in processes:
            process.stop()
