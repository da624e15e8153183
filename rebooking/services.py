"""Rebooking's writes: apply the optimiser's plan to bookings and seats, and publish what changed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import Event
from events.services import publish
from flights.models import Flight, FlightStatus
from passengers.models import Segment, SegmentStatus

from . import inventory
from .domain import Itinerary, delay_minutes
from .models import CaseStatus, Reaccommodation
from .optimiser import Plan, reaccommodate
from .payloads import reaccommodated_payload
from .selectors import StrandedBooking, open_network, stranded_bookings

REFUND_DELAY_MINUTES = 300


def reaccommodate_after(event: Event) -> dict[str, Any]:
    """Reaccommodate everyone ``event`` (a flight delay or cancellation) strands; return what was done.

    Idempotent: a second run for the same event finds its cases and changes nothing.
    """
    if Reaccommodation.objects.filter(event=event).exists():
        return {"already_handled": True}
    flight = Flight.objects.select_related("origin", "destination").get(id=event.payload["flight_id"])
    stranded = stranded_bookings(flight)
    if not stranded:
        return {"parties": 0, "passengers": 0, "rebooked": 0, "unprotected": 0}
    plan = reaccommodate(
        [booking.party for booking in stranded], open_network(stranded), time_limit=settings.REBOOKING_TIME_LIMIT
    )
    with transaction.atomic():
        cases = _apply(event, flight, stranded, plan)
        publish(
            event_type="passenger.reaccommodated",
            payload=reaccommodated_payload(event, flight, stranded, plan, cases),
            flight_id=flight.id,
            caused_by=event,
        )
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


def _apply(event: Event, flight: Flight, stranded: list[StrandedBooking], plan: Plan) -> list[Reaccommodation]:
    """Release replaced seats, hold new ones, rewrite the journeys and record the cases, in bulk."""
    released: dict[tuple[int, str], int] = defaultdict(int)
    held: dict[tuple[int, str], int] = defaultdict(int)
    replaced_ids: list[int] = []
    cancelled_ids: list[int] = []
    new_segments: list[Segment] = []
    cases: list[Reaccommodation] = []
    refund = flight.status == FlightStatus.CANCELLED or flight.delay_minutes >= REFUND_DELAY_MINUTES
    now = timezone.now()
    for booking in stranded:
        itinerary = plan.itineraries[booking.party.booking_id]
        for segment in booking.replaced:
            released[segment.flight_id, segment.cabin] += booking.party.size
        (replaced_ids if itinerary else cancelled_ids).extend(s.id for s in booking.replaced)
        if itinerary:
            first_position = booking.replaced[0].position
            for offset, leg in enumerate(itinerary.legs):
                held[leg.flight.id, leg.cabin] += booking.party.size
                new_segments.append(
                    Segment(
                        booking_id=booking.party.booking_id,
                        position=first_position + offset,
                        flight_id=leg.flight.id,
                        cabin=leg.cabin,
                        added_at=now,
                    )
                )
        cases.append(_case(event, flight, booking, itinerary, refund))
    Segment.objects.filter(id__in=replaced_ids).end(SegmentStatus.REPLACED, at=now)
    Segment.objects.filter(id__in=cancelled_ids).end(SegmentStatus.CANCELLED, at=now)
    inventory.release(released)
    inventory.hold(held)
    Segment.objects.bulk_create(new_segments)
    return Reaccommodation.objects.bulk_create(cases)


def _leg(flight_id: int, flight: str, cabin: str) -> dict[str, Any]:
    return {"flight_id": flight_id, "flight": flight, "cabin": cabin}


def _case(
    event: Event, flight: Flight, booking: StrandedBooking, itinerary: Itinerary | None, refund: bool
) -> Reaccommodation:
    old = [_leg(s.flight_id, str(s.flight.ref), s.cabin) for s in booking.journey]
    new = []
    if itinerary:
        new = [_leg(s.flight_id, str(s.flight.ref), s.cabin) for s in booking.kept] + [
            _leg(leg.flight.id, leg.flight.designator, leg.cabin) for leg in itinerary.legs
        ]
    return Reaccommodation(
        event=event,
        booking_id=booking.party.booking_id,
        disrupted_flight=flight,
        cause=booking.cause,
        status=CaseStatus.REBOOKED if itinerary else CaseStatus.UNPROTECTED,
        priority_class=booking.party.priority,
        disruption_airport_id=booking.party.origin,
        available_from=booking.party.available_from,
        old=old,
        new=new,
        arrival_delay_minutes=delay_minutes(booking.party, itinerary.arrival) if itinerary else None,
        refund_allowed=refund,
    )
