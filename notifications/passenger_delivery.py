"""Sending a batch of passenger messages: claim them, render them, send them over one connection per channel.

Sending is leased work (``events.leasing``) claimed a batch at a time. A gateway error makes the message
``dead`` at once (an operator sends it again); a batch whose worker died is sent again by the sweep, up to
``PASSENGER_MAX_ATTEMPTS`` attempts, after which the message is ``dead``. A drill's messages go to the drill
files (``DRILL_EMAIL_FILE_PATH``, ``DRILL_SMS_FILE_PATH``) whatever ``EMAIL_BACKEND`` and ``SMS_BACKEND`` say.

The claim is durable: what caused a message is on disk before it leaves (docs/adr/0015). How a message's
outcome is written depends on whether its connection has a ``send_batch`` (the email gateway, whose
batches are idempotent; docs/adr/0013):

- it does not (texts, SMTP, files): each outcome is written as soon as the message is sent, in its own durable
  commit. A worker killed mid-batch sends again the one message it was sending; a database crash, none.
- it does: the emails go in their ``gateway_batch``-es, fixed when the messages were written (an event's
  emails of one kind, ``email_gateway.BATCH_LIMIT`` at a time), each batch in one request under its own key,
  and once every batch of the claim was sent their outcomes are written together in one commit that does not
  wait for the disk (a worker killed before it leaves them running; the sweep sends them again). A claim takes
  the whole batch of every message it is asked for, so a batch is always sent again whole, as the same emails
  under the same key: the gateway answers each repeat from its record, nothing reaches a passenger twice. An
  email without a batch (written before batches existed) is sent alone, keyed by its Message-ID.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from email.utils import parseaddr
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connections, router
from django.db.models import BooleanField, Count
from django.db.models.expressions import RawSQL
from django.utils import timezone

from events import leasing
from events.models import Event
from observability import metrics

from . import email_gateway, sms
from .models import Channel, PassengerMessage, PassengerMessageStatus
from .rendering import TEMPLATE_PASSENGER_FIELDS, Text, render_text

logger = logging.getLogger(__name__)

DRILL_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DRILL_SMS_BACKEND = "notifications.sms.FileBackend"


def gateway_batches(event_id: Any, messages: Iterable[tuple[int, str, str]]) -> list[str]:
    """The ``gateway_batch`` of each of an event's messages, given as (passenger id, kind, channel): its emails of
    one kind by passenger, ``email_gateway.BATCH_LIMIT`` at a time; a text's is empty. The same messages get the
    same batches whenever they are written again (a redelivered event, a restored database)."""
    rows = list(messages)
    batches = [""] * len(rows)
    emails = sorted(
        (kind, passenger, row) for row, (passenger, kind, channel) in enumerate(rows) if channel == Channel.EMAIL
    )
    for kind, kind_emails in itertools.groupby(emails, key=lambda email: email[0]):
        for position, (_, _, row) in enumerate(kind_emails):
            batches[row] = f"passenger-messages/{event_id}.{kind}.{position // email_gateway.BATCH_LIMIT}"
    return batches


@dataclass(slots=True)
class Outgoing:
    """A claimed passenger message: what sending it needs, read as values (building models was a third of the
    sender's time), and its outcome once sent."""

    id: int
    kind: str
    channel: str
    recipient: str
    event_id: uuid.UUID
    passenger_id: int
    gateway_batch: str
    drill: bool
    payload: dict[str, Any]  # its event's, shared with the other messages of the event
    context: dict[str, Any]
    passenger: dict[str, Any]  # rendering.TEMPLATE_PASSENGER_FIELDS
    status: str = PassengerMessageStatus.RUNNING
    last_error: str = ""

    def text(self) -> Text:
        """Its subject and body (a template or fact error raises here, when it is built, and kills it alone)."""
        return render_text(self.kind, self.payload, self.context, self.passenger)


_OUTGOING_COLUMNS = ("id", "kind", "channel", "recipient", "event_id", "passenger_id", "gateway_batch", "context")


def claim(message_ids: list[int], token: uuid.UUID) -> list[Outgoing]:
    """Take the messages among ``message_ids`` that may be sent now and no other sender holds, with the other
    messages of their gateway batches."""
    rows = _claim_rows(message_ids, token)
    event_ids = {row[4] for row in rows}
    events = Event.objects.filter(id__in=event_ids).values_list("id", "payload", "drill")
    payloads = {event_id: (payload, drill) for event_id, payload, drill in events}  # read once, not once a message
    claimed = []
    for message_id, kind, channel, recipient, event_id, passenger_id, batch, context, *names in rows:
        payload, drill = payloads[event_id]
        passenger = dict(zip(TEMPLATE_PASSENGER_FIELDS, names, strict=True))
        claimed.append(
            Outgoing(
                message_id, kind, channel, recipient, event_id, passenger_id, batch, drill, payload,
                json.loads(context), passenger,
            )
        )  # fmt: skip
    return claimed


def _claim_rows(message_ids: list[int], token: uuid.UUID) -> list[tuple[Any, ...]]:
    """Claim the messages and read them with their passengers' template fields: their gateway batches, then one
    durable statement (it was five, and the rows' models and parameters a third of the sender's time). Each row
    is the message's ``_OUTGOING_COLUMNS`` (``context`` as JSON text), then its passenger's
    ``TEMPLATE_PASSENGER_FIELDS``, by message id."""
    messages = PassengerMessage._meta
    connection = connections[router.db_for_write(PassengerMessage)]
    quote = connection.ops.quote_name
    table = quote(messages.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT gateway_batch FROM {table} WHERE id = ANY(%s) AND gateway_batch <> ''",  # noqa: S608 - the model's
            [message_ids],
        )
        batches = [batch for (batch,) in cursor.fetchall()]
    # the batches as values, not a subquery: the planner then sees how few messages they are and finds them by index
    asked = RawSQL("id = ANY(%s) OR gateway_batch = ANY(%s)", (message_ids, batches), output_field=BooleanField())
    update, params = leasing.claim_statement(
        PassengerMessage.objects.filter(asked),
        token=token,
        lease_seconds=settings.PASSENGER_MESSAGE_LEASE_SECONDS,
        attempt_limit=settings.PASSENGER_MAX_ATTEMPTS,
    )
    passengers = messages.get_field("passenger").related_model._meta
    returned = ", ".join(quote(messages.get_field(name).column) for name in _OUTGOING_COLUMNS)
    returned_passenger = quote(messages.get_field("passenger_id").column)
    names = ", ".join(f"p.{quote(passengers.get_field(name).column)}" for name in TEMPLATE_PASSENGER_FIELDS)
    sql = (
        f"WITH claimed AS ({update} RETURNING {returned}) SELECT claimed.*, {names} FROM claimed "  # noqa: S608 - the models'
        f"JOIN {quote(passengers.db_table)} p ON p.{quote(passengers.pk.column)} = claimed.{returned_passenger} "
        "ORDER BY claimed.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def message_id_header(message: PassengerMessage | Outgoing) -> str:
    """The email's Message-ID, also its ``Idempotency-Key`` at the email gateway: the same every time the
    message is sent, so that a send repeated after a crash (between the gateway accepting it and the status
    being written) is absorbed by the gateway or recognised downstream.

    Built from what makes the message unique (its event, kind and passenger; one email each), not from its
    row id: a database restored to a point in time hands the ids after it out again to other messages,
    whose keys would then collide with emails already sent; the same message re-created keeps its key."""
    domain = _domain(settings.DEFAULT_FROM_EMAIL)
    return f"<passenger-message-{message.event_id}.{message.kind}.{message.passenger_id}@{domain}>"


@functools.lru_cache(maxsize=4)
def _domain(from_email: str) -> str:
    return parseaddr(from_email)[1].rpartition("@")[2] or "localhost"


def _email(message: Outgoing) -> EmailMessage:
    text = message.text()
    return EmailMessage(
        subject=text.subject, body=text.body, to=[message.recipient], headers={"Message-ID": message_id_header(message)}
    )


def _sms(message: Outgoing) -> sms.SmsMessage:
    return sms.SmsMessage(to=message.recipient, body=message.text().body, reference=str(message.id))


def _email_connection(*, drill: bool) -> Any:
    if drill:
        return get_connection(DRILL_EMAIL_BACKEND, file_path=settings.DRILL_EMAIL_FILE_PATH)
    return get_connection()


def _sms_connection(*, drill: bool) -> sms.BaseSmsBackend:
    if drill:
        return sms.get_backend(DRILL_SMS_BACKEND, file_path=settings.DRILL_SMS_FILE_PATH)
    return sms.get_backend()


CHANNELS: dict[str, tuple[Callable[..., Any], Callable[[Outgoing], Any]]] = {
    Channel.EMAIL: (_email_connection, _email),
    Channel.SMS: (_sms_connection, _sms),
}


def send_batch(message_ids: list[int]) -> dict[str, int]:
    """Send the messages among ``message_ids`` that may be sent now, with the rest of their gateway batches; each
    ends ``done`` or ``dead`` (with its error). Outcomes are written as the module's docstring says."""
    token = uuid.uuid4()
    messages = claim(message_ids, token)
    for (channel, (connect, build)), drill in itertools.product(CHANNELS.items(), (False, True)):
        batch = [m for m in messages if m.channel == channel and m.drill == drill]
        if batch:
            with connect(drill=drill) as connection:
                if callable(getattr(connection, "send_batch", None)):
                    _send_in_gateway_batches(connection, batch, build, token)
                else:
                    _send_one_by_one(connection, batch, build, token)
    done = sum(m.status == PassengerMessageStatus.DONE for m in messages)
    return {"done": done, "dead": len(messages) - done}


def _send_one_by_one(
    connection: Any, batch: list[Outgoing], build: Callable[[Outgoing], Any], token: uuid.UUID
) -> None:
    """Send each message on its own, its outcome written durably before the next is sent."""
    for message in batch:
        _send_one(connection, message, build)
        _write_outcomes([message], token, durable=True)


def _send_in_gateway_batches(
    connection: Any, batch: list[Outgoing], build: Callable[[Outgoing], Any], token: uuid.UUID
) -> None:
    """Send each gateway batch of ``batch`` in one request under its key (an email without one alone), then write
    every outcome together without waiting for the disk (one transaction a claim, not one a gateway batch)."""
    in_batches = sorted(batch, key=attrgetter("gateway_batch", "id"))
    for key, members in itertools.groupby(in_batches, attrgetter("gateway_batch")):
        emails = list(members)
        if key:
            _send_together(connection, key, emails, build)
        else:
            for message in emails:
                _send_one(connection, message, build)
    _write_outcomes(batch, token, durable=False)


def _send_together(connection: Any, key: str, batch: list[Outgoing], build: Callable[[Outgoing], Any]) -> None:
    """One batch request of the messages that could be built; each ends as the gateway answered for it."""
    built: list[tuple[Outgoing, Any]] = []
    for message in batch:
        try:
            built.append((message, build(message)))
        except Exception as exc:  # a template or address error: this message only is dead
            _record(message, _describe(exc))
    try:
        refusals = connection.send_batch([email for _, email in built], key)
    except Exception as exc:  # the request as a whole failed: every email of it is dead
        for message, _ in built:
            _record(message, _describe(exc))
    else:
        for (message, _), refusal in zip(built, refusals, strict=True):
            _record(message, refusal and f"EmailGatewayError: refused: {refusal}")


def _send_one(connection: Any, message: Outgoing, build: Callable[[Outgoing], Any]) -> None:
    try:
        connection.send_messages([build(message)])
    except Exception as exc:  # a gateway, template or address error: this message only is dead
        _record(message, _describe(exc))
    else:
        _record(message, "")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def _record(message: Outgoing, error: str) -> None:
    """The message's outcome, to be written: ``dead`` with ``error``, or ``done`` if there is none."""
    if error:
        logger.warning("passenger message %s (%s) not sent: %s", message.id, message.channel, error)
    message.status = PassengerMessageStatus.DEAD if error else PassengerMessageStatus.DONE
    message.last_error = error


def _write_outcomes(messages: list[Outgoing], token: uuid.UUID, *, durable: bool) -> None:
    """One ``UPDATE`` per distinct outcome (they are all ``done`` but for errors): ``durable``, each in its own
    autocommit (the server's durable commit); else all in one transaction whose commit does not wait for the disk."""
    ids_by_outcome: dict[tuple[str, str], list[int]] = defaultdict(list)
    for message in messages:
        ids_by_outcome[message.status, message.last_error].append(message.id)
    with nullcontext() if durable else leasing.atomic(using=PassengerMessage.objects.db, durable=False):
        for (status, error), ids in ids_by_outcome.items():
            leasing.finish(PassengerMessage.objects.filter(id__in=ids), token, status, error=error)
    for (channel, status), count in Counter((message.channel, message.status) for message in messages).items():
        metrics.PASSENGER_MESSAGES.labels(channel, status).inc(count)


def due_for_sweep() -> list[int]:
    """Messages whose send task was lost (pending longer than the grace) or whose worker died (lease expired);
    a message whose worker died on its last allowed attempt is buried ``dead`` instead (poison, never looped)."""
    now = timezone.now()
    leasing.bury_lost(PassengerMessage.objects.all(), now, attempt_limit=settings.PASSENGER_MAX_ATTEMPTS)
    due = leasing.due_for_sweep(now, grace=settings.PASSENGER_SWEEP_GRACE_SECONDS)
    return list(PassengerMessage.objects.filter(due).order_by("id").values_list("id", flat=True))


def resend(message_ids: list[int]) -> list[int]:
    """Make dead messages pending again; return their ids (to send). A gateway batch resent whole keeps its key
    (a batch the gateway had taken after all is answered from its record); the part of a batch resent without
    the rest becomes a batch of its own, under a new key (the old one would be refused with other emails)."""
    asked = PassengerMessage.objects.filter(id__in=message_ids, status__in=leasing.RESENDABLE)
    by_batch: dict[str, list[int]] = defaultdict(list)
    for message_id, batch in asked.values_list("id", "gateway_batch"):
        by_batch[batch].append(message_id)
    sizes = dict(
        PassengerMessage.objects.filter(gateway_batch__in=[batch for batch in by_batch if batch])
        .values_list("gateway_batch")
        .annotate(Count("id"))
    )
    pending = {"status": PassengerMessageStatus.PENDING, "attempts": 0, "last_error": "", "lease_token": None,
               "lease_expires_at": None}  # fmt: skip
    for batch, ids in by_batch.items():
        part = sizes.get(batch, 0) > len(ids)
        regrouped = {"gateway_batch": f"passenger-messages/resent-{uuid.uuid4()}"} if part else {}
        PassengerMessage.objects.filter(id__in=ids).update(**pending, **regrouped)
    return sorted(itertools.chain.from_iterable(by_batch.values()))
