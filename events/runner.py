"""Running one delivery: claim it, call its subscriber's handler, record the outcome.

The handler's writes and the ``done`` mark commit in one transaction, so a
crash anywhere leaves either both or neither; together with idempotent
handlers this turns at-least-once delivery into an exactly-once effect.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction

from observability import metrics, outbox_spans

from . import leasing, registry
from .backoff import retry_wait
from .contracts import InvalidPayload, decode
from .correlation import correlation
from .dispatch import dispatch
from .models import Delivery, DeliveryStatus, Event

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler for an input it can never handle: the delivery goes dead at once."""


class _LeaseLost(Exception):
    """The claim expired and another worker took the delivery: undo this run."""


def call_handler(event: Event, subscriber: str) -> dict[str, Any]:
    """Call subscriber ``subscriber``'s handler of ``event`` with the decoded payload and the event's facts, in the
    caller's transaction; return what it produced. No claim, lease or outcome record: :func:`run_delivery` adds
    those, the what-if preview runs handlers bare in a transaction it rolls back."""
    subscription = registry.subscription(event.type, subscriber)
    return subscription.handler(decode(event.type, event.version, event.payload), event.facts) or {}


def run_delivery(delivery_id: int, *, task_id: str = "") -> str:
    """Run a delivery if it may start now; return its resulting status (or ``skipped``)."""
    token = uuid.uuid4()
    work = Delivery.objects.filter(id=delivery_id)
    lease_seconds = settings.EVENTS_LEASE_SECONDS
    claimed = leasing.claim(
        work, token=token, lease_seconds=lease_seconds, attempt_limit=settings.EVENTS_MAX_ATTEMPTS, task_id=task_id
    )
    if not claimed:
        logger.info("delivery %s not claimable now (done, running elsewhere or not due): skipped", delivery_id)
        return "skipped"
    delivery = Delivery.objects.select_related("event").get(id=delivery_id)
    event = delivery.event
    with (
        correlation(event.root_id),
        leasing.LeaseKeeper(work, token, lease_seconds=lease_seconds),
        outbox_spans.delivery_run(delivery, event),
    ):
        logger.info("%s handling %s %s (attempt %d)", delivery.subscriber, event.type, event.id, delivery.attempts)
        try:
            with metrics.handling(delivery.subscriber, delivery.created_at.timestamp()), transaction.atomic():
                result = call_handler(event, delivery.subscriber)
                if not leasing.finish(work, token, DeliveryStatus.DONE, result=result):
                    raise _LeaseLost
        except _LeaseLost:
            logger.warning("delivery %s lost its lease mid-run; its work was rolled back", delivery_id)
            return "skipped"
        except (PermanentError, registry.UnknownSubscription, InvalidPayload) as exc:
            logger.error("delivery %s is poison, giving up: %s", delivery_id, exc)
            buried = leasing.finish(work, token, DeliveryStatus.DEAD, error=_describe(exc))
            return DeliveryStatus.DEAD if buried else "skipped"
        except Exception as exc:
            logger.exception("delivery %s failed on attempt %d", delivery_id, delivery.attempts)
            status = leasing.retry_or_bury(
                work,
                token,
                attempts=delivery.attempts,
                attempt_limit=settings.EVENTS_MAX_ATTEMPTS,
                wait=retry_wait(
                    delivery.attempts, base=settings.EVENTS_RETRY_BASE_SECONDS, cap=settings.EVENTS_RETRY_CAP_SECONDS
                ),
                error=_describe(exc),
                max_countdown=settings.EVENTS_MAX_COUNTDOWN_SECONDS,
                send_again=lambda wait: dispatch([delivery], countdown=wait),
            )
            return status or "skipped"
        logger.info("%s done with %s: %s", delivery.subscriber, event.type, result)
    return DeliveryStatus.DONE


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]
