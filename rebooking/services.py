"""Rebooking's writes: apply the optimiser's plan to bookings and seats, and publish what changed."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction

from airline import clock
from events.contracts import EventFacts
from events.services import publish
from flights.models import Flight
from passengers.models import Segment, SegmentStatus

from . import inventory
from .domain import Itinerary, delay_minutes
from .models import CaseStatus, Cause, Reaccommodation
from .optimiser import Plan, reaccommodate
from .payloads import Leg, PassengerReaccommodated, ReaccommodatedParty
from .selectors import StrandedBooking, open_network, refund_refusal_of, stranded_bookings


def reaccommodate_after(*, flight_id: int, cause: EventFacts) -> dict[str, Any]:
    """Reaccommodate everyone the disruption ``cause`` (a delay or cancellation of ``flight_id``) strands; return
    what was done. No itinerary departs earlier than 30 minutes after the event happened.

    Idempotent: a second run for the same event finds its cases and changes nothing (a refund a passenger
    chose meanwhile is not one of them: its booking's journey has ended, so it is stranded no more).
    """
    if Reaccommodation.objects.filter(event_id=cause.id).exclude(cause=Cause.REFUND).exists():
        return {"already_handled": True}
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(id=flight_id)
    stranded = stranded_bookings(flight, event_time=cause.occurred_at)
    if not stranded:
        return {"parties": 0, "passengers": 0, "rebooked": 0, "unprotected": 0}
    plan = reaccommodate(
        [booking.party for booking in stranded], open_network(stranded), time_limit=settings.REBOOKING_TIME_LIMIT
    )
    with transaction.atomic():
        cases = _apply(cause, flight, stranded, plan)
        publish(_payload(cause, flight, stranded, plan, cases), flight_id=flight.id, caused_by=cause)
    rebooked = [b for b in stranded if plan.itineraries[b.party.booking_id] is not None]
    return {
        "parties": len(stranded),
        "passengers": sum(b.party.size for b in stranded),
        "rebooked": sum(b.party.size for b in rebooked),
        "unprotected": sum(b.party.size for b in stranded) - sum(b.party.size for b in rebooked),
        "optimal": plan.stats.optimal,
        "gap": round(plan.stats.gap, 6),
        "solver_seconds": round(plan.stats.seconds, 3),
    }


def _payload(
    cause: EventFacts, flight: Flight, stranded: list[StrandedBooking], plan: Plan, cases: list[Reaccommodation]
) -> PassengerReaccommodated:
    """What lodging, compensation, partners and passengers need to know about the reaccommodation."""
    case_by_booking = {case.booking_id: case for case in cases}
    parties = []
    for booking in stranded:
        itinerary = plan.itineraries[booking.party.booking_id]
        parties.append(
            ReaccommodatedParty.of(
                case_by_booking[booking.party.booking_id],
                locator=booking.party.locator,
                passenger_ids=booking.party.passenger_ids,
                previous=Leg.of_segments(booking.replaced),
                new=_legs_of_itinerary(itinerary),
                first_departure=itinerary.legs[0].flight.departure if itinerary else None,
            )
        )
    return PassengerReaccommodated.of(
        flight,
        disruption=cause.type,
        refund_allowed=refund_refusal_of(flight) is None,
        optimal=plan.stats.optimal,
        parties=parties,
    )


def _legs_of_itinerary(itinerary: Itinerary | None) -> list[Leg]:
    return [Leg.on(leg.flight.id, leg.flight.designator, leg.cabin) for leg in itinerary.legs] if itinerary else []


def _apply(cause: EventFacts, flight: Flight, stranded: list[StrandedBooking], plan: Plan) -> list[Reaccommodation]:
    """Release replaced seats, hold new ones, rewrite the journeys and record the cases, in bulk. A journey that
    changed while the plan was made (a refund, an operator) raises: the delivery is retried with a new plan."""
    released: inventory.SeatTally = Counter()
    held: inventory.SeatTally = Counter()
    replaced_ids: list[int] = []
    cancelled_ids: list[int] = []
    new_segments: list[Segment] = []
    cases: list[Reaccommodation] = []
    now = clock.now()
    for booking in stranded:
        itinerary = plan.itineraries[booking.party.booking_id]
        released += inventory.seats_for(((s.flight_id, s.cabin) for s in booking.replaced), booking.party.size)
        (replaced_ids if itinerary else cancelled_ids).extend(s.id for s in booking.replaced)
        if itinerary:
            first_position = booking.replaced[0].position
            held += inventory.seats_for(((leg.flight.id, leg.cabin) for leg in itinerary.legs), booking.party.size)
            for offset, leg in enumerate(itinerary.legs):
                new_segments.append(
                    Segment(
                        booking_id=booking.party.booking_id,
                        position=first_position + offset,
                        flight_id=leg.flight.id,
                        cabin=leg.cabin,
                        added_at=now,
                    )
                )
        cases.append(_case(cause, flight, booking, itinerary))
    inventory.end_active(replaced_ids, SegmentStatus.REPLACED, at=now)
    inventory.end_active(cancelled_ids, SegmentStatus.CANCELLED, at=now)
    inventory.release(released)
    inventory.hold(held)
    Segment.objects.bulk_create(new_segments)
    return Reaccommodation.objects.bulk_create(cases)


def _case(cause: EventFacts, flight: Flight, booking: StrandedBooking, itinerary: Itinerary | None) -> Reaccommodation:
    new = Leg.of_segments(booking.kept) + _legs_of_itinerary(itinerary) if itinerary else []
    return Reaccommodation(
        event_id=cause.id,
        booking_id=booking.party.booking_id,
        disrupted_flight=flight,
        cause=booking.cause,
        status=CaseStatus.REBOOKED if itinerary else CaseStatus.UNPROTECTED,
        priority_class=booking.party.priority,
        disruption_airport_id=booking.party.origin,
        available_from=booking.party.available_from,
        old=Leg.as_json(Leg.of_segments(booking.journey)),
        new=Leg.as_json(new),
        arrival_delay_minutes=delay_minutes(booking.party, itinerary.arrival) if itinerary else None,
    )
