"""Compensation's writes: assess a passenger's journey once its final arrival is known (or known never to come),
and record the outcome: one record per passenger per journey (booking), measured against the ticketed arrival and
updated in place by every later disruption of the journey until it is paid (POLICY.md "Compensation", ADR 4)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.db import connections, router, transaction
from django.utils import timezone

from airline.column_arrays import insert_from_arrays
from events.contracts import EventFacts
from events.runner import PermanentError
from events.services import publish
from flights.models import Flight, FlightStatus
from flights.selectors import estimated_arrivals, regimes_of
from passengers.models import Booking
from passengers.selectors import SitedJourney, bookings_ending_with, sited_journeys
from rebooking.payloads import ReaccommodatedParty
from rights.compensation import Claim, Disruption, assess_journey, reaccommodated_disruption
from rights.regime import Regime, regime_by_origin

from .models import Entitlement, EntitlementStatus
from .payloads import CompensationAssessed
from .selectors import Held, held_records

UPDATED_FIELDS = ["regime", "case", "band", "reason_code", "arrival_delay_minutes", "amount", "currency", "status",
                  "reason", "event", "assessed_at"]  # fmt: skip


class Written(NamedTuple):
    """The fields of a record an assessment writes that vary from record to record (the journey, its flight and
    ``UPDATED_FIELDS`` but those one assessment shares: :class:`Shared`)."""

    passenger_id: int
    booking_id: int
    flight_id: int
    regime: str
    case: str
    band: str
    arrival_delay_minutes: int | None
    amount: Decimal
    currency: str
    status: str
    reason: str


class Shared(NamedTuple):
    """The fields every record of one assessment writes alike: the disruption's reason code, the event assessed
    on, and when."""

    reason_code: str
    event_id: uuid.UUID
    assessed_at: dt.datetime


def assess_after_delay(*, flight_id: int, cause: EventFacts) -> dict[str, Any]:
    """A delay of ``flight_id``: assess the passengers whose journey ended with it when it was delayed ("delayed,
    not rerouted": they arrive when it does). Passengers with onward segments are not assessed here: if they still
    connect their arrival has not changed, and if they miss the connection the reaccommodation assesses them.

    Reads the flight's state now (locked), not the event's: the last event handled for a flight then always
    records its latest arrival, whatever order the deliveries ran in.
    """
    flight = _locked(flight_id)
    if flight.status == FlightStatus.CANCELLED:
        return {"assessed": 0, "eligible": 0}  # the cancellation's reaccommodation assesses everyone
    claims = [
        Claim(passenger_id, booking.booking_id, Disruption.DELAYED, flight.estimated_arrival)
        for booking in bookings_ending_with(flight.id, as_of=cause.occurred_at)
        for passenger_id in booking.passenger_ids
    ]
    return record(claims, flight=flight, cause=cause)


def assess_after_reaccommodation(
    *, flight_id: int, parties: list[ReaccommodatedParty], cause: EventFacts
) -> dict[str, Any]:
    """The reaccommodation of ``flight_id``'s stranded ``parties``: assess every party of a cancellation or of
    missed connections on its new itinerary's arrival at the final destination (its last leg's estimated
    arrival: rerouted), or as not rerouted (unprotected)."""
    flight = _locked(flight_id)
    arrivals = estimated_arrivals(party.new[-1].flight_id for party in parties if party.new)
    claims: list[Claim] = []
    for party in parties:
        case = _case(party)
        arrival = arrivals[party.new[-1].flight_id] if party.rebooked else None
        claims.extend(Claim(passenger_id, party.booking_id, case, arrival) for passenger_id in party.passenger_ids)
    return record(claims, flight=flight, cause=cause)


def assess_after_refund(
    *, flight_id: int, booking_id: int, passenger_ids: list[int], cause: EventFacts
) -> dict[str, Any]:
    """The passengers of ``booking_id`` chose a refund after ``flight_id``'s disruption: they never travel on.

    After a cancellation their journey is assessed as cancelled and not rerouted (the full amount unless the
    reason is extraordinary). After a delay the refund neither creates a right nor takes one away (ADR 4): the
    record stays as the delay left it, so nothing is assessed.
    """
    flight = _locked(flight_id)
    if flight.status != FlightStatus.CANCELLED:
        return {"assessed": 0, "eligible": 0}
    claims = [Claim(passenger_id, booking_id, Disruption.CANCELLED_REFUNDED, None) for passenger_id in passenger_ids]
    return record(claims, flight=flight, cause=cause)


def record(claims: list[Claim], *, flight: Flight, cause: EventFacts) -> dict[str, Any]:
    """Assess the claims on ``flight``'s disruption and upsert one record per passenger and journey, in bulk
    (a constant number of queries), and publish ``compensation.assessed`` for the records this event assessed anew
    (none on a redelivery: nothing is published twice).

    The journeys' rows are locked first, so the handlers that touch one journey take turns whichever flight they
    are about. A new record's flight is ``flight``; an existing one keeps its flight (the journey's first
    disrupted flight) and takes the case, reason code, delay and amount of this disruption. A paid record is
    settled and left alone, and so is a record assessed on a later event than ``cause``. A journey whose regime
    is none gets no record.
    """
    booking_ids = sorted({claim.booking_id for claim in claims})
    _lock_journeys(booking_ids)
    paths = sited_journeys(booking_ids)
    held = held_records(claim.passenger_id for claim in claims)
    regimes = _regimes(flight.id, paths.values(), held.values())
    rows = []
    for claim in claims:
        kept = held.get((claim.passenger_id, claim.booking_id))
        if kept is not None and _settled(kept, cause):
            continue
        path = paths[claim.booking_id]
        first_disrupted = flight.id if kept is None else kept.flight_id
        assessed = assess_journey(
            claim,
            journey=path,
            first_flight=regimes[path.first_flight_id],
            disrupted_flight=regimes.get(first_disrupted),
            reason_code=flight.delay_reason,
        )
        if assessed is None:
            continue
        outcome = assessed.outcome
        rows.append(
            Written(
                claim.passenger_id,
                claim.booking_id,
                first_disrupted,
                assessed.regime.value,
                claim.disruption.value,
                assessed.band.value,
                assessed.arrival_delay_minutes,
                outcome.amount,
                outcome.currency,
                outcome.status.value,
                outcome.reason,
            )
        )
    _upsert(rows, Shared(flight.delay_reason, cause.id, timezone.now()))
    anew = [row for row in rows if _assessed_anew(held.get((row.passenger_id, row.booking_id)), cause)]
    if anew:
        eligible_anew = [row.passenger_id for row in anew if row.status == EntitlementStatus.ELIGIBLE]
        assessed_ids = sorted({row.passenger_id for row in anew})
        publish(
            CompensationAssessed(
                flight_id=flight.id,
                flight=str(flight.ref),
                assessed_passenger_ids=assessed_ids,
                passenger_ids=sorted(set(eligible_anew)),
            ),
            flight_id=flight.id,
            caused_by=cause,
        )
    eligible = sum(row.status == EntitlementStatus.ELIGIBLE for row in rows)
    return {"assessed": len(rows), "eligible": eligible}


@transaction.atomic
def mark_paid(entitlement_ids: list[int], *, by: str) -> list[Entitlement]:
    """Mark eligible records paid (operator action); returns those changed. Others are left as they are."""
    records = list(
        Entitlement.objects.select_for_update().filter(id__in=entitlement_ids, status=EntitlementStatus.ELIGIBLE)
    )
    now = timezone.now()
    for entitlement in records:
        entitlement.status, entitlement.paid_at, entitlement.paid_by = EntitlementStatus.PAID, now, by
    Entitlement.objects.bulk_update(records, ["status", "paid_at", "paid_by"])
    return records


def _regimes(flight_id: int, paths: Iterable[SitedJourney], held: Iterable[Held]) -> dict[int, Regime]:
    """The regimes an assessment reads, by flight id: each journey's first flight's, and, when the origin of some
    first flight leaves its regime to its destination and carrier, the disrupted flights' (``flight_id``'s and the
    records held's), which a journey whose first flight has no regime takes. One query, none when every journey
    departs where its origin alone decides the law."""
    by_origin = {path.first_flight_id: regime_by_origin(path.origin) for path in paths}
    undecided = {first for first, regime in by_origin.items() if regime is None}
    if not undecided:
        return {first: regime for first, regime in by_origin.items() if regime is not None}
    return regimes_of(sorted(set(by_origin) | {flight_id} | {kept.flight_id for kept in held}))


def _case(party: ReaccommodatedParty) -> Disruption:
    """The compensation case of a reaccommodated party: by its cause, and whether it was rebooked."""
    if not ((party.rebooked and party.new) or party.unprotected):
        raise PermanentError(f"no compensation case for a {party.cause} party that is {party.status}")
    return reaccommodated_disruption(cancelled=party.cancelled, rerouted=party.rebooked)


def _upsert(rows: list[Written], shared: Shared) -> None:
    """Insert the records, or update the journey's record held (all but its flight), as
    ``bulk_create(update_conflicts=True)`` would; a new record is unpaid. One statement taking an array per
    field that varies (``unnest``) and one value per ``shared`` field, not a parameter per record and field: a
    flight's journeys make hundreds of records."""
    if not rows:
        return
    connection = connections[router.db_for_write(Entitlement)]
    insert, params = insert_from_arrays(
        Entitlement,
        Written._fields,
        rows,
        {**shared._asdict(), "paid_at": None, "paid_by": ""},
        connection=connection,
    )
    quote = connection.ops.quote_name
    updated = [quote(cast(str, f.column)) for f in Entitlement._meta.concrete_fields if f.name in UPDATED_FIELDS]
    sql = (
        f"{insert} ON CONFLICT (passenger_id, booking_id) "
        f"DO UPDATE SET {', '.join(f'{column} = EXCLUDED.{column}' for column in updated)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _assessed_anew(kept: Held | None, cause: EventFacts) -> bool:
    """Whether a record written on ``cause`` was not already assessed on it (a redelivery rewrites it as it was)."""
    return kept is None or kept.event_id != cause.id


def _settled(kept: Held, cause: EventFacts) -> bool:
    """Whether a held record is beyond ``cause``: paid, or assessed on a later event."""
    later = kept.assessed_on is not None and kept.assessed_on > cause.occurred_at
    return later or kept.status == EntitlementStatus.PAID


def _lock_journeys(booking_ids: list[int]) -> None:
    """Lock the bookings' rows (in id order, so two handlers never wait on each other) until the transaction ends.
    ``FOR NO KEY UPDATE``: rebooking may still add segments to them meanwhile."""
    list(Booking.objects.select_for_update(no_key=True).filter(id__in=booking_ids).order_by("id").values_list("id"))


def _locked(flight_id: int) -> Flight:
    """The flight, its row locked until the transaction ends: the handlers of one flight's events take turns."""
    return Flight.objects.select_for_update().get(id=flight_id)
