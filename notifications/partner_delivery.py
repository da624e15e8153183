"""Delivering one partner message: claim it, POST it once, record the attempt, decide what happens next.

A message is claimed with one conditional UPDATE that takes a lease, so two
sends of the same message never run at once. Short waits before a retry ride on
a Celery countdown; every wait is also written to ``next_attempt_at``, where the
periodic sweep finds messages whose countdown was lost or too long to schedule.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .models import PartnerMessage, PartnerMessageAttempt, PartnerMessageStatus
from .partner_http import is_http_url, post_signed
from .retry_policy import Verdict, next_wait, retry_after_seconds, verdict_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    """The message's status after this run (``skipped`` if it could not be claimed) and the wait before a retry."""

    status: str
    retry_in: float | None = None


def _free(now: dt.datetime) -> Q:
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)


def claim(message_id: uuid.UUID | str, token: uuid.UUID) -> bool:
    """Take the message for one attempt if it is pending, due, has attempts left and nobody holds it."""
    now = timezone.now()
    claimed = (
        PartnerMessage.objects.filter(_free(now), id=message_id, status=PartnerMessageStatus.PENDING)
        .filter(next_attempt_at__lte=now, attempts__lt=F("attempt_limit"))
        .update(
            attempts=F("attempts") + 1,
            lease_token=token,
            lease_expires_at=now + dt.timedelta(seconds=settings.PARTNER_LEASE_SECONDS),
        )
    )
    return bool(claimed)


def send(message_id: uuid.UUID | str) -> SendResult:
    """Make one attempt to deliver the message, if it may be attempted now."""
    token = uuid.uuid4()
    if not claim(message_id, token):
        return SendResult("skipped")
    message = PartnerMessage.objects.select_related("partner").get(id=message_id)
    partner = message.partner
    result = post_signed(
        partner.endpoint, message.body.encode(), idempotency_key=message.idempotency_key, secret=partner.secret
    )
    PartnerMessageAttempt.objects.create(
        message=message,
        number=message.attempts,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
    )
    verdict = verdict_for(result.status_code) if is_http_url(partner.endpoint) else Verdict.FAIL
    now = timezone.now()
    fields: dict[str, object] = {"lease_token": None, "lease_expires_at": None, "last_error": result.error}
    retry_in = None
    if verdict is Verdict.DELIVERED:
        fields.update(status=PartnerMessageStatus.DELIVERED, delivered_at=now)
    elif verdict is Verdict.FAIL:
        fields["status"] = PartnerMessageStatus.FAILED
    elif message.attempts >= message.attempt_limit:
        fields["status"] = PartnerMessageStatus.DEAD
    else:
        retry_in = next_wait(
            message.attempts,
            base=settings.PARTNER_RETRY_BASE_SECONDS,
            cap=settings.PARTNER_RETRY_CAP_SECONDS,
            retry_after=retry_after_seconds(result.retry_after, now),
        )
        fields.update(status=PartnerMessageStatus.PENDING, next_attempt_at=now + dt.timedelta(seconds=retry_in))
    if not PartnerMessage.objects.filter(id=message.id, lease_token=token).update(**fields):
        logger.warning("partner message %s: lease lost during attempt %d", message.id, message.attempts)
        return SendResult("skipped")
    logger.info(
        "partner message %s (%s to %s) attempt %d: %s → %s",
        message.id,
        message.kind,
        partner.code,
        message.attempts,
        result.status_code or result.error,
        fields.get("status"),
    )
    return SendResult(str(fields["status"]), retry_in)


def due_for_sweep(limit: int) -> list[uuid.UUID]:
    """Pending messages whose retry is overdue (a lost or unscheduled countdown); buries messages whose last
    attempt died with its worker."""
    now = timezone.now()
    PartnerMessage.objects.filter(
        status=PartnerMessageStatus.PENDING, attempts__gte=F("attempt_limit"), lease_expires_at__lt=now
    ).update(status=PartnerMessageStatus.DEAD, last_error="the last attempt never finished", lease_token=None)
    overdue = now - dt.timedelta(seconds=settings.PARTNER_SWEEP_GRACE_SECONDS)
    return list(
        PartnerMessage.objects.filter(_free(now), status=PartnerMessageStatus.PENDING, next_attempt_at__lte=overdue)
        .filter(attempts__lt=F("attempt_limit"))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
