"""Compensation's writes: assess each passenger of a disrupted flight once the final arrival delay is known, and
record the outcome (one record per passenger and flight, updated in place by later events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.contracts import EventFacts
from events.runner import PermanentError
from flights.models import Flight, FlightStatus
from passengers.selectors import bookings_on_flight_ids
from rebooking.payloads import ReaccommodatedParty
from rights.bands import Band
from rights.compensation import Compensation, Disruption, assess_compensation

from .models import Case, Entitlement, EntitlementStatus
from .selectors import journeys, passengers_by_booking

UPDATED_FIELDS = ["case", "band", "reason_code", "arrival_delay_minutes", "amount", "currency", "status", "reason",
                  "event", "assessed_at"]  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """One passenger's case for one disrupted flight."""

    passenger_id: int
    case: Case
    band: Band
    arrival_delay_minutes: int | None


def assess_after_delay(*, flight_id: int, cause: EventFacts) -> dict[str, Any]:
    """A delay of ``flight_id``: assess the passengers booked on it when it was delayed whose journey ends with
    it ("delayed, not rerouted": their final arrival delay is the flight's). Passengers with onward segments are
    not assessed here: if they still connect they are owed nothing for this flight, and if they miss the
    connection the reaccommodation assesses them.

    Reads the flight's state now (locked), not the event's: the last event handled for a flight then always
    records its latest arrival delay, whatever order the deliveries ran in.
    """
    flight = _locked(flight_id)
    if flight.status == FlightStatus.CANCELLED:
        return {"assessed": 0, "eligible": 0}  # the cancellation's reaccommodation assesses everyone
    on_flight = bookings_on_flight_ids(flight.id, as_of=cause.occurred_at)
    ending = {b: j for b, j in journeys(on_flight).items() if j.last_flight_id == flight.id}
    late = _minutes(flight.estimated_arrival - flight.scheduled_arrival)
    passengers = passengers_by_booking(ending)
    claims = [
        Claim(passenger_id, Case.DELAYED, journey.band, late)
        for booking_id, journey in ending.items()
        for passenger_id in passengers[booking_id]
    ]
    return record(claims, flight=flight, cause=cause)


def assess_after_reaccommodation(
    *, flight_id: int, parties: list[ReaccommodatedParty], cause: EventFacts
) -> dict[str, Any]:
    """The reaccommodation of ``flight_id``'s stranded ``parties``: assess every party of a cancellation or of
    missed connections with the new arrival delay at the final destination (rerouted), or as not rerouted
    (unprotected)."""
    flight = _locked(flight_id)
    paths = journeys(party.booking_id for party in parties)
    claims = [
        Claim(passenger_id, _case(party), paths[party.booking_id].band, party.arrival_delay_minutes)
        for party in parties
        for passenger_id in party.passenger_ids
    ]
    return record(claims, flight=flight, cause=cause)


def record(claims: list[Claim], *, flight: Flight, cause: EventFacts) -> dict[str, Any]:
    """Assess the claims and upsert one record per passenger for the flight, in bulk (two queries).

    A paid record is settled and left alone, and so is a record assessed on a later event than ``cause``.
    """
    held = {
        passenger_id: (status, occurred_at)
        for passenger_id, status, occurred_at in Entitlement.objects.filter(
            flight=flight, passenger_id__in=[claim.passenger_id for claim in claims]
        ).values_list("passenger_id", "status", "event__occurred_at")
    }
    now = timezone.now()
    rows = []
    for claim in claims:
        status, assessed_on = held.get(claim.passenger_id, (None, None))
        if status == EntitlementStatus.PAID or (assessed_on is not None and assessed_on > cause.occurred_at):
            continue
        outcome = assess(claim, reason_code=flight.delay_reason)
        rows.append(
            Entitlement(
                passenger_id=claim.passenger_id,
                flight=flight,
                case=claim.case,
                band=claim.band,
                reason_code=flight.delay_reason,
                arrival_delay_minutes=claim.arrival_delay_minutes,
                amount=outcome.amount,
                currency=outcome.currency,
                status=outcome.status.value,
                reason=outcome.reason,
                event_id=cause.id,
                assessed_at=now,
            )
        )
    Entitlement.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["passenger", "flight"], update_fields=UPDATED_FIELDS
    )
    eligible = sum(row.status == EntitlementStatus.ELIGIBLE for row in rows)
    return {"assessed": len(rows), "eligible": eligible}


def assess(claim: Claim, *, reason_code: str) -> Compensation:
    """The rulebook's outcome for a claim. A missed connection that could not be rerouted is assessed like a
    cancellation without rerouting (ADR 4): the passenger never reaches the final destination on this booking."""
    if claim.case == Case.MISSED_CONNECTION_UNPROTECTED:
        outcome = assess_compensation(
            disruption=Disruption.CANCELLED_UNPROTECTED, band=claim.band, reason_code=reason_code
        )
        return replace(outcome, reason=f"missed connection, not rerouted, assessed as {outcome.reason}")
    return assess_compensation(
        disruption=Disruption(claim.case),
        band=claim.band,
        reason_code=reason_code,
        arrival_delay_minutes=claim.arrival_delay_minutes,
    )


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


def _case(party: ReaccommodatedParty) -> Case:
    """The compensation case of a reaccommodated party: by its cause, and whether it was rebooked."""
    if not (party.rebooked or party.unprotected):
        raise PermanentError(f"no compensation case for a {party.cause} party that is {party.status}")
    if party.cancelled:
        return Case.CANCELLED if party.rebooked else Case.CANCELLED_UNPROTECTED
    return Case.MISSED_CONNECTION if party.rebooked else Case.MISSED_CONNECTION_UNPROTECTED


def _locked(flight_id: int) -> Flight:
    """The flight, its row locked until the transaction ends: the handlers of one flight's events take turns."""
    return Flight.objects.select_for_update().get(id=flight_id)


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)
