"""Writing passenger messages for an event (in the handler's transaction) and sending them after commit.

A change is turned into ``{(passenger id, kind): context}``; each passenger then gets one
message per channel they have. The queries made do not depend on how many passengers there are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connections, router

from airline import gathered_commits
from airline.column_arrays import insert_from_arrays
from events.contracts import EventFacts
from events.types import EventType
from flights.selectors import regimes_of
from lodging.payloads import HotelBooked
from observability import outbox_spans
from passengers.models import Passenger
from passengers.selectors import passengers_on_flight
from rebooking.payloads import ItineraryAccepted, PassengerChoice, PassengerReaccommodated, PassengerRefunded
from rights.notice import rights_notice_owed
from vouchers.payloads import VoucherChange, VoucherIssued

from .. import passenger_delivery, selectors
from ..models import Channel, PassengerMessage, PassengerMessageKind, PassengerMessageStatus
from ..tasks import send_in_batches

Changes = dict[tuple[int, str], dict[str, Any]]

FLIGHT_EVENT_KINDS = {
    EventType.FLIGHT_DELAYED: PassengerMessageKind.DELAY,
    EventType.FLIGHT_CANCELLED: PassengerMessageKind.CANCELLATION,
    EventType.FLIGHT_GATE_CHANGED: PassengerMessageKind.GATE_CHANGE,
}
CHOICE_KINDS = {
    EventType.ITINERARY_ACCEPTED: PassengerMessageKind.ACCEPT_CONFIRMATION,
    EventType.ITINERARY_DECLINED: PassengerMessageKind.DECLINE_CONFIRMATION,
    EventType.PASSENGER_REFUNDED: PassengerMessageKind.REFUND_CONFIRMATION,
}


def tell_flight_change(*, flight_id: int, delay_minutes: int, cancelled: bool, cause: EventFacts) -> dict[str, int]:
    """Everyone booked on the flight when ``cause`` (its delay of ``delay_minutes``, cancellation or gate change)
    happened hears of it, and, where owed, gets the written notice of their rights (Art. 14(2))."""
    kind = FLIGHT_EVENT_KINDS[EventType(cause.type)]
    contacts = list(passengers_on_flight(flight_id, as_of=cause.occurred_at).values_list("id", "email", "phone"))
    passenger_ids = [passenger_id for passenger_id, _, _ in contacts]
    changes: Changes = {(passenger_id, kind): {} for passenger_id in passenger_ids}
    changes |= _rights_notices(flight_id, passenger_ids, delay_minutes=delay_minutes, cancelled=cancelled)
    return _record(cause, changes, flight_id=flight_id, contacts=contacts)


def _rights_notices(flight_id: int, passenger_ids: list[int], *, delay_minutes: int, cancelled: bool) -> Changes:
    """A notice of rights naming the flight's regime for each of ``passenger_ids``, when one is owed (POLICY
    "Passenger messages"). The database keeps it to one per passenger, flight and channel, drills apart: a later,
    longer delay of the same flight sends none again, but a real one after a drill does (ADR 11)."""
    regime = regimes_of([flight_id])[flight_id]
    if not rights_notice_owed(regime=regime, delay_minutes=delay_minutes, cancelled=cancelled):
        return {}
    context = {"regime": str(regime), "cancelled": cancelled}
    return {(passenger_id, PassengerMessageKind.RIGHTS_NOTICE): context for passenger_id in passenger_ids}


def tell_vouchers(issued: VoucherIssued, *, cause: EventFacts) -> dict[str, int]:
    """Each passenger whose meal voucher was issued or raised hears its code and value."""
    changes: Changes = {
        (voucher.passenger_id, PassengerMessageKind.VOUCHER): {
            "code": voucher.code,
            "amount": f"{voucher.amount:.2f}",
            "currency": voucher.currency,
            "raised": voucher.change == VoucherChange.RAISED,
            "airport": issued.airport,
        }
        for voucher in issued.vouchers
    }
    return _record(cause, changes, flight_id=issued.flight_id)


def tell_hotels(booked: HotelBooked, *, cause: EventFacts) -> dict[str, int]:
    """Each passenger given a room hears the hotel and the night(s)."""
    changes: Changes = {}
    for stay in booked.stays:
        if not stay.booked:
            continue
        night = {"hotel": stay.hotel_name, "night": stay.night.isoformat(), "airport": stay.airport}
        for passenger_id in stay.passenger_ids:
            changes.setdefault((passenger_id, PassengerMessageKind.HOTEL), {"stays": []})["stays"].append(night)
    return _record(cause, changes, flight_id=booked.flight_id)


def tell_reaccommodations(reaccommodation: PassengerReaccommodated, *, cause: EventFacts) -> dict[str, int]:
    """Rebooked passengers hear their new itinerary; everyone of a disruption that allows it, the refund option."""
    changes: Changes = {}
    for party in reaccommodation.parties:
        for passenger_id in party.passenger_ids:
            if party.rebooked and party.first_departure is not None:
                changes[(passenger_id, PassengerMessageKind.NEW_ITINERARY)] = {
                    "legs": [leg.flight for leg in party.new],
                    "first_departure": party.first_departure.isoformat(),
                    "locator": party.locator,
                }
            if reaccommodation.refund_allowed:
                changes[(passenger_id, PassengerMessageKind.REFUND_OPTION)] = {"locator": party.locator}
    return _record(cause, changes, flight_id=reaccommodation.flight_id)


def tell_choice(choice: PassengerChoice, *, cause: EventFacts) -> dict[str, int]:
    """Each passenger of the party hears their choice confirmed: the itinerary accepted (with the journey they now
    hold), declined, or the refund (with the flights given up)."""
    context: dict[str, Any] = {"locator": choice.locator}
    if isinstance(choice, ItineraryAccepted):
        context["legs"] = selectors.journey_of(choice.booking_id, as_of=cause.occurred_at)
    if isinstance(choice, PassengerRefunded):
        context["legs"] = [leg.flight for leg in choice.released]
    kind = CHOICE_KINDS[EventType(cause.type)]
    changes: Changes = {(passenger_id, kind): context for passenger_id in choice.passenger_ids}
    return _record(cause, changes, flight_id=choice.flight_id)


def _record(
    cause: EventFacts, changes: Changes, *, flight_id: int, contacts: Iterable[tuple[int, str, str]] | None = None
) -> dict[str, int]:
    """One message per change and channel of the passenger, about ``flight_id``; redelivery of the event writes
    nothing new (nor does a second notice of rights for the flight). ``contacts`` are the passengers' (id, email,
    phone) when the caller has read them already; otherwise they are read here."""
    if contacts is None:
        contacts = Passenger.objects.filter(id__in={passenger_id for passenger_id, _ in changes}).values_list(
            "id", "email", "phone"
        )
    channels = {pid: _channels(email, phone) for pid, email, phone in contacts}
    messages = [
        (passenger_id, kind, channel, recipient, context)
        for (passenger_id, kind), context in changes.items()
        for channel, recipient in channels.get(passenger_id, [])
    ]
    if messages:
        send_after_commit(_write(messages, fixed={"event_id": cause.id, "flight_id": flight_id, "drill": cause.drill}))
    return {"passenger_messages": len(messages)}


#: The fields of a message that differ from one row of :func:`_write` to the next, in the order written (the
#: ``context`` last; the ``gateway_batch`` is worked out from the others).
ROW_FIELDS = ("passenger_id", "kind", "channel", "recipient", "gateway_batch", "context")


def _write(rows: list[tuple[Any, ...]], *, fixed: dict[str, Any]) -> list[int]:
    """Insert the messages that are not there yet, as ``bulk_create(ignore_conflicts=True)`` would, and return
    the ids of the event's pending messages (those just written and any an earlier attempt left), in the model's
    order. ``rows`` give the ``ROW_FIELDS`` but the ``gateway_batch``, ``fixed`` the fields all rows share (the
    ``event_id`` among them), and every other field takes its default.

    One statement whose parameters are a column array per row field (``unnest``), not a parameter per row and
    field: a flight's passengers make tens of thousands of messages, and building a model and its parameters
    for each was most of the handlers' time. (The outer query does not see the rows its ``WITH`` inserts, so
    none is listed twice.)
    """
    connection = connections[router.db_for_write(PassengerMessage)]
    encoded: dict[int, str] = {}  # once per context object: a change often shares one among its passengers
    for *_, context in rows:
        if id(context) not in encoded:
            encoded[id(context)] = json.dumps(context)
    shared = {
        field.attname: fixed[field.attname] if field.attname in fixed else field.get_default()
        for field in PassengerMessage._meta.concrete_fields
        if not field.primary_key and field.attname not in ROW_FIELDS
    }
    batches = passenger_delivery.gateway_batches(fixed["event_id"], (row[:3] for row in rows))
    insert, params = insert_from_arrays(
        PassengerMessage,
        ROW_FIELDS,
        [
            (passenger, kind, channel, to, batch, encoded[id(context)])
            for (passenger, kind, channel, to, context), batch in zip(rows, batches, strict=True)
        ],
        shared,
        connection=connection,
    )
    table = connection.ops.quote_name(PassengerMessage._meta.db_table)
    sql = (
        f"WITH written AS ({insert} ON CONFLICT DO NOTHING RETURNING id, created_at) "  # noqa: S608 - the model's
        f"SELECT id FROM (SELECT id, created_at FROM written UNION ALL "
        f"SELECT id, created_at FROM {table} WHERE event_id = %s AND status = %s) AS pending ORDER BY created_at, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, fixed["event_id"], PassengerMessageStatus.PENDING.value])
        return [message_id for (message_id,) in cursor.fetchall()]


def _channels(email: str, phone: str) -> list[tuple[str, str]]:
    return [(channel, to) for channel, to in ((Channel.EMAIL, email.strip()), (Channel.SMS, phone.strip())) if to]


def send_after_commit(message_ids: Iterable[int]) -> None:
    """Queue the messages for sending in batches (one task each) once the current transaction commits, with the
    messages of the other handlers of a runner's batch (``airline.gathered_commits``); the sweep sends what a
    broker error left."""
    ids = list(message_ids)
    if ids:
        gathered_commits.on_commit(send_in_batches, ids, wrap=outbox_spans.in_this_context)


def send_again(message_ids: Iterable[int]) -> list[int]:
    """An operator sends dead messages again: they are pending again, and sent once the transaction commits;
    returns their ids (the others are left as they are)."""
    ids = passenger_delivery.resend(list(message_ids))
    send_after_commit(ids)
    return ids
