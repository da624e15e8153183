"""Duties' writes: record what a disruption owes, meet it from the subscribers' events, waive it, flag it overdue.

The observer (ADR 8): it decides what is owed from the disruption with the rulebook and never asks a subscriber
to act. Every write is idempotent: one duty per (disruption, passenger, kind), held by the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from airline import clock
from airline.column_arrays import insert_from_arrays
from events.contracts import EventFacts
from events.models import Event
from events.services import publish
from flights.models import Flight
from flights.payloads import FlightCancelled, FlightDelayed
from flights.selectors import regime_of
from lodging.payloads import HotelBooked
from rebooking.payloads import PassengerReaccommodated, PassengerRefunded
from rights.bands import band_between
from rights.connections import missed, onward_from
from rights.duties import (
    DutyKind,
    DutyStatus,
    FlightDisruption,
    Owed,
    hotel_owed,
    owed_to_everyone_booked,
    reaccommodation_owed,
)
from rights.hotels import night_after_reaccommodation
from rights.regime import Regime

from .compensation import Owing, judged_after_delay, owed_after_delay, owed_after_reaccommodation, owed_after_refund
from .models import Duty
from .open_duties import notice_sent
from .payloads import DutyWaived
from .selectors import onward_departures, passengers_of


def owe_for_disruption(disruption: FlightDelayed | FlightCancelled, *, cause: EventFacts) -> dict[str, int]:
    """The duties a delay or cancellation owes everyone booked on the flight when it happened: meal, origin
    hotel and notice of rights by the rulebook, a reaccommodation for whoever it strands (everyone on a
    cancellation, the misconnects of a delay), and compensation for the delayed journeys ending with it that are
    eligible (a cancellation's compensation is owed on its reaccommodation, when the new arrivals are known)."""
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=disruption.flight_id)
    regime = regime_of(flight)
    if isinstance(disruption, FlightDelayed):
        cancelled, delay = False, disruption.delay_minutes
        departure, arrival = disruption.estimated_departure, disruption.estimated_arrival
    else:
        cancelled, delay = True, 0
        departure, arrival = flight.estimated_departure, flight.estimated_arrival
    facts = FlightDisruption(
        occurred_at=cause.occurred_at,
        cancelled=cancelled,
        delay_minutes=delay,
        regime=regime,
        band=band_between(flight.origin, flight.destination, uk261=regime is Regime.UK261),
        scheduled_departure=disruption.scheduled_departure,
        estimated_departure=departure,
        origin_timezone=flight.origin.timezone,
    )
    departures = onward_departures(flight.id, as_of=cause.occurred_at)
    owed_by_booking = _owed_by_booking(
        departures,
        owed_to_everyone_booked(facts),
        arrival=arrival,
        min_connection_minutes=flight.destination.min_connection_minutes,
        cancelled_from=disruption.scheduled_departure if cancelled else None,
    )
    reason = disruption.reason or ""
    ending = [booking_id for booking_id, next_departure in departures.items() if next_departure is None]
    judged = [] if cancelled else judged_after_delay(ending, arrival=arrival, reason=reason)
    # Only the bookings owed something have their passengers read: a short delay often owes nobody anything.
    passengers = passengers_of([*owed_by_booking, *judged])
    owing: Owing = [
        (passenger_id, duty)
        for booking_id, owed in owed_by_booking.items()
        for passenger_id in passengers.get(booking_id, ())
        for duty in owed
    ]
    owing += owed_after_delay(
        flight,
        {booking_id: passengers.get(booking_id, ()) for booking_id in judged},
        arrival=arrival,
        reason=reason,
        occurred_at=cause.occurred_at,
    )
    return {"owed": owe(owing, root_id=cause.root_id, flight_id=flight.id)}


def _owed_by_booking(
    departures: dict[int, dt.datetime | None],
    everyone: list[Owed],
    *,
    arrival: dt.datetime,
    min_connection_minutes: int,
    cancelled_from: dt.datetime | None,
) -> dict[int, list[Owed]]:
    """What each booking on the disrupted flight is owed besides compensation, by booking id (those owed nothing
    left out): ``everyone``'s duties, and a reaccommodation from ``cancelled_from`` (the cancelled flight's
    scheduled departure) or, after a delay to ``arrival``, when the booking's next departure is missed."""
    owed_by_booking: dict[int, list[Owed]] = {}
    for booking_id, next_departure in departures.items():
        owed = list(everyone)
        if cancelled_from is not None:
            owed.append(reaccommodation_owed(cancelled_from))
        elif next_departure and missed(
            next_departure=next_departure, arrival=arrival, min_connection_minutes=min_connection_minutes
        ):
            owed.append(reaccommodation_owed(onward_from(arrival, min_connection_minutes=min_connection_minutes)))
        if owed:
            owed_by_booking[booking_id] = owed
    return owed_by_booking


def owe_after_reaccommodation(reaccommodation: PassengerReaccommodated, *, cause: EventFacts) -> dict[str, int]:
    """What a reaccommodation reveals: a hotel for a rebooked party departing a later local day, and for a
    misconnect with no way on (stranded at the connection), and compensation for the parties whose journey is now
    eligible (rerouted late enough, or not rerouted); meets the rebooked parties' reaccommodation."""
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=reaccommodation.flight_id)
    owing: Owing = []
    if regime_of(flight) is not Regime.NONE:
        zones = {flight.origin_id: flight.origin.timezone, flight.destination_id: flight.destination.timezone}
        for party in reaccommodation.parties:
            zone = zones[party.disruption_airport]
            night = night_after_reaccommodation(
                cancelled=party.cancelled,
                rebooked=party.rebooked,
                unprotected=party.unprotected,
                first_departure=party.first_departure,
                scheduled_departure=reaccommodation.scheduled_departure,
                arrival=reaccommodation.estimated_arrival,
                timezone=zone,
            )
            if night is not None:
                owing += [(p, hotel_owed(night, timezone=zone)) for p in party.passenger_ids]
    owing += owed_after_reaccommodation(flight, reaccommodation.parties, occurred_at=cause.occurred_at)
    owed = owe(owing, root_id=cause.root_id, flight_id=flight.id)
    rebooked = [p for party in reaccommodation.parties if party.rebooked for p in party.passenger_ids]
    met = meet(DutyKind.REACCOMMODATION, rebooked, cause=cause, flight_id=flight.id)
    return {"owed": owed, "met": met}


def owe_after_refund(refunded: PassengerRefunded, *, cause: EventFacts) -> dict[str, int]:
    """A refund meets the party's reaccommodation; after a cancellation it owes the party compensation (cancelled
    and not rerouted) unless the reason is extraordinary."""
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=refunded.flight_id)
    owing = owed_after_refund(
        flight, booking_id=refunded.booking_id, passenger_ids=refunded.passenger_ids, occurred_at=cause.occurred_at
    )
    owed = owe(owing, root_id=cause.root_id, flight_id=flight.id)
    met = meet(DutyKind.REACCOMMODATION, refunded.passenger_ids, cause=cause, flight_id=flight.id)
    return {"owed": owed, "met": met}


def owe(owing: Owing, *, root_id: uuid.UUID, flight_id: int) -> int:
    """Record ``owing`` for the disruption ``root_id`` (a duty already recorded, open or met, is kept); return
    how many were new."""
    return _record(((p, duty.kind, duty.due) for p, duty in owing), root_id=root_id, flight_id=flight_id)


def meet(kind: DutyKind, passenger_ids: Iterable[int], *, cause: EventFacts, flight_id: int) -> int:
    """Mark the passengers' ``kind`` duty of the disruption met by the subscriber's event ``cause``.

    A meeting event can arrive before the observer has recorded the duty (the subscribers of one event run in no
    fixed order): the duty is then recorded met at once, and recording it owed later keeps it met.
    """
    ids = sorted(set(passenger_ids))
    if not ids:
        return 0
    now = clock.now()
    open_ones = Duty.objects.filter(root_id=cause.root_id, kind=kind, passenger_id__in=ids, status=DutyStatus.OPEN)
    updated = open_ones.update(status=DutyStatus.MET, met_at=now, met_by_id=cause.id)
    _record(((p, kind, now) for p in ids), root_id=cause.root_id, flight_id=flight_id, met_at=now, met_by=cause.id)
    return updated


def _record(
    duties: Iterable[tuple[int, DutyKind, dt.datetime]],
    *,
    root_id: uuid.UUID,
    flight_id: int,
    met_at: dt.datetime | None = None,
    met_by: uuid.UUID | None = None,
) -> int:
    """Insert the disruption's ``duties`` (passenger id, kind, due) not recorded yet, open, or met ``met_at`` by
    the event ``met_by``; return how many were inserted.

    One statement for any number of duties (:func:`~airline.column_arrays.insert_from_arrays`); ``ON CONFLICT DO
    NOTHING`` keeps a duty already recorded (``duty_once_per_disruption``), and the row count is the rows inserted.
    """
    rows = [(passenger_id, kind.value, due) for passenger_id, kind, due in duties]
    if not rows:
        return 0
    status = DutyStatus.OPEN if met_at is None else DutyStatus.MET
    shared = {
        "root_id": root_id,
        "flight_id": flight_id,
        "status": status.value,
        "met_at": met_at,
        "met_by_id": met_by,
        "created_at": timezone.now(),
        "waived_by": "",
        "waive_reason": "",
    }
    insert, params = insert_from_arrays(Duty, ("passenger_id", "kind", "due"), rows, shared, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(f"{insert} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def meet_hotels(booked: HotelBooked, *, cause: EventFacts) -> dict[str, int]:
    """A room booked meets the passenger's hotel duty; an unaccommodated stay leaves it open for operators."""
    passengers = [p for stay in booked.stays if stay.booked for p in stay.passenger_ids]
    return {"met": meet(DutyKind.HOTEL, passengers, cause=cause, flight_id=booked.flight_id)}


class NotWaivable(ValueError):
    """A waiver the operator cannot make: no reason given, or no open duty among those chosen."""


@transaction.atomic
def request_waivers(duties: Iterable[Duty], *, by: str, reason: str) -> list[Event]:
    """An operator waives the open ones among ``duties``: one ``duty.waived`` per disruption, flight and kind, in
    the disruption's flow; the observer applies it (:func:`waive`). Raises :class:`NotWaivable`, publishing
    nothing, without a reason or when none of them is open."""
    reason = reason.strip()
    if not reason:
        raise NotWaivable("a duty is waived with a reason")
    groups: dict[tuple[uuid.UUID, int, str], list[Duty]] = defaultdict(list)
    for duty in duties:
        if duty.status == DutyStatus.OPEN:
            groups[duty.root_id, duty.flight_id, duty.kind].append(duty)
    if not groups:
        raise NotWaivable("none of these duties is open any more")
    roots = Event.objects.in_bulk({root_id for root_id, _, _ in groups})
    flights = Flight.objects.select_related("carrier").in_bulk({flight_id for _, flight_id, _ in groups})
    return [
        publish(
            DutyWaived(
                flight_id=flight_id,
                flight=str(flights[flight_id].ref),
                kind=DutyKind(kind),
                duty_ids=[duty.id for duty in group],
                passenger_ids=[duty.passenger_id for duty in group],
                by=by,
                reason=reason,
            ),
            flight_id=flight_id,
            caused_by=roots[root_id].facts,
        )
        for (root_id, flight_id, kind), group in groups.items()
    ]


def apply_waiver(waived: DutyWaived, *, cause: EventFacts) -> dict[str, int]:
    """The observer applies an operator's waiver to the duties still open, as of the operator's decision (a duty
    met meanwhile stays met; a redelivery changes nothing)."""
    duties = Duty.objects.filter(root_id=cause.root_id, kind=waived.kind, id__in=waived.duty_ids)
    updated = duties.filter(status=DutyStatus.OPEN).update(
        status=DutyStatus.WAIVED, waived_at=cause.occurred_at, waived_by=waived.by, waive_reason=waived.reason
    )
    return {"waived": updated}


def review(now: dt.datetime | None = None) -> dict[str, Any]:
    """The periodic sweep: meet notices of rights sent on a channel (sending has no event of its own), then
    flag open duties past their due time as overdue."""
    now = now or clock.now()
    noticed = Duty.objects.filter(notice_sent(), kind=DutyKind.RIGHTS_NOTICE, status=DutyStatus.OPEN).update(
        status=DutyStatus.MET, met_at=now
    )
    overdue = Duty.objects.filter(status=DutyStatus.OPEN, due__lt=now, overdue_since__isnull=True).update(
        overdue_since=now
    )
    return {"notices_met": noticed, "overdue": overdue}
