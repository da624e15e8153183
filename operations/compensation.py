"""The ``compensation`` duties a disruption owes (POLICY.md "Duties"; ADR 8): decided by the observer itself, with
the rulebook's ``assess_journey`` on the journeys as ticketed, at the three moments the compensation subscriber
assesses them, so a compensation subscriber that never runs leaves them open.

Owed when the passenger's journey is eligible *under this disruption* (its root event): a later disruption of the
same journey is a root of its own and owes (or not) on its own facts; the journey's one record is the
compensation subscriber's (ADR 4). Like the subscriber, the regime is the journey's first flight's, else the
disrupted flight's (a journey already disrupted by another flight is judged by this one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from flights.models import Flight, FlightStatus
from flights.selectors import estimated_arrivals, regime_of, regimes_of
from passengers.selectors import sited_journeys, ticketed_arrivals
from rebooking.payloads import ReaccommodatedParty
from rights.compensation import (
    Claim,
    Disruption,
    arrival_delay,
    assess_journey,
    cannot_be_eligible,
    reaccommodated_disruption,
)
from rights.duties import Owed, compensation_owed

Owing = list[tuple[int, Owed]]  # (passenger id, duty)


def judged_after_delay(ending: Iterable[int], *, arrival: dt.datetime, reason: str) -> list[int]:
    """Of the bookings whose journey ended with a flight delayed to ``arrival`` with ``reason``, those the rulebook
    does not refuse out of hand: the others arrive too little late against their ticketed arrival to be owed
    anything (after a short delay, usually all of them), so their journeys and passengers need not be read. One
    query, none when the reason alone refuses or no booking is left."""
    bookings = list(ending)
    if not bookings or cannot_be_eligible(Disruption.DELAYED, reason_code=reason, arrival_delay_minutes=None):
        return []
    ticketed = ticketed_arrivals(bookings)
    return [
        booking_id
        for booking_id in bookings
        if not cannot_be_eligible(
            Disruption.DELAYED, reason_code=reason, arrival_delay_minutes=arrival_delay(arrival, ticketed[booking_id])
        )
    ]


def owed_after_delay(
    flight: Flight,
    judged: Mapping[int, Iterable[int]],
    *,
    arrival: dt.datetime,
    reason: str,
    occurred_at: dt.datetime,
) -> Owing:
    """A delay: the passengers of the journeys ``judged`` (:func:`judged_after_delay`; booking id → passenger ids),
    arriving when the flight does."""
    claims = [
        Claim(passenger_id, booking_id, Disruption.DELAYED, arrival)
        for booking_id, passenger_ids in judged.items()
        for passenger_id in passenger_ids
    ]
    return _owed(claims, flight=flight, reason=reason, occurred_at=occurred_at)


def owed_after_reaccommodation(
    flight: Flight, parties: Iterable[ReaccommodatedParty], *, occurred_at: dt.datetime
) -> Owing:
    """A reaccommodation: every rebooked party on its new itinerary's arrival, every unprotected one as not
    rerouted."""
    judged = [party for party in parties if (party.rebooked and party.new) or party.unprotected]
    arrivals = estimated_arrivals(party.new[-1].flight_id for party in judged if party.rebooked)
    claims = [
        Claim(
            passenger_id,
            party.booking_id,
            reaccommodated_disruption(cancelled=party.cancelled, rerouted=party.rebooked),
            arrivals[party.new[-1].flight_id] if party.rebooked else None,
        )
        for party in judged
        for passenger_id in party.passenger_ids
    ]
    return _owed(claims, flight=flight, reason=flight.delay_reason, occurred_at=occurred_at)


def owed_after_refund(
    flight: Flight, *, booking_id: int, passenger_ids: Iterable[int], occurred_at: dt.datetime
) -> Owing:
    """A refund after a cancellation: the passengers, cancelled and not rerouted. A refund after a delay owes
    nothing new (it neither creates a right nor takes one away, ADR 4)."""
    if flight.status != FlightStatus.CANCELLED:
        return []
    claims = [Claim(passenger_id, booking_id, Disruption.CANCELLED_REFUNDED, None) for passenger_id in passenger_ids]
    return _owed(claims, flight=flight, reason=flight.delay_reason, occurred_at=occurred_at)


def _owed(claims: list[Claim], *, flight: Flight, reason: str, occurred_at: dt.datetime) -> Owing:
    """The claims that are eligible, each owed a compensation duty due 7 days after the event (one query, two when
    a journey starts on another flight). ``flight`` comes with its airports and carrier (its regime is read from
    them)."""
    if not claims:
        return []
    paths = sited_journeys({claim.booking_id for claim in claims})
    others = sorted({path.first_flight_id for path in paths.values()} - {flight.id})
    regimes = {flight.id: regime_of(flight), **(regimes_of(others) if others else {})}
    duty = compensation_owed(occurred_at)
    owing: Owing = []
    for claim in claims:
        path = paths[claim.booking_id]
        assessed = assess_journey(
            claim,
            journey=path,
            first_flight=regimes[path.first_flight_id],
            disrupted_flight=regimes[flight.id],
            reason_code=reason,
        )
        if assessed is not None and assessed.eligible:
            owing.append((claim.passenger_id, duty))
    return owing
