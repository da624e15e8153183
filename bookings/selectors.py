"""What a passenger app shows of a booking after a disruption, gathered from the apps that acted on it.

The journey now and the latest reaccommodation's old and new journeys (each flight as it is now), every
passenger's meal vouchers, hotel stays, compensation and notices of rights (rendered as they were sent), and
whether a refund may be chosen: in a fixed number of queries, however many passengers, flights and records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from compensation.models import Entitlement
from flights.models import Flight
from lodging.models import HotelStay
from notifications.models import PassengerMessage, PassengerMessageKind
from notifications.rendering import Text, render
from passengers.models import Booking, Passenger, SegmentStatus
from rebooking.choices import passenger_choices
from rebooking.models import Reaccommodation
from rebooking.refusals import Refusal
from rebooking.selectors import refund_refused
from vouchers.models import MealVoucher


@dataclass(frozen=True)
class Leg:
    """One flight of a journey, as it is now, and the cabin booked on it."""

    flight: Flight
    cabin: str


@dataclass(frozen=True)
class Rebooking:
    """The booking's latest reaccommodation: the journey it replaced, the new one, and the choices open now."""

    case: Reaccommodation
    old: list[Leg]
    new: list[Leg]
    choices: list[str]


@dataclass(frozen=True)
class RefundOption:
    """Whether the booking may choose a refund now, and if not why (POLICY sets no deadline: the right follows
    the flight as it is now, ``rebooking.refund_right``)."""

    allowed: bool
    refusal: Refusal | None


@dataclass(frozen=True)
class RightsNotice:
    """A notice of rights sent to the passenger, with the text they were sent."""

    flight: Flight
    regime: str
    text: Text


@dataclass(frozen=True)
class PassengerCare:
    """What one passenger of the booking was given and is owed."""

    passenger: Passenger
    meal_vouchers: list[MealVoucher]
    hotel_stays: list[HotelStay]
    compensation: Entitlement | None
    rights_notices: list[RightsNotice]


@dataclass(frozen=True)
class BookingView:
    booking: Booking
    journey: list[Leg]
    reaccommodation: Rebooking | None
    refund: RefundOption
    passengers: list[PassengerCare]


def booking_view(booking: Booking) -> BookingView:
    """The passenger's view of ``booking`` (its passengers prefetched, as ``booking_for`` gives it), in nine
    queries whatever it holds (the refund right reads the booking's case and journey again)."""
    passengers = list(booking.passengers.all())
    segments = list(booking.segments.filter(status=SegmentStatus.ACTIVE).order_by("position"))
    case = (
        Reaccommodation.objects.filter(booking=booking)
        .select_related("disrupted_flight")
        .order_by("-created_at", "-id")
        .first()
    )
    case_legs = [*case.old, *case.new] if case else []
    flights = Flight.objects.select_related("origin", "destination").in_bulk(
        {segment.flight_id for segment in segments} | {leg["flight_id"] for leg in case_legs}
    )
    refused = refund_refused(booking.id)
    refund = RefundOption(allowed=refused is None, refusal=refused.reason if refused else None)
    rebooking = None
    if case is not None:
        rebooking = Rebooking(
            case=case,
            old=_legs(case.old, flights),
            new=_legs(case.new, flights),
            choices=passenger_choices(case, refund_allowed=refund.allowed),
        )
    return BookingView(
        booking=booking,
        journey=[Leg(flights[segment.flight_id], segment.cabin) for segment in segments],
        reaccommodation=rebooking,
        refund=refund,
        passengers=_care(passengers),
    )


def _legs(legs: list[dict[str, Any]], flights: dict[int, Flight]) -> list[Leg]:
    return [Leg(flights[leg["flight_id"]], leg["cabin"]) for leg in legs]


def _care(passengers: list[Passenger]) -> list[PassengerCare]:
    """Each passenger's vouchers, stays, compensation and notices of rights (one query per kind of record)."""
    by_id = {passenger.id: passenger for passenger in passengers}
    vouchers = defaultdict(list)
    for voucher in MealVoucher.objects.filter(passenger__in=passengers).select_related("flight").order_by("issued_at"):
        vouchers[voucher.passenger_id].append(voucher)
    stays = defaultdict(list)
    for stay in HotelStay.objects.filter(passenger__in=passengers).select_related("hotel").order_by("night"):
        stays[stay.passenger_id].append(stay)
    compensation = {e.passenger_id: e for e in Entitlement.objects.filter(passenger__in=passengers)}  # one per journey
    notices = _rights_notices(by_id)
    return [
        PassengerCare(
            passenger=passenger,
            meal_vouchers=vouchers[passenger.id],
            hotel_stays=stays[passenger.id],
            compensation=compensation.get(passenger.id),
            rights_notices=notices[passenger.id],
        )
        for passenger in passengers
    ]


def _rights_notices(passengers: dict[int, Passenger]) -> dict[int, list[RightsNotice]]:
    """The notices of rights sent to ``passengers``, one per passenger and flight (the email and the SMS of a
    notice carry the same text), rendered by the sender's renderer."""
    messages = (
        PassengerMessage.objects.filter(passenger_id__in=passengers, kind=PassengerMessageKind.RIGHTS_NOTICE)
        .select_related("event", "flight")
        .order_by("created_at", "channel")
    )
    notices: dict[int, dict[int, RightsNotice]] = defaultdict(dict)
    for message in messages:
        if message.flight_id in notices[message.passenger_id]:
            continue
        message.passenger = passengers[message.passenger_id]  # the template greets the passenger: no query for it
        flight = cast(Flight, message.flight)  # a notice of rights always names its flight (a check constraint)
        notices[message.passenger_id][flight.id] = RightsNotice(flight, message.context["regime"], render(message))
    return defaultdict(list, {passenger_id: list(sent.values()) for passenger_id, sent in notices.items()})
