"""Writing partner messages for an event (in the handler's transaction) and sending them after commit."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events.contracts import EventFacts
from flights.payloads import FlightDelayed
from observability import outbox_spans
from rebooking.payloads import PassengerRefunded, ReaccommodatedParty

from .. import selectors
from ..models import PartnerMessage, PartnerMessageKind, PartnerMessageStatus
from ..partner_bodies import inbound_section, message_body, passenger_line
from ..tasks import send_partner_message


def record_inbound_delays(delay: FlightDelayed, *, cause: EventFacts) -> dict[str, Any]:
    """``inbound_delay`` per partner flight that passengers of the delayed flight continue on, when the
    delayed flight now arrives later than scheduled."""
    if delay.estimated_arrival <= delay.scheduled_arrival:
        return {"partner_messages": 0}
    legs = selectors.next_legs_after(delay.flight_id, as_of=cause.occurred_at)
    return _record(cause, {PartnerMessageKind.INBOUND_DELAY: legs}, inbound_flight=inbound_section(delay))


def record_rebookings(parties: list[ReaccommodatedParty], *, cause: EventFacts) -> dict[str, Any]:
    """``rebooked_in`` / ``rebooked_out`` per partner flight that a reaccommodation added or removed passengers."""
    return _record(
        cause,
        {
            PartnerMessageKind.REBOOKED_IN: selectors.legs_of_parties(parties, "added"),
            PartnerMessageKind.REBOOKED_OUT: selectors.legs_of_parties(parties, "removed"),
        },
    )


def record_refund(refund: PassengerRefunded, *, cause: EventFacts) -> dict[str, Any]:
    """``rebooked_out`` per partner flight whose seats a refund gave back (the party no longer flies it)."""
    return _record(cause, {PartnerMessageKind.REBOOKED_OUT: selectors.legs_released(refund)})


def _record(
    cause: EventFacts,
    legs_by_kind: dict[str, selectors.FlightPassengers],
    *,
    inbound_flight: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One message per (partner flight, kind); redelivery of the event writes nothing new."""
    flights = selectors.partner_flights({f for legs in legs_by_kind.values() for f in legs})
    wanted = {
        (kind, flight_id): seats
        for kind, legs in legs_by_kind.items()
        for flight_id, seats in legs.items()
        if flight_id in flights
    }
    if not wanted:
        return {"partner_messages": 0}
    passengers = selectors.passengers_by_id({p for seats in wanted.values() for p in seats})
    now = timezone.now()
    messages = []
    for (kind, flight_id), seats in sorted(wanted.items()):
        flight = flights[flight_id]
        lines = sorted(
            (passenger_line(passengers[p], cabin) for p, cabin in seats.items()), key=lambda line: line["passenger"]
        )
        message_id = uuid.uuid4()
        messages.append(
            PartnerMessage(
                id=message_id,
                event_id=cause.id,
                partner_id=flight.carrier_id,
                flight=flight,
                kind=kind,
                passenger_refs=[line["passenger"] for line in lines],
                body=message_body(
                    message_id=message_id,
                    kind=kind,
                    sent_at=now,
                    flight=flight,
                    passengers=lines,
                    inbound_flight=inbound_flight if kind == PartnerMessageKind.INBOUND_DELAY else None,
                ),
                attempt_limit=settings.PARTNER_MAX_ATTEMPTS,
                next_attempt_at=now,
                created_at=now,
            )
        )
    PartnerMessage.objects.bulk_create(messages, ignore_conflicts=True)
    pending = list(
        PartnerMessage.objects.filter(event_id=cause.id, status=PartnerMessageStatus.PENDING).values_list(
            "id", flat=True
        )
    )
    send_after_commit(pending)
    return {"partner_messages": len(messages)}


def send_after_commit(message_ids: list[uuid.UUID]) -> None:
    """Queue one send task per message once the current transaction commits."""

    def send() -> None:
        for message_id in message_ids:
            send_partner_message.delay(str(message_id))

    if message_ids:
        # the sweep sends what a broker error left
        transaction.on_commit(outbox_spans.in_this_context(send), robust=True)


def resend(message_ids: list[uuid.UUID]) -> int:
    """Give failed or dead messages a fresh round of attempts and send them now (operators, from the admin)."""
    with transaction.atomic():
        ids = list(
            PartnerMessage.objects.filter(
                id__in=message_ids, status__in=[PartnerMessageStatus.FAILED, PartnerMessageStatus.DEAD]
            ).values_list("id", flat=True)
        )
        PartnerMessage.objects.filter(id__in=ids).update(
            status=PartnerMessageStatus.PENDING,
            attempt_limit=F("attempts") + settings.PARTNER_MAX_ATTEMPTS,
            next_attempt_at=timezone.now(),
            lease_token=None,
            lease_expires_at=None,
            last_error="",
        )
        send_after_commit(ids)
    return len(ids)
