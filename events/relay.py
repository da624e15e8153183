"""The relay: a periodic sweep that sends again whatever the happy path did not.

It covers a broker that was down at commit, a message lost by a broker
restart, a retry scheduled further ahead than a countdown may wait, and a
worker that died mid-handler (its lease expired). Sending twice is harmless:
a delivery can only be claimed by one worker at a time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .dispatch import dispatch
from .models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayReport:
    dispatched: int
    buried: int


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def relay_once() -> RelayReport:
    """One sweep: bury deliveries whose worker died on their last attempt, then send what is due."""
    now = timezone.now()
    buried = Delivery.objects.filter(
        status=DeliveryStatus.RUNNING, lease_expires_at__lt=now, attempts__gte=settings.EVENTS_MAX_ATTEMPTS
    ).update(status=DeliveryStatus.DEAD, finished_at=now, last_error="worker lost during the last attempt")
    never_sent_or_lost = Q(status=DeliveryStatus.PENDING) & (
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - _seconds(settings.EVENTS_REDISPATCH_SECONDS))
    )
    retry_due = Q(
        status=DeliveryStatus.FAILED,
        next_attempt_at__lte=now - _seconds(settings.EVENTS_RELAY_GRACE_SECONDS),
    )
    # Running with an expired lease: the worker died; send it again (unless just sent).
    worker_lost = Q(status=DeliveryStatus.RUNNING, lease_expires_at__lt=now) & (
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - _seconds(settings.EVENTS_RELAY_GRACE_SECONDS))
    )
    due = list(
        Delivery.objects.filter(never_sent_or_lost | retry_due | worker_lost)
        .only("id", "queue")
        .order_by("created_at")[: settings.EVENTS_RELAY_BATCH]
    )
    dispatched = dispatch(due) if due else 0
    if dispatched or buried:
        logger.info("relay: %d dispatched, %d buried", dispatched, buried)
    return RelayReport(dispatched=dispatched, buried=buried)
