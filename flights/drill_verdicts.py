"""A drill run's verdict: did every flow it started finish, without a dead delivery, within its time limit?

A run is judged once every delivery of its flows (chained events included) has settled, or once its time
limit has passed, whichever comes first. It ``failed`` naming the subscribers with dead deliveries, the
ones not done in time, or the ones that finished late; else it ``passed``. ``figures`` keeps, per
subscriber, its deliveries, how many were done or dead and the seconds from the injection to its last finish.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.db import transaction

from events.leasing import OPEN
from events.models import Delivery
from events.types import EventType

from .models import DrillRun, DrillVerdict, Flight
from .reasons import DEFAULT_REASON
from .services import DisruptionError, delay_flight

logger = logging.getLogger(__name__)


def subscriber_figures(run: DrillRun) -> dict[str, dict[str, Any]]:
    """Per subscriber of the run's flows: deliveries, done, dead, open and seconds to its last finish."""
    figures: dict[str, dict[str, Any]] = defaultdict(lambda: {"deliveries": 0, "done": 0, "dead": 0, "open": 0})
    last_finish: dict[str, dt.datetime] = {}
    deliveries = Delivery.objects.filter(event__root__in=run.roots.all()).values_list(
        "subscriber", "status", "finished_at"
    )
    for subscriber, status, finished_at in deliveries:
        counts = figures[subscriber]
        counts["deliveries"] += 1
        counts["open" if status in OPEN else status] += 1
        if finished_at and (subscriber not in last_finish or finished_at > last_finish[subscriber]):
            last_finish[subscriber] = finished_at
    for subscriber, counts in figures.items():
        finish = last_finish.get(subscriber)
        counts["seconds"] = round((finish - run.ran_at).total_seconds(), 1) if finish else None
    return dict(sorted(figures.items()))


def verdict_of(figures: dict[str, dict[str, Any]], *, time_limit_seconds: int, timed_out: bool) -> tuple[str, str]:
    """The verdict and its reason; ``running`` (no verdict yet) while flows are open within the time limit."""
    dead = [name for name, counts in figures.items() if counts["dead"]]
    open_ = [name for name, counts in figures.items() if counts["open"]]
    late = [name for name, counts in figures.items() if (counts["seconds"] or 0) > time_limit_seconds]
    if dead:
        return DrillVerdict.FAILED, f"dead deliveries: {', '.join(dead)}"
    if open_:
        if not timed_out:
            return DrillVerdict.RUNNING, ""
        return DrillVerdict.FAILED, f"not done within {time_limit_seconds} s: {', '.join(open_)}"
    if late:
        return DrillVerdict.FAILED, f"finished after the {time_limit_seconds} s limit: {', '.join(late)}"
    return DrillVerdict.PASSED, ""


def judge(run: DrillRun, now: dt.datetime) -> str:
    """Record the run's verdict if it has one now (see the module); return it."""
    figures = subscriber_figures(run)
    timed_out = now >= run.ran_at + dt.timedelta(seconds=run.time_limit_seconds)
    verdict, reason = verdict_of(figures, time_limit_seconds=run.time_limit_seconds, timed_out=timed_out)
    if verdict == DrillVerdict.RUNNING:
        return verdict
    with transaction.atomic():
        updated = DrillRun.objects.filter(pk=run.pk, verdict=DrillVerdict.RUNNING).update(
            verdict=verdict, reason=reason, figures={"subscribers": figures}, judged_at=now
        )
        if updated and run.restore:
            restore(run)
    if updated:
        logger.log(logging.WARNING if verdict == DrillVerdict.FAILED else logging.INFO,
                   "drill %s (slot %s) %s %s", run.name, run.slot, verdict, reason)  # fmt: skip
    return verdict


def restore(run: DrillRun) -> list[int]:
    """Put the run's flights back on schedule (itself a drill event, so its flow runs as well), unless a later
    change moved them since; record which were restored in the run's figures."""
    restored = []
    for root in run.roots.filter(type=EventType.FLIGHT_DELAYED).order_by("occurred_at"):
        flight = Flight.objects.get(pk=root.flight_id)
        if flight.delay_minutes != root.payload["delay_minutes"]:
            continue  # changed since the drill: not the drill's to undo
        try:
            with transaction.atomic():
                reason = root.payload["reason"] or DEFAULT_REASON
                delay_flight(flight=flight, delay_minutes=0, reason=reason, drill=True)
        except DisruptionError as exc:
            logger.warning("drill %s: %s not restored: %s", run.name, flight, exc)
            continue
        restored.append(flight.id)
    run.refresh_from_db(fields=["figures"])
    DrillRun.objects.filter(pk=run.pk).update(figures={**run.figures, "restored_flights": restored})
    return restored


def judge_running(now: dt.datetime) -> int:
    """Judge every running drill run; return how many got their verdict."""
    judged = 0
    for run in DrillRun.objects.filter(verdict=DrillVerdict.RUNNING).order_by("ran_at"):
        judged += judge(run, now) != DrillVerdict.RUNNING
    return judged
