"""The ``passenger.reaccommodated`` payload: one disruption's reaccommodation, party by party.

The optimiser's plan and an operator's choice both build their parties with :meth:`ReaccommodatedParty.of`,
and every leg anywhere in rebooking (payloads and the cases' ``old``/``new`` journeys) is a :class:`Leg`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from events.contracts import EventPayload, Moment, Part
from events.types import EventType
from flights.models import Cabin, Flight

from .models import CaseStatus, Cause, Reaccommodation

if TYPE_CHECKING:
    from passengers.models import Segment


class Leg(Part):
    """One flight of a journey, in a cabin."""

    flight_id: int
    """The flight's primary key."""
    flight: str
    """`DESIGNATOR/DATE` of the flight."""
    cabin: Cabin
    """The cabin (`F`, `J`, `Y`)."""

    @classmethod
    def on(cls, flight_id: int, designator: str, cabin: str) -> Leg:
        """The leg on flight ``flight_id`` (``designator``) in ``cabin``."""
        return cls(flight_id=flight_id, flight=designator, cabin=Cabin(cabin))

    @classmethod
    def of_segments(cls, segments: Iterable[Segment]) -> list[Leg]:
        """The legs of a journey's segments (their flights selected with them)."""
        return [cls.on(s.flight_id, str(s.flight.ref), s.cabin) for s in segments]

    @staticmethod
    def as_json(legs: Sequence[Leg]) -> list[dict[str, Any]]:
        """Legs as stored on a case's journey."""
        return [leg.model_dump(mode="json") for leg in legs]

    @classmethod
    def from_json(cls, legs: Sequence[dict[str, Any]]) -> list[Leg]:
        """Legs stored on a case's journey, read back."""
        return [cls.model_validate_json(json.dumps(leg)) for leg in legs]


Stranding = Literal[Cause.CANCELLED, Cause.MISCONNECT]
"""Why a party had to be reaccommodated (a refund case never is one)."""


def _stranding(case: Reaccommodation) -> Stranding:
    cause = Cause(case.cause)
    if cause is Cause.REFUND:
        raise ValueError(f"case {case.id} records a refund, not a reaccommodation")
    return cause


class ReaccommodatedParty(Part):
    """One booking's passengers, stranded by the disruption, and what rebooking did for them."""

    case_id: int
    """The reaccommodation case (operators' record of the decision)."""
    booking_id: int
    """The booking."""
    locator: str
    """The booking's record locator."""
    passenger_ids: list[int]
    """Its passengers."""
    cause: Stranding
    """`cancelled`: the flight was cancelled; `misconnect`: the delay broke the connection."""
    status: CaseStatus
    """`rebooked` (a new itinerary holds seats) or `unprotected` (an operator must act)."""
    disruption_airport: str
    """Where the party is stranded: the origin after a cancellation, the connecting airport after a misconnect."""
    available_from: Moment
    """When the party can fly again from there."""
    first_departure: Moment | None
    """Departure of the new itinerary's first leg; null when unprotected."""
    arrival_delay_minutes: int | None
    """Arrival delay at the final destination on the new itinerary; null when unprotected."""
    new: list[Leg]
    """The new itinerary's legs."""
    removed: list[Leg]
    """Legs the party no longer flies."""
    added: list[Leg]
    """Legs the party now flies."""

    @classmethod
    def of(
        cls,
        case: Reaccommodation,
        *,
        locator: str,
        passenger_ids: Sequence[int],
        previous: Sequence[Leg],
        new: Sequence[Leg],
        first_departure: Moment | None,
    ) -> ReaccommodatedParty:
        """The party of ``case``, moved from the ``previous`` legs it held (none when it held none) onto ``new``."""
        previous_ids = {leg.flight_id for leg in previous}
        new_ids = {leg.flight_id for leg in new}
        return cls(
            case_id=case.id,
            booking_id=case.booking_id,
            locator=locator,
            passenger_ids=list(passenger_ids),
            cause=_stranding(case),
            status=CaseStatus(case.status),
            disruption_airport=case.disruption_airport_id,
            available_from=case.available_from,
            first_departure=first_departure,
            arrival_delay_minutes=case.arrival_delay_minutes,
            new=list(new),
            removed=[leg for leg in previous if leg.flight_id not in new_ids],
            added=[leg for leg in new if leg.flight_id not in previous_ids],
        )

    @property
    def rebooked(self) -> bool:
        """Whether the party holds a new itinerary."""
        return self.status == CaseStatus.REBOOKED

    @property
    def unprotected(self) -> bool:
        """Whether no itinerary could be found for the party (an operator must act)."""
        return self.status == CaseStatus.UNPROTECTED

    @property
    def cancelled(self) -> bool:
        """Whether the party's flight was cancelled (else it missed its connection)."""
        return self.cause == Cause.CANCELLED


class PassengerReaccommodated(EventPayload):
    """Who a delay or cancellation stranded, and their new itineraries (or none: unprotected)."""

    event_type: ClassVar[str] = EventType.PASSENGER_REACCOMMODATED

    flight_id: int
    """The disrupted flight."""
    flight: str
    """`DESIGNATOR/DATE` of the disrupted flight."""
    disruption: EventType
    """The event handled: `flight.delayed` or `flight.cancelled`."""
    scheduled_departure: Moment
    """The disrupted flight's scheduled departure."""
    estimated_arrival: Moment
    """The disrupted flight's estimated arrival (at the connecting airport for misconnects)."""
    refund_allowed: bool
    """The flight's passengers may choose a refund now: it is cancelled or delayed 300 minutes or more, and EU261
    or UK261 applies (Art. 8)."""
    optimal: bool
    """The optimiser proved its plan optimal within its time limit (false for an operator's choice)."""
    parties: list[ReaccommodatedParty]
    """One per booking the disruption stranded."""

    @classmethod
    def of(
        cls,
        flight: Flight,
        *,
        disruption: str,
        refund_allowed: bool,
        optimal: bool,
        parties: Sequence[ReaccommodatedParty],
    ) -> PassengerReaccommodated:
        """The reaccommodation of ``parties`` after ``flight``'s ``disruption`` (the event type that stranded them)."""
        return cls(
            flight_id=flight.id,
            flight=str(flight.ref),
            disruption=EventType(disruption),
            scheduled_departure=flight.scheduled_departure,
            estimated_arrival=flight.estimated_arrival,
            refund_allowed=refund_allowed,
            optimal=optimal,
            parties=list(parties),
        )


class PassengerChoice(EventPayload):
    """What every passenger choice says: whose booking, on which disruption's case, decided by whom."""

    flight_id: int
    """The disrupted flight that gave the passengers their choice."""
    flight: str
    """`DESIGNATOR/DATE` of the disrupted flight."""
    case_id: int
    """The reaccommodation case the choice was recorded on."""
    booking_id: int
    """The booking."""
    locator: str
    """Its record locator."""
    passenger_ids: list[int]
    """The booking's passengers: a choice is the whole party's."""
    by: str
    """`passenger` (through the API) or the operator's username (the admin)."""

    @classmethod
    def facts_of(
        cls, case: Reaccommodation, *, flight: Flight, locator: str, passenger_ids: Sequence[int], by: str
    ) -> dict[str, Any]:
        """The common fields of a choice on ``case``."""
        return {
            "flight_id": flight.id,
            "flight": str(flight.ref),
            "case_id": case.id,
            "booking_id": case.booking_id,
            "locator": locator,
            "passenger_ids": list(passenger_ids),
            "by": by,
        }


class ItineraryAccepted(PassengerChoice):
    """The passengers accepted the new itinerary rebooking gave them."""

    event_type: ClassVar[str] = EventType.ITINERARY_ACCEPTED


class ItineraryDeclined(PassengerChoice):
    """The passengers declined the new itinerary (its seats stay held until they choose again)."""

    event_type: ClassVar[str] = EventType.ITINERARY_DECLINED


class PassengerRefunded(PassengerChoice):
    """The passengers chose a refund instead of travelling (Art. 8(1)(a)): the rest of their journey is given up."""

    event_type: ClassVar[str] = EventType.PASSENGER_REFUNDED

    released: list[Leg]
    """The legs whose seats the refund gave back (partners' flights among them are told `rebooked_out`)."""
