"""Writing a checked scenario to the database: one transaction, bulk inserts, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from flights.designators import FlightRef
from flights.models import Airline, Airport, Flight, FlightStatus
from lodging.models import Hotel, RoomNight
from passengers.models import Booking, Passenger, Segment, SegmentStatus

from .conflicts import find_conflicts
from .deletion import delete_all
from .problems import InvalidScenario, Problem
from .progress import Advance, no_progress
from .records import BookingRecord, FlightRecord, Scenario
from .rows import BATCH_SIZE, insert_rows

# Referencing models before the models they reference.
SCENARIO_MODELS = (Segment, Passenger, Booking, RoomNight, Hotel, Flight, Airport, Airline)


@dataclass(frozen=True)
class Loaded:
    """How many rows of each kind a scenario added."""

    airlines: int
    airports: int
    hotels: int
    room_nights: int
    flights: int
    bookings: int
    passengers: int
    segments: int

    def __str__(self) -> str:
        return (
            f"{self.airlines} airlines, {self.airports} airports, "
            f"{self.hotels} hotels ({self.room_nights} room nights), {self.flights} flights, "
            f"{self.bookings} bookings ({self.passengers} passengers, {self.segments} segments)"
        )


def delete_scenario_data() -> None:
    """Delete the data of every earlier scenario, and what other apps keep about it (as their on_delete says)."""
    for model in SCENARIO_MODELS:
        delete_all(model)


def load_scenario(scenario: Scenario, *, replace: bool = False, advance: Advance = no_progress) -> Loaded:
    """Insert ``scenario`` in one transaction; with ``replace``, delete the earlier scenarios' data first.

    Raises :class:`InvalidScenario` (and changes nothing) when the scenario clashes with data already in the
    database or the database refuses it. ``advance(n)`` is called as bookings are inserted.
    """
    try:
        with transaction.atomic():
            if replace:
                delete_scenario_data()
            else:
                conflicts = find_conflicts(scenario)
                if conflicts:
                    raise InvalidScenario(conflicts)
            return _insert(scenario, advance)
    except (ProtectedError, RestrictedError) as exc:
        raise InvalidScenario([Problem("", f"the earlier scenarios cannot be replaced: {exc.args[0]}")]) from exc
    except (IntegrityError, DataError) as exc:
        # One line: PostgreSQL's message continues with a DETAIL line.
        message = " ".join(str(exc).split())
        raise InvalidScenario([Problem("", f"the database refused the scenario: {message}")]) from exc


def _flight(record: FlightRecord) -> Flight:
    designator = record.ref.designator
    return Flight(
        carrier_id=designator.carrier,
        number=designator.number_with_suffix,
        service_date=record.ref.date,
        origin_id=record.origin,
        destination_id=record.destination,
        scheduled_departure=record.departure,
        scheduled_arrival=record.arrival,
        estimated_departure=record.departure,
        estimated_arrival=record.arrival,
        status=FlightStatus.SCHEDULED,
        terminal=record.terminal,
        gate=record.gate,
        **{f"seats_{cabin.lower()}": seats for cabin, seats in record.seats.items()},
        **{f"booked_{cabin.lower()}": booked for cabin, booked in record.booked.items()},
    )


def _insert(scenario: Scenario, advance: Advance) -> Loaded:
    airlines = Airline.objects.bulk_create(
        Airline(code=a.code, name=a.name, own=a.own, endpoint=a.endpoint, secret=a.secret, country=a.country)
        for a in scenario.airlines
    )
    airports = Airport.objects.bulk_create(
        Airport(
            code=a.code,
            name=a.name,
            country=a.country,
            timezone=a.zone.key,
            latitude=a.latitude,
            longitude=a.longitude,
            min_connection_minutes=a.min_connection_minutes,
        )
        for a in scenario.airports
    )
    hotels = Hotel.objects.bulk_create(
        Hotel(code=h.code, airport_id=h.airport, name=h.name, rank=h.rank) for h in scenario.hotels
    )
    room_nights = RoomNight.objects.bulk_create(
        (
            RoomNight(hotel=hotel, night=night, rooms=rooms)
            for hotel, record in zip(hotels, scenario.hotels, strict=True)
            for night, rooms in record.rooms.items()
        ),
        batch_size=BATCH_SIZE,
    )
    flights = Flight.objects.bulk_create((_flight(f) for f in scenario.flights), batch_size=BATCH_SIZE)
    flight_ids = {record.ref: flight.pk for record, flight in zip(scenario.flights, flights, strict=True)}
    passengers = segments = 0
    for start in range(0, len(scenario.bookings), BATCH_SIZE):
        records = scenario.bookings[start : start + BATCH_SIZE]
        added_passengers, added_segments = _insert_bookings(records, flight_ids)
        passengers += added_passengers
        segments += added_segments
        advance(len(records))
    return Loaded(
        airlines=len(airlines),
        airports=len(airports),
        hotels=len(hotels),
        room_nights=len(room_nights),
        flights=len(flights),
        bookings=len(scenario.bookings),
        passengers=passengers,
        segments=segments,
    )


def _insert_bookings(records: list[BookingRecord], flight_ids: dict[FlightRef, int]) -> tuple[int, int]:
    """Insert bookings with their passengers and segments; return how many passengers and segments."""
    bookings = Booking.objects.bulk_create(Booking(locator=record.locator) for record in records)
    pairs = list(zip(bookings, records, strict=True))
    passengers = insert_rows(
        Passenger,
        ("booking_id", "ref", "first_name", "last_name", "email", "phone", "tier", "assistance"),
        (
            (booking.pk, p.ref, p.first_name, p.last_name, p.email, p.phone, p.tier, p.assistance)
            for booking, record in pairs
            for p in record.passengers
        ),
    )
    segments = insert_rows(
        Segment,
        ("booking_id", "position", "flight_id", "cabin", "status"),
        (
            (booking.pk, position, flight_ids[s.flight], s.cabin, SegmentStatus.ACTIVE)
            for booking, record in pairs
            for position, s in enumerate(record.segments, start=1)
        ),
    )
    return passengers, segments
