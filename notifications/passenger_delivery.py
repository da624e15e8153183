"""Sending a batch of passenger messages: claim them, render them, send them over one connection per channel."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from . import sms
from .models import Channel, PassengerMessage, PassengerMessageStatus
from .rendering import render

logger = logging.getLogger(__name__)


def claim(message_ids: list[int]) -> list[PassengerMessage]:
    """Take the pending messages among ``message_ids`` that no other sender holds (conditional UPDATE)."""
    token, now = uuid.uuid4(), timezone.now()
    PassengerMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        id__in=message_ids,
        status=PassengerMessageStatus.PENDING,
    ).update(claim_token=token, claimed_until=now + dt.timedelta(seconds=settings.PASSENGER_MESSAGE_LEASE_SECONDS))
    return list(
        PassengerMessage.objects.filter(claim_token=token, status=PassengerMessageStatus.PENDING)
        .select_related("passenger", "event")
        .order_by("id")
    )


def message_id_header(message: PassengerMessage) -> str:
    """The email's Message-ID: the same every time the message is sent, so that a send repeated after a
    crash (between the gateway accepting it and the status being written) can be recognised downstream."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<passenger-message-{message.id}@{domain}>"


def _email(message: PassengerMessage) -> EmailMessage:
    text = render(message)
    return EmailMessage(
        subject=text.subject, body=text.body, to=[message.recipient], headers={"Message-ID": message_id_header(message)}
    )


def _sms(message: PassengerMessage) -> sms.SmsMessage:
    return sms.SmsMessage(to=message.recipient, body=render(message).body, reference=str(message.id))


CHANNELS: dict[str, tuple[Callable[[], Any], Callable[[PassengerMessage], Any]]] = {
    Channel.EMAIL: (get_connection, _email),
    Channel.SMS: (sms.get_backend, _sms),
}


def send_batch(message_ids: list[int]) -> dict[str, int]:
    """Send the pending messages among ``message_ids``; each ends ``sent`` or ``failed`` (with its error).

    Each message's outcome is written as soon as it is sent, not once per batch: a worker killed mid-batch
    then leaves at most the one message it was sending to be sent again.
    """
    messages = claim(message_ids)
    for channel, (connect, build) in CHANNELS.items():
        batch = [m for m in messages if m.channel == channel]
        if batch:
            with connect() as connection:
                for message in batch:
                    _send_one(connection, message, build)
    sent = sum(m.status == PassengerMessageStatus.SENT for m in messages)
    return {"sent": sent, "failed": len(messages) - sent}


def _send_one(connection: Any, message: PassengerMessage, build: Callable[[PassengerMessage], Any]) -> None:
    try:
        connection.send_messages([build(message)])
    except Exception as exc:  # a gateway, template or address error fails this message only
        logger.warning("passenger message %s (%s) failed: %s", message.id, message.channel, exc)
        message.status, message.error, sent_at = PassengerMessageStatus.FAILED, f"{type(exc).__name__}: {exc}", None
    else:
        message.status, message.error, sent_at = PassengerMessageStatus.SENT, "", timezone.now()
    PassengerMessage.objects.filter(id=message.id).update(
        status=message.status, error=message.error, sent_at=sent_at, claim_token=None
    )


def due_for_sweep() -> list[int]:
    """Pending messages nobody holds that have waited longer than the grace: their send task was lost."""
    now = timezone.now()
    return list(
        PassengerMessage.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=PassengerMessageStatus.PENDING,
            created_at__lt=now - dt.timedelta(seconds=settings.PASSENGER_SWEEP_GRACE_SECONDS),
        )
        .order_by("id")
        .values_list("id", flat=True)
    )


def resend(message_ids: list[int]) -> list[int]:
    """Make failed messages pending again; return their ids (to send)."""
    ids = list(
        PassengerMessage.objects.filter(id__in=message_ids, status=PassengerMessageStatus.FAILED).values_list(
            "id", flat=True
        )
    )
    PassengerMessage.objects.filter(id__in=ids).update(
        status=PassengerMessageStatus.PENDING, error="", claim_token=None, claimed_until=None
    )
    return ids
