"""Running one delivery: claim it, call its subscriber's handler, record the outcome.

The handler's writes and the ``done`` mark commit in one transaction, so a
crash anywhere leaves either both or neither; together with idempotent
handlers this turns at-least-once delivery into an exactly-once effect.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import registry
from .backoff import retry_wait
from .contracts import InvalidPayload, decode
from .correlation import correlation
from .dispatch import dispatch
from .lease import LeaseKeeper, claim, held
from .models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler for an input it can never handle: the delivery goes dead at once."""


class _LeaseLost(Exception):
    """The claim expired and another worker took the delivery: undo this run."""


def run_delivery(delivery_id: int, *, task_id: str = "") -> str:
    """Run a delivery if it may start now; return its resulting status (or ``skipped``)."""
    token = uuid.uuid4()
    if not claim(delivery_id, token=token, task_id=task_id):
        logger.info("delivery %s not claimable now (done, running elsewhere or not due): skipped", delivery_id)
        return "skipped"
    delivery = Delivery.objects.select_related("event").get(id=delivery_id)
    event = delivery.event
    with correlation(event.root_id), LeaseKeeper(delivery_id, token):
        logger.info("%s handling %s %s (attempt %d)", delivery.subscriber, event.type, event.id, delivery.attempts)
        try:
            with transaction.atomic():
                subscription = registry.subscription(event.type, delivery.subscriber)
                payload = decode(event.type, event.version, event.payload)
                result = subscription.handler(payload, event.facts) or {}
                if not _finish(delivery_id, token, DeliveryStatus.DONE, result=result):
                    raise _LeaseLost
        except _LeaseLost:
            logger.warning("delivery %s lost its lease mid-run; its work was rolled back", delivery_id)
            return "skipped"
        except (PermanentError, registry.UnknownSubscription, InvalidPayload) as exc:
            logger.error("delivery %s is poison, giving up: %s", delivery_id, exc)
            _finish(delivery_id, token, DeliveryStatus.DEAD, error=_describe(exc))
            return DeliveryStatus.DEAD
        except Exception as exc:
            logger.exception("delivery %s failed on attempt %d", delivery_id, delivery.attempts)
            return _retry_or_bury(delivery, token, exc)
        logger.info("%s done with %s: %s", delivery.subscriber, event.type, result)
    return DeliveryStatus.DONE


def _finish(
    delivery_id: int, token: uuid.UUID, status: str, *, result: dict[str, Any] | None = None, error: str = ""
) -> bool:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "last_error": error}
    if result is not None:
        fields["result"] = result
    return bool(Delivery.objects.filter(held(delivery_id, token)).update(**fields))


def _retry_or_bury(delivery: Delivery, token: uuid.UUID, exc: Exception) -> str:
    """After a failed attempt: dead if attempts are used up, else failed with the next attempt scheduled."""
    if delivery.attempts >= settings.EVENTS_MAX_ATTEMPTS:
        _finish(delivery.id, token, DeliveryStatus.DEAD, error=_describe(exc))
        return DeliveryStatus.DEAD
    wait = retry_wait(delivery.attempts, base=settings.EVENTS_RETRY_BASE_SECONDS, cap=settings.EVENTS_RETRY_CAP_SECONDS)
    Delivery.objects.filter(held(delivery.id, token)).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
        last_error=_describe(exc),
    )
    if wait <= settings.EVENTS_MAX_COUNTDOWN_SECONDS:
        # Short waits ride on a broker countdown; longer ones are left to the relay,
        # so no message waits longer than the broker's visibility timeout.
        dispatch([delivery], countdown=wait)
    return DeliveryStatus.FAILED


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]
