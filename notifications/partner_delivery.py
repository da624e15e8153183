"""Delivering one partner message: claim it, POST it once, record the attempt, decide what happens next.

Sending is leased work (``events.leasing``): a message is claimed with one conditional UPDATE that takes a
lease, so two sends of the same message never run at once, and a failed attempt is retried the way every
kind of leased work is (short waits on a Celery countdown, longer ones in ``next_attempt_at`` for the sweep).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from events import leasing
from observability import metrics

from . import sandbox
from .models import PartnerMessage, PartnerMessageAttempt, PartnerMessageStatus
from .partner_http import HttpResult, is_http_url, post_signed, signed_headers
from .retry_policy import Verdict, next_wait, retry_after_seconds, verdict_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    """The message's status after this run (``skipped`` if it could not be claimed) and the wait before a retry."""

    status: str
    retry_in: float | None = None


def claim(message_id: uuid.UUID | str, token: uuid.UUID) -> bool:
    """Take the message for one attempt if it is due, has attempts left and nobody holds it."""
    return bool(
        leasing.claim(
            PartnerMessage.objects.filter(id=message_id),
            token=token,
            lease_seconds=settings.PARTNER_LEASE_SECONDS,
            attempt_limit=F("attempt_limit"),
        )
    )


def send(message_id: uuid.UUID | str) -> SendResult:
    """Make one attempt to deliver the message, if it may be attempted now.

    A 2xx answer makes it ``done``; a refusal (any other 4xx or 3xx, or an endpoint that is not http(s))
    ``dead`` at once; no answer, 408, 429 or 5xx ``failed``, to be retried, until the attempts run out.
    A drill's message goes to the partner sandbox, never to the partner's endpoint.
    """
    token = uuid.uuid4()
    if not claim(message_id, token):
        return SendResult("skipped")
    work = PartnerMessage.objects.filter(id=message_id)
    message = PartnerMessage.objects.select_related("partner", "event").get(id=message_id)
    partner = message.partner
    drill = message.event.drill
    result = (_to_sandbox if drill else _to_endpoint)(message)
    PartnerMessageAttempt.objects.create(
        message=message,
        number=message.attempts,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
    )
    verdict = verdict_for(result.status_code) if drill or is_http_url(partner.endpoint) else Verdict.REFUSED
    metrics.partner_attempted(partner.code, verdict.value, drill=drill)
    retry_in: float | None = None
    status: str | None
    if verdict is Verdict.RETRY:
        retry_in = next_wait(
            message.attempts,
            base=settings.PARTNER_RETRY_BASE_SECONDS,
            cap=settings.PARTNER_RETRY_CAP_SECONDS,
            retry_after=retry_after_seconds(result.retry_after, timezone.now()),
        )
        status = leasing.retry_or_bury(
            work,
            token,
            attempts=message.attempts,
            attempt_limit=message.attempt_limit,
            wait=retry_in,
            error=result.error,
            max_countdown=settings.PARTNER_MAX_COUNTDOWN_SECONDS,
            send_again=lambda wait: _send_later(message.id, wait),
        )
    else:  # delivered, or refused: dead at once
        status = PartnerMessageStatus.DONE if verdict is Verdict.DELIVERED else PartnerMessageStatus.DEAD
        if not leasing.finish(work, token, status, error=result.error):
            status = None
    if status is None:
        logger.warning("partner message %s: lease lost during attempt %d", message.id, message.attempts)
        return SendResult("skipped")
    logger.info(
        "partner message %s (%s to %s) attempt %d: %s → %s",
        message.id,
        message.kind,
        partner.code,
        message.attempts,
        result.status_code or result.error,
        status,
    )
    return SendResult(status, retry_in if status == PartnerMessageStatus.FAILED else None)


def _to_endpoint(message: PartnerMessage) -> HttpResult:
    partner = message.partner
    return post_signed(
        partner.endpoint, message.body.encode(), idempotency_key=message.idempotency_key, secret=partner.secret
    )


def _to_sandbox(message: PartnerMessage) -> HttpResult:
    """Record a drill's message in the partner sandbox, signed as it would be sent (no network)."""
    body = message.body.encode()
    headers = signed_headers(body, idempotency_key=message.idempotency_key, secret=message.partner.secret)
    status, answer = sandbox.record(
        message.partner, body, idempotency_key=headers["Idempotency-Key"], signature=headers["X-Signature"]
    )
    return HttpResult(status_code=status, latency_ms=0, error="" if status < 300 else str(answer))


def _send_later(message_id: uuid.UUID, countdown: float) -> None:
    from .tasks import send_partner_message  # the tasks module imports this one

    send_partner_message.apply_async((str(message_id),), countdown=countdown)


def due_for_sweep(limit: int) -> list[uuid.UUID]:
    """Messages whose send was lost, whose retry is overdue (a lost or unscheduled countdown) or whose worker
    died; buries first the messages whose last attempt died with its worker."""
    now = timezone.now()
    leasing.bury_lost(PartnerMessage.objects.all(), now, attempt_limit=F("attempt_limit"))
    due = leasing.due_for_sweep(now, grace=settings.PARTNER_SWEEP_GRACE_SECONDS)
    return list(PartnerMessage.objects.filter(due).order_by("next_attempt_at").values_list("id", flat=True)[:limit])
