"""The passengers' choices (through the API, or an operator for them): accept or decline the new itinerary, or
take a refund instead of travelling. Each choice is recorded and published as one event, in one transaction,
and the choices of one booking are made one at a time (its row is locked).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from airline import clock
from events.services import publish
from flights.models import Flight
from passengers.models import Booking, Passenger, SegmentStatus

from . import inventory
from .domain import Traveller, priority_class
from .models import CaseStatus, Cause, Reaccommodation
from .payloads import ItineraryAccepted, ItineraryDeclined, Leg, PassengerChoice, PassengerRefunded
from .refusals import DecisionError, Refusal
from .selectors import RefundGround, refund_ground

ACCEPT, DECLINE, REFUND = "accept", "decline", "refund"

#: Per itinerary choice: the statuses it may be made from, the status it leads to, the event it publishes.
_ITINERARY_CHOICES: dict[str, tuple[tuple[str, ...], CaseStatus, type[PassengerChoice]]] = {
    ACCEPT: ((CaseStatus.REBOOKED, CaseStatus.DECLINED), CaseStatus.ACCEPTED, ItineraryAccepted),
    DECLINE: ((CaseStatus.REBOOKED, CaseStatus.ACCEPTED), CaseStatus.DECLINED, ItineraryDeclined),
}


def open_itinerary_choices(case: Reaccommodation) -> list[str]:
    """The itinerary choices (accept, decline) the case's status allows now."""
    return [choice for choice, (before, _, _) in _ITINERARY_CHOICES.items() if case.status in before]


def passenger_choices(case: Reaccommodation, *, refund_allowed: bool) -> list[str]:
    """What the passengers may choose now: the case's open itinerary choices, and a refund when it is allowed."""
    return open_itinerary_choices(case) + ([REFUND] if refund_allowed else [])


@transaction.atomic
def decide(case: Reaccommodation, *, choice: str, by: str = "passenger") -> Reaccommodation:
    """Record the passengers' choice on ``case``: ``accept`` or ``decline`` its new itinerary, or ``refund`` (the
    booking is refunded as :func:`refund` does). Raises :class:`DecisionError` and changes nothing when the
    choice is not open."""
    if choice == REFUND:
        return refund(booking_id=case.booking_id, by=by)
    if choice not in _ITINERARY_CHOICES:
        raise DecisionError(Refusal.CHOICE_NOT_OPEN, f"unknown choice {choice!r}")
    _lock(case.booking_id)
    case = Reaccommodation.objects.select_related("booking", "disrupted_flight", "event").get(pk=case.pk)
    before, after, payload = _ITINERARY_CHOICES[choice]
    if case.status == CaseStatus.REFUNDED:
        raise DecisionError(Refusal.ALREADY_REFUNDED, "the booking was refunded already")
    if case.status not in before:
        raise DecisionError(Refusal.CHOICE_NOT_OPEN, f"cannot {choice} a case that is {case.status}")
    case.status = after
    case.decided_at, case.decided_by = clock.now(), by
    case.save(update_fields=["status", "decided_at", "decided_by"])
    flight = case.disrupted_flight
    publish(payload(**_facts(case, flight, by)), flight_id=flight.id, caused_by=case.event.facts)
    return case


@transaction.atomic
def refund(*, booking_id: int, by: str = "passenger") -> Reaccommodation:
    """Refund the booking instead of travelling (POLICY "Refund (Art. 8)") where the right is now.

    Releases the seats of the rest of its journey (its active segments from the disrupted flight on) and ends
    those segments, records the refund on its case (a new case of cause ``refund`` when it has none for that
    flight) and publishes ``passenger.refunded``. Raises :class:`DecisionError` and changes nothing where no
    right is.
    """
    booking = _lock(booking_id)
    ground = refund_ground(booking_id)
    size = Passenger.objects.filter(booking_id=booking_id).count()
    case = ground.case or _refund_case(booking, ground)
    now = clock.now()
    try:
        inventory.end_active([s.id for s in ground.released], SegmentStatus.CANCELLED, at=now)
    except inventory.JourneyChanged as exc:
        raise DecisionError(Refusal.JOURNEY_CHANGED, f"the journey changed meanwhile ({exc}); try again") from exc
    inventory.release(inventory.seats_for(((s.flight_id, s.cabin) for s in ground.released), size))
    case.status = CaseStatus.REFUNDED
    case.decided_at, case.decided_by = now, by
    case.save()
    publish(
        PassengerRefunded(**_facts(case, ground.flight, by), released=Leg.of_segments(ground.released)),
        flight_id=ground.flight.id,
        caused_by=ground.event.facts,
    )
    return case


def _lock(booking_id: int) -> Booking:
    return Booking.objects.select_for_update().get(pk=booking_id)


def _refund_case(booking: Booking, ground: RefundGround) -> Reaccommodation:
    """The case recording a refund of passengers who had none for the flight: their journey as it is now."""
    travellers = [Traveller.of(p) for p in booking.passengers.all()]
    on_flight = next(s for s in ground.released if s.flight_id == ground.flight.id)
    return Reaccommodation(
        event=ground.event,
        booking=booking,
        disrupted_flight=ground.flight,
        cause=Cause.REFUND,
        priority_class=priority_class(on_flight.cabin, travellers),
        disruption_airport_id=ground.flight.origin_id,
        available_from=ground.flight.estimated_departure,
        old=Leg.as_json(Leg.of_segments(ground.journey)),
    )


def _facts(case: Reaccommodation, flight: Flight, by: str) -> dict[str, Any]:
    passenger_ids = Passenger.objects.filter(booking_id=case.booking_id).order_by("id").values_list("id", flat=True)
    return PassengerChoice.facts_of(
        case, flight=flight, locator=case.booking.locator, passenger_ids=list(passenger_ids), by=by
    )
