"""Lodging's writes: hotel rooms for passengers stranded overnight, taken from inventory that is never oversold."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import F

from events.contracts import EventFacts
from events.services import publish
from flights.models import Flight, FlightStatus
from flights.payloads import FlightDelayed
from flights.selectors import regimes_of
from passengers.models import Passenger
from passengers.selectors import bookings_on_flight
from rebooking.payloads import PassengerReaccommodated, ReaccommodatedParty
from rights.hotels import hotel_night, night_after_reaccommodation, rooms_needed
from rights.regime import Regime

from .allocation import RoomRequest, fill
from .models import Hotel, HotelStay, RoomNight, StayCause, StayStatus
from .payloads import HotelBooked
from .selectors import airport_timezones, nights_taken, ranked_room_nights

NOTHING = {"booked": 0, "unaccommodated": 0, "rooms": 0}


@dataclass(frozen=True)
class Lodger:
    """One booking's passengers who need a room at ``airport`` for ``night``."""

    booking_id: int
    locator: str
    passenger_ids: tuple[int, ...]
    airport: str
    night: dt.date
    cause: StayCause


def lodge_after_delay(delay: FlightDelayed, *, cause: EventFacts) -> dict[str, Any]:
    """Origin overnight (POLICY "Hotel stays"): when a delay moves the departure to a later local date, everyone
    booked on the flight when it was delayed needs a room at the origin for the night of the scheduled departure
    date. Only where the flight's regime gives care (none under ``none``; read only once a night is owed, as most
    delays owe none)."""
    night = hotel_night(
        since=delay.scheduled_departure,
        departs=delay.estimated_departure,
        timezone=airport_timezones([delay.origin])[delay.origin],
    )
    if night is None or not _care_applies(delay.flight_id):
        return dict(NOTHING)
    lodgers = [
        Lodger(booking.booking_id, booking.locator, booking.passenger_ids, delay.origin, night, StayCause.DELAY)
        for booking in bookings_on_flight(delay.flight_id, as_of=cause.occurred_at)
    ]
    return book_stays(lodgers, flight_id=delay.flight_id, flight=delay.flight, cause=cause)


def lodge_after_reaccommodation(reaccommodation: PassengerReaccommodated, *, cause: EventFacts) -> dict[str, Any]:
    """Overnight stays of reaccommodated parties, where the disrupted flight's regime gives care (POLICY "Hotel
    stays"): after a cancellation, at the origin when the new itinerary departs a later local date than the
    cancelled flight's scheduled departure; after a missed connection, at the connecting airport when the new
    onward flight departs a later local date than the arrival there, or, when none could be found, for the night
    of the arrival date there. Unprotected parties after a cancellation get no automatic stay: operators decide
    for them."""
    zones = airport_timezones({party.disruption_airport for party in reaccommodation.parties})
    lodgers = []
    for party in reaccommodation.parties:
        owed = _stay_owed(party, reaccommodation, zones[party.disruption_airport])
        if owed is not None:
            night, stay_cause = owed
            airport = party.disruption_airport
            lodgers.append(
                Lodger(party.booking_id, party.locator, tuple(party.passenger_ids), airport, night, stay_cause)
            )
    if not lodgers or not _care_applies(reaccommodation.flight_id):
        return dict(NOTHING)
    return book_stays(lodgers, flight_id=reaccommodation.flight_id, flight=reaccommodation.flight, cause=cause)


def _care_applies(flight_id: int) -> bool:
    """Whether the disrupted flight's regime gives its passengers care (POLICY "Which law applies"; one query)."""
    return regimes_of([flight_id])[flight_id] is not Regime.NONE


def _stay_owed(
    party: ReaccommodatedParty, reaccommodation: PassengerReaccommodated, timezone: str
) -> tuple[dt.date, StayCause] | None:
    """The night ``party`` needs a room at its disruption airport (of IANA ``timezone``) and why, or None."""
    night = night_after_reaccommodation(
        cancelled=party.cancelled,
        rebooked=party.rebooked,
        unprotected=party.unprotected,
        first_departure=party.first_departure,
        scheduled_departure=reaccommodation.scheduled_departure,
        arrival=reaccommodation.estimated_arrival,
        timezone=timezone,
    )
    if night is None:
        return None
    if party.cancelled:
        return night, StayCause.CANCELLATION
    return night, StayCause.MISCONNECT if party.rebooked else StayCause.STRANDED


def book_stays(lodgers: list[Lodger], *, flight_id: int, flight: str, cause: EventFacts) -> dict[str, Any]:
    """Give every lodger's passengers a stay: rooms in the best-ranked hotel with room for the whole booking, or
    ``unaccommodated`` for every passenger of the booking when none has. Publishes ``hotel.booked`` when it made a
    stay. In bulk: a constant number of queries plus one per hotel at the airport.

    Idempotent: passengers who already have a stay for the night are left out (and the database holds one stay
    per passenger per night).
    """
    taken = nights_taken({p for lodger in lodgers for p in lodger.passenger_ids}, {lodger.night for lodger in lodgers})
    lodgers = [_without(lodger, taken) for lodger in lodgers]
    lodgers = [lodger for lodger in lodgers if lodger.passenger_ids]
    if not lodgers:
        return dict(NOTHING)
    offer = ranked_room_nights({lodger.airport for lodger in lodgers}, {lodger.night for lodger in lodgers})
    by_place: dict[tuple[str, dt.date], list[Lodger]] = defaultdict(list)
    for lodger in lodgers:
        by_place[lodger.airport, lodger.night].append(lodger)
    placed: dict[tuple[int, dt.date], RoomNight] = {}
    for (airport, night), group in by_place.items():
        requests = [RoomRequest(lodger.booking_id, rooms_needed(len(lodger.passenger_ids))) for lodger in group]
        hotels = [(room_night, room_night.rooms_free) for room_night in offer[airport, night]]
        for booking_id, room_night in fill(hotels, requests, _take_rooms).items():
            placed[booking_id, night] = room_night
    stays = HotelStay.objects.bulk_create(
        _stay(flight_id, lodger, passenger_id, placed.get((lodger.booking_id, lodger.night)))
        for lodger in lodgers
        for passenger_id in lodger.passenger_ids
    )
    locators = {lodger.booking_id: lodger.locator for lodger in lodgers}
    publish(
        HotelBooked.of(flight_id=flight_id, flight=flight, stays=stays, locators=locators),
        flight_id=flight_id,
        caused_by=cause,
    )
    booked = sum(stay.status == StayStatus.BOOKED for stay in stays)
    rooms = sum(
        rooms_needed(len(lodger.passenger_ids)) for lodger in lodgers if (lodger.booking_id, lodger.night) in placed
    )
    return {"booked": booked, "unaccommodated": len(stays) - booked, "rooms": rooms}


def _without(lodger: Lodger, taken: set[tuple[int, dt.date]]) -> Lodger:
    return replace(lodger, passenger_ids=tuple(p for p in lodger.passenger_ids if (p, lodger.night) not in taken))


def _take_rooms(room_night: RoomNight, rooms: int) -> bool:
    """Claim ``rooms`` of a hotel's night if they are still free: one conditional UPDATE, so two handlers can never
    oversell it (a concurrent claim waits for the row and then re-checks the condition); the database's check
    constraint is the last guard."""
    claimed = RoomNight.objects.filter(id=room_night.id, rooms_used__lte=F("rooms") - rooms).update(
        rooms_used=F("rooms_used") + rooms
    )
    return claimed == 1


def _stay(flight_id: int, lodger: Lodger, passenger_id: int, room_night: RoomNight | None) -> HotelStay:
    return HotelStay(
        passenger_id=passenger_id,
        booking_id=lodger.booking_id,
        airport_id=lodger.airport,
        night=lodger.night,
        hotel=room_night.hotel if room_night else None,
        rooms=rooms_needed(len(lodger.passenger_ids)) if room_night else 0,
        status=StayStatus.BOOKED if room_night else StayStatus.UNACCOMMODATED,
        cause=lodger.cause,
        flight_id=flight_id,
    )


class NotBookable(ValueError):
    """A room an operator cannot book by hand as asked; nothing was changed."""


@transaction.atomic
def book_by_hand(
    *,
    passenger_ids: Collection[int],
    hotel: Hotel,
    night: dt.date,
    flight_id: int,
    by: str,
    reference: str = "",
    cause: EventFacts,
) -> list[HotelStay]:
    """An operator books ``hotel`` for ``night`` for passengers of one booking stranded by the disruption of
    ``flight_id`` (``cause``: its root event). They share rooms as lodging's would (POLICY "Hotel stays"), taken
    from the hotel's inventory for the night where it has one; their unaccommodated stays that night become
    booked, the others get a stay. Publishes ``hotel.booked`` (``booked_by``) in the disruption's flow.

    Raises :class:`NotBookable`, changing nothing, for passengers of several bookings, one who already has a room
    that night or is stranded at another airport, or a hotel without the rooms free.
    """
    passengers = list(Passenger.objects.filter(id__in=passenger_ids).select_related("booking").order_by("id"))
    if not passengers or len(passengers) != len(set(passenger_ids)) or len({p.booking_id for p in passengers}) > 1:
        raise NotBookable("a room is booked for passengers of one booking")
    stays = {
        stay.passenger_id: stay
        for stay in HotelStay.objects.select_for_update().filter(passenger__in=passengers, night=night)
    }
    for stay in stays.values():
        if stay.status == StayStatus.BOOKED:
            raise NotBookable(f"passenger {stay.passenger_id} already has a room on {night:%d %b}")
        if stay.airport_id != hotel.airport_id:
            raise NotBookable(f"passenger {stay.passenger_id} is stranded at {stay.airport_id}, not {hotel.airport_id}")
    rooms = rooms_needed(len(passengers))
    room_night = RoomNight.objects.filter(hotel=hotel, night=night).first()
    if room_night is not None and not _take_rooms(room_night, rooms):
        raise NotBookable(f"{hotel.code} has not {rooms} room(s) free on {night:%d %b} (it is full)")
    flight = Flight.objects.select_related("carrier").get(id=flight_id)
    booked = []
    for passenger in passengers:
        stay = stays.get(passenger.id) or HotelStay(
            passenger=passenger,
            booking_id=passenger.booking_id,
            airport_id=hotel.airport_id,
            night=night,
            cause=_cause_at(flight, hotel.airport_id),
            flight=flight,
        )
        stay.hotel, stay.rooms, stay.status = hotel, rooms, StayStatus.BOOKED
        stay.booked_by, stay.reference = by, reference
        stay.save()
        booked.append(stay)
    locators = {passengers[0].booking_id: passengers[0].booking.locator}
    publish(
        HotelBooked.of(flight_id=flight_id, flight=str(flight.ref), stays=booked, locators=locators, booked_by=by),
        flight_id=flight_id,
        caused_by=cause,
    )
    return booked


def _cause_at(flight: Flight, airport: str) -> StayCause:
    """Why a stay booked by hand at ``airport`` is owed: stranded at the connection, or at the origin."""
    if airport == flight.destination_id:
        return StayCause.MISCONNECT
    return StayCause.CANCELLATION if flight.status == FlightStatus.CANCELLED else StayCause.DELAY
