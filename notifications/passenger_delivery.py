"""Sending a batch of passenger messages: claim them, render them, send them over one connection per channel.

Sending is leased work (``events.leasing``) claimed a batch at a time. A gateway error makes the message
``dead`` at once (an operator sends it again); a batch whose worker died is sent again by the sweep, up to
``PASSENGER_MAX_ATTEMPTS`` attempts, after which the message is ``dead``. A drill's messages go to the drill
files (``DRILL_EMAIL_FILE_PATH``, ``DRILL_SMS_FILE_PATH``) whatever ``EMAIL_BACKEND`` and ``SMS_BACKEND`` say.

The claim is durable: what caused a message is on disk before it leaves (docs/adr/0015). How a message's
outcome is written depends on whether its connection ``absorbs_repeats`` (the email gateway, whose
``Idempotency-Key`` is the email's stable Message-ID; docs/adr/0013):

- it does not (texts, SMTP, files): each outcome is written as soon as the message is sent, in its own durable
  commit. A worker killed mid-batch sends again the one message it was sending; a database crash, none.
- it does: the outcomes of up to ``OUTCOMES_PER_WRITE`` sent messages, or of those sent in the last
  ``OUTCOME_WRITE_SECONDS``, are written together in one commit that does not wait for the disk. A worker
  killed mid-batch sends again up to that many messages besides the one it was sending, a database crash
  those of its last fraction of a second: the gateway answers each repeat from its record, nothing reaches
  a passenger twice.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from events import leasing
from observability import metrics

from . import sms
from .models import Channel, PassengerMessage, PassengerMessageStatus
from .rendering import render

logger = logging.getLogger(__name__)

DRILL_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DRILL_SMS_BACKEND = "notifications.sms.FileBackend"

OUTCOMES_PER_WRITE = 20
"""At most this many outcomes of emails the gateway took wait to be written together (what a kill resends)."""
OUTCOME_WRITE_SECONDS = 0.2
"""An outcome waits to be written no longer than about this (the operator's view lags no more)."""


def claim(message_ids: list[int], token: uuid.UUID) -> list[PassengerMessage]:
    """Take the messages among ``message_ids`` that may be sent now and no other sender holds."""
    leasing.claim(
        PassengerMessage.objects.filter(id__in=message_ids),
        token=token,
        lease_seconds=settings.PASSENGER_MESSAGE_LEASE_SECONDS,
        attempt_limit=settings.PASSENGER_MAX_ATTEMPTS,
    )
    return list(
        PassengerMessage.objects.filter(leasing.held(token)).select_related("passenger", "event").order_by("id")
    )


def message_id_header(message: PassengerMessage) -> str:
    """The email's Message-ID, also its ``Idempotency-Key`` at the email gateway: the same every time the
    message is sent, so that a send repeated after a crash (between the gateway accepting it and the status
    being written) is absorbed by the gateway or recognised downstream.

    Built from what makes the message unique (its event, kind and passenger; one email each), not from its
    row id: a database restored to a point in time hands the ids after it out again to other messages,
    whose keys would then collide with emails already sent; the same message re-created keeps its key."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<passenger-message-{message.event_id}.{message.kind}.{message.passenger_id}@{domain}>"


def _email(message: PassengerMessage) -> EmailMessage:
    text = render(message)
    return EmailMessage(
        subject=text.subject, body=text.body, to=[message.recipient], headers={"Message-ID": message_id_header(message)}
    )


def _sms(message: PassengerMessage) -> sms.SmsMessage:
    return sms.SmsMessage(to=message.recipient, body=render(message).body, reference=str(message.id))


def _email_connection(*, drill: bool) -> Any:
    if drill:
        return get_connection(DRILL_EMAIL_BACKEND, file_path=settings.DRILL_EMAIL_FILE_PATH)
    return get_connection()


def _sms_connection(*, drill: bool) -> sms.BaseSmsBackend:
    if drill:
        return sms.get_backend(DRILL_SMS_BACKEND, file_path=settings.DRILL_SMS_FILE_PATH)
    return sms.get_backend()


CHANNELS: dict[str, tuple[Callable[..., Any], Callable[[PassengerMessage], Any]]] = {
    Channel.EMAIL: (_email_connection, _email),
    Channel.SMS: (_sms_connection, _sms),
}


def send_batch(message_ids: list[int]) -> dict[str, int]:
    """Send the messages among ``message_ids`` that may be sent now; each ends ``done`` or ``dead`` (with its error).

    Outcomes are written as the module's docstring says: one by one and durably, or, where the gateway absorbs
    repeats, a few together without waiting for the disk.
    """
    token = uuid.uuid4()
    messages = claim(message_ids, token)
    for (channel, (connect, build)), drill in itertools.product(CHANNELS.items(), (False, True)):
        batch = [m for m in messages if m.channel == channel and m.event.drill == drill]
        if batch:
            with connect(drill=drill) as connection:
                _send_all(connection, batch, build, token)
    done = sum(m.status == PassengerMessageStatus.DONE for m in messages)
    return {"done": done, "dead": len(messages) - done}


def _send_all(
    connection: Any, batch: list[PassengerMessage], build: Callable[[PassengerMessage], Any], token: uuid.UUID
) -> None:
    """Send ``batch`` over ``connection``, writing their outcomes as the module's docstring says."""
    absorbs_repeats = bool(getattr(connection, "absorbs_repeats", False))
    per_write = OUTCOMES_PER_WRITE if absorbs_repeats else 1
    unwritten: list[PassengerMessage] = []
    last_write = time.monotonic()  # every outcome not yet written was sent since
    for message in batch:
        _send_one(connection, message, build)
        unwritten.append(message)
        if len(unwritten) >= per_write or time.monotonic() - last_write >= OUTCOME_WRITE_SECONDS:
            _write_outcomes(unwritten, token, durable=not absorbs_repeats)
            unwritten = []
            last_write = time.monotonic()
    if unwritten:
        _write_outcomes(unwritten, token, durable=not absorbs_repeats)


def _send_one(connection: Any, message: PassengerMessage, build: Callable[[PassengerMessage], Any]) -> None:
    try:
        connection.send_messages([build(message)])
    except Exception as exc:  # a gateway, template or address error: this message only is dead
        logger.warning("passenger message %s (%s) not sent: %s", message.id, message.channel, exc)
        message.status, message.last_error = PassengerMessageStatus.DEAD, f"{type(exc).__name__}: {exc}"
    else:
        message.status, message.last_error = PassengerMessageStatus.DONE, ""


def _write_outcomes(messages: list[PassengerMessage], token: uuid.UUID, *, durable: bool) -> None:
    """One ``UPDATE`` per distinct outcome (they are all ``done`` but for errors): ``durable``, each in its own
    autocommit (the server's durable commit); else all in one transaction whose commit does not wait for the disk."""
    ids_by_outcome: dict[tuple[str, str], list[int]] = defaultdict(list)
    for message in messages:
        ids_by_outcome[message.status, message.last_error].append(message.id)
    with nullcontext() if durable else leasing.atomic(using=PassengerMessage.objects.db, durable=False):
        for (status, error), ids in ids_by_outcome.items():
            leasing.finish(PassengerMessage.objects.filter(id__in=ids), token, status, error=error)
    for message in messages:
        metrics.PASSENGER_MESSAGES.labels(message.channel, message.status).inc()


def due_for_sweep() -> list[int]:
    """Messages whose send task was lost (pending longer than the grace) or whose worker died (lease expired);
    a message whose worker died on its last allowed attempt is buried ``dead`` instead (poison, never looped)."""
    now = timezone.now()
    leasing.bury_lost(PassengerMessage.objects.all(), now, attempt_limit=settings.PASSENGER_MAX_ATTEMPTS)
    due = leasing.due_for_sweep(now, grace=settings.PASSENGER_SWEEP_GRACE_SECONDS)
    return list(PassengerMessage.objects.filter(due).order_by("id").values_list("id", flat=True))


def resend(message_ids: list[int]) -> list[int]:
    """Make dead messages pending again; return their ids (to send)."""
    ids = list(
        PassengerMessage.objects.filter(id__in=message_ids, status__in=leasing.RESENDABLE).values_list("id", flat=True)
    )
    PassengerMessage.objects.filter(id__in=ids).update(
        status=PassengerMessageStatus.PENDING, attempts=0, last_error="", lease_token=None, lease_expires_at=None
    )
    return ids
