"""Celery tasks of flights: scheduled delay drills (django-celery-beat) and their verdicts."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import drill_verdicts
from .drills import InvalidDrill, choose_delays, parse_drill
from .models import DrillRun, DrillVerdict, Flight, FlightStatus
from .services import DisruptionError, delay_flight

NOT_ALLOWED = "drills are not allowed in this deployment (DRILLS_ALLOWED is off)"

logger = logging.getLogger(__name__)


def _period_seconds(name: str) -> int:
    """Seconds between the ticks of periodic task ``name``: its interval's, else a minute.

    Only an interval schedule has a fixed period. A crontab, solar or clocked schedule (or a run that no
    periodic task sent) never ticks twice within a minute, so the minute separates its ticks.
    """
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(name=name).select_related("interval").first()
    if task is None or task.interval is None:
        return 60
    return max(1, int(task.interval.schedule.run_every.total_seconds()))


def _slot(name: str, now: dt.datetime) -> int:
    """The tick's scheduled slot: now rounded down to the periodic task's period (see :func:`_period_seconds`)."""
    period = _period_seconds(name)
    return int(now.timestamp()) // period * period


@shared_task(name="flights.inject_delays", ignore_result=True)
def inject_delays(**kwargs: Any) -> dict[str, int]:
    """Delay random flights departing soon, as a drill (kwargs: see flights.drills.DEFAULTS).

    Bad kwargs are logged and nothing happens; where drills are not allowed (``DRILLS_ALLOWED``) the tick is
    recorded as ``refused`` and nothing is injected; a tick that beat sends twice injects its delays once.
    """
    try:
        spec = parse_drill(kwargs)
    except InvalidDrill as exc:
        logger.error("delay drill not run, bad kwargs: %s", exc)
        return {"delayed": 0}
    now = timezone.now()
    name = getattr(inject_delays.request, "periodic_task_name", None) or "manual"
    slot = _slot(name, now)
    if not settings.DRILLS_ALLOWED:
        logger.warning("delay drill %s refused: %s", name, NOT_ALLOWED)
        DrillRun.objects.get_or_create(
            name=name, slot=slot, defaults={"verdict": DrillVerdict.REFUSED, "reason": NOT_ALLOWED}
        )
        return {"delayed": 0}
    flights = Flight.objects.filter(
        ~Q(status=FlightStatus.CANCELLED),
        estimated_departure__gte=now,
        estimated_departure__lte=now + dt.timedelta(hours=spec.horizon_hours),
    )
    if spec.airports:
        flights = flights.filter(origin_id__in=spec.airports)
    if spec.carrier:
        flights = flights.filter(carrier_id=spec.carrier)
    delays = choose_delays(spec, list(flights.values_list("id", flat=True)), slot=slot)
    try:
        with transaction.atomic():
            run = DrillRun.objects.create(
                name=name, slot=slot, time_limit_seconds=spec.time_limit_seconds, restore=spec.restore
            )
            delayed = 0
            for flight in Flight.objects.filter(id__in=delays).order_by("id"):
                try:
                    with transaction.atomic():
                        event = delay_flight(
                            flight=flight, delay_minutes=delays[flight.id], reason=spec.reason, drill=True
                        )
                    run.roots.add(event)
                    delayed += 1
                except DisruptionError as exc:
                    logger.warning("drill skipped %s: %s", flight, exc)
            run.delayed = delayed
            run.save(update_fields=["delayed"])
    except IntegrityError:
        logger.info("drill %s slot %s already ran: not injecting twice", name, slot)
        return {"delayed": 0}
    logger.info("drill %s delayed %d flights", name, delayed)
    return {"delayed": delayed}


@shared_task(name="flights.judge_drills", ignore_result=True)
def judge_drills() -> int:
    """Give a verdict to each running drill whose flows settled or whose time limit passed (beat, periodic)."""
    return drill_verdicts.judge_running(timezone.now())
