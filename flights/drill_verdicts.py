"""A drill run's verdict: was every flow it started handled (POLICY.md "Duties") within its time limit?

A run is judged once every delivery of its flows (chained events included) has settled and every duty they
created is met or left to operators, or once its time limit has passed, whichever comes first. It ``failed``
naming the subscribers with dead deliveries, the ones not done in time, or the ones that finished late, else
naming the kinds of duty still open that the choreography should have met; else it ``needs_action`` where
the policy leaves passengers to operators (:mod:`operations.open_duties`), naming those duties by kind; else
it ``passed``. ``figures`` keeps, per subscriber, its deliveries, how many were done or dead and the seconds
from the injection to its last finish, and the open duties per kind.

With ``restore``, the judged run puts its flights back on schedule through drill events of its own: a run of
its own (``restore_of``), judged the same way, its time measured from the restore.
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
from observability import metrics
from operations.open_duties import OpenDuties, open_duties

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


def verdict_of(
    figures: dict[str, dict[str, Any]], duties: OpenDuties, *, time_limit_seconds: int, timed_out: bool
) -> tuple[str, str]:
    """The verdict and its reason; ``running`` (no verdict yet) while flows or the choreography's duties are open
    within the time limit."""
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
    if duties.unmet:
        if not timed_out:
            return DrillVerdict.RUNNING, ""
        return DrillVerdict.FAILED, f"duties not met within {time_limit_seconds} s: {_by_kind(duties.unmet)}"
    if duties.left_to_operators:
        return DrillVerdict.NEEDS_ACTION, f"left to operators: {_by_kind(duties.left_to_operators)}"
    return DrillVerdict.PASSED, ""


def _by_kind(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} ×{n}" for kind, n in counts.items())


def judge(run: DrillRun, now: dt.datetime) -> str:
    """Record the run's verdict if it has one now (see the module); return it."""
    figures = subscriber_figures(run)
    duties = open_duties(run.roots.values_list("id", flat=True))
    timed_out = now >= run.ran_at + dt.timedelta(seconds=run.time_limit_seconds)
    verdict, reason = verdict_of(figures, duties, time_limit_seconds=run.time_limit_seconds, timed_out=timed_out)
    if verdict == DrillVerdict.RUNNING:
        return verdict
    recorded = {
        "subscribers": figures,
        "duties": {"left_to_operators": duties.left_to_operators, "unmet": duties.unmet},
    }
    with transaction.atomic():
        updated = DrillRun.objects.filter(pk=run.pk, verdict=DrillVerdict.RUNNING).update(
            verdict=verdict, reason=reason, figures=recorded, judged_at=now
        )
        if updated and run.restore:
            restore(run)
    if updated:
        metrics.DRILL_VERDICTS.labels(verdict).inc()
        logger.log(logging.INFO if verdict == DrillVerdict.PASSED else logging.WARNING,
                   "drill %s (slot %s) %s %s", run.name, run.slot, verdict, reason)  # fmt: skip
    return verdict


def restore(run: DrillRun) -> list[int]:
    """Put the run's flights back on schedule (itself a drill event, so its flow runs as well), unless a later
    change moved them since, as a run of its own to be judged; record which were restored in the run's figures."""
    restoring = DrillRun.objects.create(
        name=f"{run.name} (restore)", slot=run.slot, time_limit_seconds=run.time_limit_seconds, restore_of=run
    )
    restored = []
    for root in run.roots.filter(type=EventType.FLIGHT_DELAYED).order_by("occurred_at"):
        flight = Flight.objects.get(pk=root.flight_id)
        if flight.delay_minutes != root.payload["delay_minutes"]:
            continue  # changed since the drill: not the drill's to undo
        try:
            with transaction.atomic():
                reason = root.payload["reason"] or DEFAULT_REASON
                restoring.roots.add(delay_flight(flight=flight, delay_minutes=0, reason=reason, drill=True))
        except DisruptionError as exc:
            logger.warning("drill %s: %s not restored: %s", run.name, flight, exc)
            continue
        restored.append(flight.id)
    if restored:
        DrillRun.objects.filter(pk=restoring.pk).update(delayed=len(restored))
    else:
        restoring.delete()  # nothing to judge
    run.refresh_from_db(fields=["figures"])
    DrillRun.objects.filter(pk=run.pk).update(figures={**run.figures, "restored_flights": restored})
    return restored


def judge_running(now: dt.datetime) -> int:
    """Judge every running drill run; return how many got their verdict."""
    judged = 0
    for run in DrillRun.objects.filter(verdict=DrillVerdict.RUNNING).order_by("ran_at"):
        judged += judge(run, now) != DrillVerdict.RUNNING
    return judged
