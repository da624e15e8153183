"""The relay: a periodic sweep that sends again whatever the happy path did not.

It covers a broker that was down at commit, a message lost by a broker
restart, a retry scheduled further ahead than a countdown may wait, and a
worker that died mid-handler (its lease expired). Sending twice is harmless:
a delivery can only be claimed by one worker at a time.

A pending delivery sent more than ``EVENTS_REDISPATCH_SECONDS`` ago counts as
lost only once its queue's backlog on the broker is empty: messages are taken
in order, so while older ones still wait, its own is most likely among them.
Sending it again then would only lengthen the backlog that delayed it (at hub
scale the relay was sending thousands again, and each copy cost a worker a
claim that skipped). Past ``EVENTS_REDISPATCH_MAX_SECONDS`` it is sent again
whatever the backlog, so a queue that never empties cannot hide a lost one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from observability import metrics

from . import leasing, registry
from .dispatch import dispatch, waiting_messages
from .models import Delivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayReport:
    dispatched: int
    buried: int


def relay_once() -> RelayReport:
    """One sweep: bury deliveries whose worker died on their last attempt, then send what is due."""
    now = timezone.now()
    buried = leasing.bury_lost(Delivery.objects.all(), now, attempt_limit=settings.EVENTS_MAX_ATTEMPTS)
    due = leasing.due_for_sweep(
        now,
        grace=settings.EVENTS_RELAY_GRACE_SECONDS,
        pending_lost=_lost(now),
        not_just_resent=_not_sent_within(settings.EVENTS_RELAY_GRACE_SECONDS, now),
    )
    deliveries = list(
        Delivery.objects.filter(due).only("id", "queue").order_by("created_at")[: settings.EVENTS_RELAY_BATCH]
    )
    dispatched = dispatch(deliveries) if deliveries else 0
    metrics.relay_swept((d.queue for d in deliveries[:dispatched]), buried)  # dispatch sends in order
    if dispatched or buried:
        logger.info("relay: %d dispatched, %d buried", dispatched, buried)
    return RelayReport(dispatched=dispatched, buried=buried)


def _lost(now: dt.datetime) -> Q:
    """A pending delivery whose message counts as lost: never sent; sent over ``EVENTS_REDISPATCH_SECONDS`` ago to
    a queue whose backlog is empty; or sent over ``EVENTS_REDISPATCH_MAX_SECONDS`` ago."""
    queues = {s.queue for s in registry.all_subscriptions()}
    drained = [queue for queue, waiting in waiting_messages(sorted(queues)).items() if not waiting]
    return (
        Q(dispatched_at__isnull=True)
        | Q(queue__in=drained) & _not_sent_within(settings.EVENTS_REDISPATCH_SECONDS, now)
        | _not_sent_within(settings.EVENTS_REDISPATCH_MAX_SECONDS, now)
    )


def _not_sent_within(seconds: float, now: dt.datetime) -> Q:
    """Never sent to the broker, or last sent more than ``seconds`` ago."""
    return Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - dt.timedelta(seconds=seconds))
