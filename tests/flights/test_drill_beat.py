"""The scheduled delay drill end to end: a real beat process (django-celery-beat's DatabaseScheduler) ticks,
a real worker process injects the delay, and the drill's flow runs to completion."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from events.models import Event
from flights.models import DrillRun, Flight
from tests.factories import FlightFactory
from tests.support.flows import flush_test_redis, wait_until_finished
from tests.support.processes import BeatProcess, WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Drill every few seconds"
EVERY_SECONDS = 3
CRASH = re.compile(r"Task flights\.inject_delays\[[^\]]+\] raised unexpected: .*")
# The flight leaves the one-hour horizon once delayed by two hours, so only the first tick delays it.
DRILL = {"probability": 1, "min_delay": 120, "max_delay": 120, "horizon_hours": 1, "reason": "WX"}


@pytest.fixture
def worker(django_db_setup, tmp_path) -> Iterator[WorkerProcess]:
    flush_test_redis()
    process = WorkerProcess(tmp_path / "worker.log", DRILLS_ALLOWED="true")
    yield process
    process.stop()  # before the tables are flushed, so no task runs under the flush


def test_every_beat_tick_runs_the_drill_and_the_injected_delay_flows_to_completion(
    worker: WorkerProcess, tmp_path
) -> None:
    soon = timezone.now() + dt.timedelta(minutes=30)
    flight = FlightFactory(scheduled_departure=soon, service_date=soon.date())
    interval, _ = IntervalSchedule.objects.get_or_create(every=EVERY_SECONDS, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=NAME, task="flights.inject_delays", interval=interval, kwargs=json.dumps(DRILL))

    def two_ticks_ran_or_one_crashed() -> bool:
        return bool(CRASH.search(worker.log_path.read_text())) or DrillRun.objects.filter(name=NAME).count() >= 2

    beat = BeatProcess(tmp_path / "beat.log")
    try:
        wait_for(two_ticks_ran_or_one_crashed, timeout=60, what="two drill ticks to run in the worker")
    finally:
        beat.stop()
    crash = CRASH.search(worker.log_path.read_text())
    assert crash is None, f"the drill task crashed in the worker: {crash and crash.group()}"

    first, second = DrillRun.objects.filter(name=NAME).order_by("slot")[:2]
    assert (first.delayed, second.delayed) == (1, 0), "the first tick delays the flight; the second finds none"
    # Slots are the interval's, not the minute's: two ticks a few seconds apart are two runs.
    assert first.slot % EVERY_SECONDS == 0 and EVERY_SECONDS <= second.slot - first.slot < 60, (first, second)
    event = Event.objects.get(type="flight.delayed", drill=True)
    assert event.flight_id == flight.id and event.payload["drill"] and event.payload["reason"] == "WX"
    assert Flight.objects.get(id=flight.id).delay_minutes == 120
    assert wait_until_finished(event, timeout=30) == "completed"
