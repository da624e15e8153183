"""An operator's choice of itinerary for a reaccommodation case, validated by the same rules as the optimiser.

"Now" is the project's clock (``airline.clock``): no itinerary departing earlier than 30 minutes from now is
offered or accepted.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from airline import clock
from events.services import publish
from flights.models import Flight
from passengers.models import Booking, Passenger, Segment, SegmentStatus
from passengers.selectors import ticketed_arrivals

from . import inventory
from .domain import Candidate, Party, Traveller, delay_minutes, sector_cabins
from .models import CaseStatus, Cause, Reaccommodation
from .payloads import Leg, PassengerReaccommodated, ReaccommodatedParty
from .refusals import DecisionError, Refusal
from .selectors import StrandedBooking, open_network, refund_refusal_of

# Statuses in which the case's new itinerary still holds seats.
HOLDING = (CaseStatus.REBOOKED, CaseStatus.ACCEPTED, CaseStatus.DECLINED)


def _kept_count(case: Reaccommodation) -> int:
    """How many legs of the old journey the passengers keep (they precede the disruption point)."""
    index = next(i for i, leg in enumerate(case.old) if leg["flight_id"] == case.disrupted_flight_id)
    return index if case.cause == Cause.CANCELLED else index + 1


def _held_segments(case: Reaccommodation) -> list[Segment]:
    """The active segments of the case's new itinerary (empty when it holds none)."""
    if case.status not in HOLDING:
        return []
    return list(
        Segment.objects.filter(booking=case.booking_id, status=SegmentStatus.ACTIVE, position__gt=_kept_count(case))
    )


def party_for(case: Reaccommodation) -> Party:
    """The party of the case as the optimiser saw it, deciding now."""
    passengers = Passenger.objects.filter(booking_id=case.booking_id).order_by("ref")
    replaced = case.old[_kept_count(case) :]
    flights = Flight.objects.in_bulk({leg["flight_id"] for leg in replaced})
    return Party(
        booking_id=case.booking_id,
        locator=case.booking.locator,
        travellers=tuple(Traveller.of(p) for p in passengers),
        cabin=replaced[0]["cabin"],
        origin=case.disruption_airport_id,
        destination=flights[replaced[-1]["flight_id"]].destination_id,
        available_from=case.available_from,
        scheduled_arrival=ticketed_arrivals([case.booking_id])[case.booking_id],
        event_time=clock.now(),
        sector_cabins=sector_cabins((flights[leg["flight_id"]].origin_id, leg["cabin"]) for leg in replaced),
    )


def alternatives(case: Reaccommodation) -> tuple[Party, tuple[Candidate, ...]]:
    """Every valid itinerary for the case's party now, best first (its own held seats count as free)."""
    party = party_for(case)
    held = _held_segments(case)
    stranded = StrandedBooking(party=party, cause=case.cause, journey=tuple(held), replace_from=0, passengers=())
    return party, open_network([stranded]).candidates(party)


@transaction.atomic
def choose_itinerary(case: Reaccommodation, *, flight_ids: list[int], cabins: list[str], by: str) -> Reaccommodation:
    """Move the case's party onto the given itinerary (an operator's choice), if it is a valid one now.

    Raises :class:`DecisionError` and changes nothing when it is not, or when a concurrent change took its seats.
    """
    Booking.objects.select_for_update().get(pk=case.booking_id)  # one decision of a booking at a time
    case = Reaccommodation.objects.select_for_update().select_related("booking").get(pk=case.pk)
    if case.status == CaseStatus.REFUNDED:
        raise DecisionError(Refusal.ALREADY_REFUNDED, "the booking was refunded")
    party, candidates = alternatives(case)
    chosen = next((c for c in candidates if [f.id for f in c.flights] == flight_ids), None)
    if chosen is None:
        raise DecisionError(
            Refusal.ITINERARY_NOT_VALID, "that itinerary is not valid for this party now (rules, horizon or seats)"
        )
    if len(cabins) != len(chosen.flights) or any(
        cabin not in allowed for cabin, allowed in zip(cabins, chosen.cabins, strict=False)
    ):
        raise DecisionError(
            Refusal.ITINERARY_NOT_VALID, "a cabin is lower than booked or has no room for the whole party"
        )
    kept = _kept_count(case)
    previous = Leg.from_json(case.new[kept:]) if case.status in HOLDING else []
    now = clock.now()
    legs = [Leg.on(f.id, f.designator, c) for f, c in zip(chosen.flights, cabins, strict=True)]
    try:
        _release_held(case, party.size, at=now)
        inventory.hold(inventory.seats_for(((leg.flight_id, leg.cabin) for leg in legs), party.size))
    except inventory.SeatConflict as exc:
        raise DecisionError(Refusal.SEATS_TAKEN, f"the seats were taken meanwhile ({exc}); choose again") from exc
    except inventory.JourneyChanged as exc:
        raise DecisionError(Refusal.JOURNEY_CHANGED, f"the journey changed meanwhile ({exc}); look again") from exc
    Segment.objects.bulk_create(
        Segment(
            booking_id=case.booking_id, position=kept + 1 + i, flight_id=leg.flight_id, cabin=leg.cabin, added_at=now
        )
        for i, leg in enumerate(legs)
    )
    case.new = case.old[:kept] + Leg.as_json(legs)
    case.status = CaseStatus.REBOOKED
    case.arrival_delay_minutes = delay_minutes(party, chosen.arrival)
    case.decided_at, case.decided_by = now, by
    case.save(update_fields=["new", "status", "arrival_delay_minutes", "decided_at", "decided_by"])
    flight = Flight.objects.select_related("origin", "destination", "carrier").get(pk=case.disrupted_flight_id)
    moved = ReaccommodatedParty.of(
        case,
        locator=case.booking.locator,
        passenger_ids=[traveller.id for traveller in party.travellers],
        previous=previous,
        new=legs,
        first_departure=chosen.flights[0].departure,
    )
    publish(
        PassengerReaccommodated.of(
            flight,
            disruption=case.event.type,
            refund_allowed=refund_refusal_of(flight) is None,
            optimal=False,
            parties=[moved],
        ),
        flight_id=flight.id,
        caused_by=case.event.facts,
    )
    return case


def _release_held(case: Reaccommodation, size: int, *, at: dt.datetime) -> None:
    """End the segments the case's new itinerary holds and give their seats back."""
    held = _held_segments(case)
    inventory.end_active([s.id for s in held], SegmentStatus.CANCELLED, at=at)
    inventory.release(inventory.seats_for(((s.flight_id, s.cabin) for s in held), size))
