"""The scenario contract's rules (SCENARIO.md, "Rules the loader enforces"), checked without the database.

:func:`check_document` runs the whole check on a parsed document: the JSON schema, the optional rebase,
then the rules. It returns the typed :class:`~scenarios.records.Scenario` or raises
:class:`~scenarios.problems.InvalidScenario` listing every problem found.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.db import models

from flights.designators import FlightRef, InvalidDesignator, parse_designator, parse_flight_ref, parse_service_date
from flights.models import Airline, Airport, Flight
from lodging.models import Hotel
from passengers.models import Passenger, Tier

from . import airports as airport_db
from .countries import is_country
from .problems import InvalidScenario, Parts, Problem, pointer
from .progress import Advance, no_progress
from .rebase import rebase
from .records import (
    AirlineRecord,
    AirportRecord,
    BookingRecord,
    FlightRecord,
    HotelRecord,
    PassengerRecord,
    Scenario,
    SegmentRecord,
)
from .schema import schema_problems

DEFAULT_MIN_CONNECTION_MINUTES = 60
DEFAULT_TIER = Tier.NONE.value


def _max_length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


# Text the schema leaves unbounded but the database columns do not.
AIRLINE_LIMITS = {field: _max_length(Airline, field) for field in ("name", "endpoint", "secret")}
AIRPORT_LIMITS = {"name": _max_length(Airport, "name")}
HOTEL_LIMITS = {"name": _max_length(Hotel, "name")}
FLIGHT_LIMITS = {field: _max_length(Flight, field) for field in ("terminal", "gate")}
PASSENGER_LIMITS = {field: _max_length(Passenger, field) for field in ("first_name", "last_name", "email", "phone")}


def check_document(document: Any, *, rebase_to: dt.date | None = None, advance: Advance = no_progress) -> Scenario:
    """The checked scenario of ``document``, moved to start on ``rebase_to`` when given.

    Raises :class:`InvalidScenario` with every schema problem, or else every rule problem (the rules are
    only checked on a schema-valid document). ``advance(n)`` reports progress through the schema check.
    """
    problems = schema_problems(document, advance)
    if problems:
        raise InvalidScenario(problems)
    if rebase_to is not None:
        document = rebase(document, rebase_to, airport_db.zones(document["airports"]))
    rules = _Rules()
    scenario = rules.check(document)
    if rules.problems:
        raise InvalidScenario(rules.problems)
    return scenario


def _local(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} {zone}"


class _Rules:
    """One pass over a schema-valid document, collecting the problems and the records."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.airlines: dict[str, AirlineRecord] = {}
        self.airports: dict[str, AirportRecord] = {}
        self.flights: dict[FlightRef, FlightRecord] = {}
        # Flights whose problems make checking the bookings against them pointless (already reported).
        self.broken_flights: set[FlightRef] = set()
        self._first_seen: dict[str, dict[Hashable, Parts]] = {}
        # Bookings name the same flights over and over: each text is parsed once.
        self._segment_refs: dict[str, FlightRef] = {}

    def check(self, document: Mapping[str, Any]) -> Scenario:
        self.check_airlines(document["airlines"])
        self.check_airports(document["airports"])
        hotels = self.check_hotels(document.get("hotels", []))
        self.check_flights(document["flights"])
        bookings = [self.check_booking(index, entry) for index, entry in enumerate(document["bookings"])]
        self.check_capacity()
        return Scenario(
            name=document.get("name", ""),
            airlines=list(self.airlines.values()),
            airports=list(self.airports.values()),
            hotels=hotels,
            flights=list(self.flights.values()),
            bookings=bookings,
        )

    def report(self, path: Parts, message: str) -> None:
        self.problems.append(Problem(pointer(*path), message))

    def is_new(self, kind: str, key: Hashable, label: str, path: Parts) -> bool:
        """Whether ``key`` is met for the first time among the ``kind``; a repeat is reported."""
        seen = self._first_seen.setdefault(kind, {})
        first = seen.get(key)
        if first is None:
            seen[key] = path
            return True
        self.report(path, f"{label} is listed twice (first at {pointer(*first)})")
        return False

    def is_listed(self, kind: str, code: str, section: str, path: Parts) -> None:
        """Report a ``code`` that no entry of ``section`` (of the ``kind``, valid or not) has."""
        if code not in self._first_seen.get(kind, {}):
            self.report(path, f"{code} is not listed in /{section}")

    def check_lengths(self, entry: Mapping[str, Any], limits: Mapping[str, int], path: Parts) -> None:
        for field, limit in limits.items():
            if len(entry.get(field, "")) > limit:
                self.report((*path, field), f"is {len(entry[field])} characters long; at most {limit} are allowed")

    def check_country(self, entry: Mapping[str, Any], path: Parts) -> None:
        """Report a ``country`` the entry gives that names no country (the schema checked its form)."""
        country = entry.get("country")
        if country is not None and not is_country(country):
            self.report((*path, "country"), f"{country} is not an ISO 3166-1 alpha-2 country code")

    def check_airlines(self, entries: list[dict[str, Any]]) -> None:
        for index, entry in enumerate(entries):
            code, path = entry["code"], ("airlines", index)
            if not self.is_new("airline", code, f"airline {code}", (*path, "code")):
                continue
            self.check_lengths(entry, AIRLINE_LIMITS, path)
            self.check_country(entry, path)
            missing = [field for field in ("endpoint", "secret") if field not in entry]
            if not entry["own"] and missing:
                self.report(path, f"partner airline {code} (own: false) needs {' and '.join(missing)} to be notified")
            endpoint = entry.get("endpoint", "")
            if endpoint and not urlsplit(endpoint).hostname:
                self.report((*path, "endpoint"), f"{endpoint!r} is not an http/https URL")
            self.airlines[code] = AirlineRecord(
                index=index,
                code=code,
                name=entry["name"],
                own=entry["own"],
                endpoint=endpoint,
                secret=entry.get("secret", ""),
                country=entry.get("country", ""),
            )

    def check_airports(self, entries: list[dict[str, Any]]) -> None:
        for index, entry in enumerate(entries):
            code, path = entry["code"], ("airports", index)
            if not self.is_new("airport", code, f"airport {code}", (*path, "code")):
                continue
            self.check_country(entry, path)
            full = airport_db.complete(entry)
            missing = [fact for fact in airport_db.FACTS if fact not in full]
            if missing:
                self.report(path, f"{code} is not a known IATA airport, so it needs {', '.join(missing)}")
                continue
            self.check_lengths(full, AIRPORT_LIMITS, path)
            zone = airport_db.zone(full["timezone"])
            if zone is None:
                self.report((*path, "timezone"), f"{full['timezone']!r} is not an IANA timezone")
                continue
            self.airports[code] = AirportRecord(
                index=index,
                code=code,
                name=full["name"],
                country=full["country"],
                zone=zone,
                latitude=full["latitude"],
                longitude=full["longitude"],
                min_connection_minutes=entry.get("min_connection_minutes", DEFAULT_MIN_CONNECTION_MINUTES),
            )

    def check_hotels(self, entries: list[dict[str, Any]]) -> list[HotelRecord]:
        hotels = []
        ranks: Counter[str] = Counter()
        for index, entry in enumerate(entries):
            code, airport, path = entry["code"], entry["airport"], ("hotels", index)
            if not self.is_new("hotel", code, f"hotel {code}", (*path, "code")):
                continue
            self.check_lengths(entry, HOTEL_LIMITS, path)
            self.is_listed("airport", airport, "airports", (*path, "airport"))
            rooms = {}
            for night, count in entry["rooms"].items():
                try:
                    rooms[parse_service_date(night)] = count
                except InvalidDesignator as exc:
                    self.report((*path, "rooms", night), str(exc))
            # Operators rank the hotels of an airport; a scenario ranks them in the order it lists them.
            ranks[airport] += 1
            hotels.append(
                HotelRecord(
                    index=index, code=code, airport=airport, name=entry["name"], rank=ranks[airport], rooms=rooms
                )
            )
        return hotels

    def check_flights(self, entries: list[dict[str, Any]]) -> None:
        for index, entry in enumerate(entries):
            path = ("flights", index)
            carrier, origin, destination = entry["carrier"], entry["origin"], entry["destination"]
            self.is_listed("airline", carrier, "airlines", (*path, "carrier"))
            self.is_listed("airport", origin, "airports", (*path, "origin"))
            self.is_listed("airport", destination, "airports", (*path, "destination"))
            if origin == destination:
                self.report((*path, "destination"), f"the flight departs from and arrives at the same airport {origin}")
            self.check_lengths(entry, FLIGHT_LIMITS, path)
            ref = self.flight_ref(entry, path)
            departure, arrival = self.moment(entry, "departure", path), self.moment(entry, "arrival", path)
            if departure is not None and arrival is not None:
                self.check_times(entry, ref, departure, arrival, path)
            if ref is None or not self.is_new("flight", ref, f"flight {ref}", path):
                continue
            if departure is None or arrival is None:
                self.broken_flights.add(ref)
                continue
            self.flights[ref] = FlightRecord(
                index=index,
                ref=ref,
                origin=origin,
                destination=destination,
                departure=departure,
                arrival=arrival,
                seats=entry["seats"],
                terminal=entry.get("terminal", ""),
                gate=entry.get("gate", ""),
            )

    def flight_ref(self, entry: Mapping[str, Any], path: Parts) -> FlightRef | None:
        """The flight's normalised designator and service date, when both can be read."""
        try:
            designator = parse_designator(entry["carrier"] + entry["number"])
        except InvalidDesignator as exc:
            self.report((*path, "number"), str(exc))
            designator = None
        try:
            date = parse_service_date(entry["date"])
        except InvalidDesignator as exc:
            self.report((*path, "date"), str(exc))
            return None
        return None if designator is None else FlightRef(designator=designator, date=date)

    def moment(self, entry: Mapping[str, Any], field: str, path: Parts) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(entry[field]).astimezone(dt.UTC)
        except ValueError:
            self.report((*path, field), f"{entry[field]!r} is not a date and time")
            return None

    def check_times(
        self,
        entry: Mapping[str, Any],
        ref: FlightRef | None,
        departure: dt.datetime,
        arrival: dt.datetime,
        path: Parts,
    ) -> None:
        if arrival <= departure:
            self.report(
                (*path, "arrival"),
                f"the arrival ({_local(arrival, dt.UTC)}) is not after the departure ({_local(departure, dt.UTC)})",
            )
        origin = self.airports.get(entry["origin"])
        if ref is None or origin is None:
            return
        local_date = departure.astimezone(origin.zone).date()
        if local_date != ref.date:
            self.report(
                (*path, "date"),
                f"{ref.date} is not the local date of the departure at {origin.code} "
                f"({_local(departure, origin.zone)}): the service date is {local_date}",
            )

    def check_booking(self, index: int, entry: Mapping[str, Any]) -> BookingRecord:
        path = ("bookings", index)
        locator = entry["locator"]
        self.is_new("booking", locator, f"locator {locator}", (*path, "locator"))
        passengers = [
            self.check_passenger(position, passenger, (*path, "passengers", position))
            for position, passenger in enumerate(entry["passengers"])
        ]
        segments = self.check_segments(entry["segments"], len(passengers), path)
        return BookingRecord(index=index, locator=locator, passengers=passengers, segments=segments)

    def check_passenger(self, index: int, entry: Mapping[str, Any], path: Parts) -> PassengerRecord:
        ref = entry["id"]
        self.is_new("passenger", ref, f"passenger id {ref}", (*path, "id"))
        self.check_lengths(entry, PASSENGER_LIMITS, path)
        return PassengerRecord(
            index=index,
            ref=ref,
            first_name=entry["first_name"],
            last_name=entry["last_name"],
            email=entry.get("email", ""),
            phone=entry.get("phone", ""),
            tier=entry.get("tier", DEFAULT_TIER),
            assistance=entry.get("assistance", []),
        )

    def check_segments(self, entries: list[dict[str, Any]], party: int, booking_path: Parts) -> list[SegmentRecord]:
        """The segments of a booking of ``party`` passengers, counted into their flights' cabins."""
        segments = []
        previous: FlightRecord | None = None
        for index, entry in enumerate(entries):
            path = (*booking_path, "segments", index)
            flight = self.segment_flight(entry["flight"], (*path, "flight"))
            if flight is not None:
                cabin = entry["cabin"]
                if cabin in flight.seats:
                    flight.booked[cabin] += party
                else:
                    self.report(
                        (*path, "cabin"), f"{flight.ref} has no cabin {cabin} (it has {', '.join(flight.seats)})"
                    )
                if previous is not None:
                    self.check_connection(previous, flight, path)
                segments.append(SegmentRecord(flight=flight.ref, cabin=cabin))
            previous = flight
        return segments

    def segment_flight(self, text: str, path: Parts) -> FlightRecord | None:
        ref = self._segment_refs.get(text)
        if ref is None:
            try:
                ref = self._segment_refs[text] = parse_flight_ref(text)
            except InvalidDesignator as exc:
                self.report(path, str(exc))
                return None
        flight = self.flights.get(ref)
        if flight is None and ref not in self.broken_flights:
            self.report(path, f"flight {ref} is not in /flights")
        return flight

    def check_connection(self, previous: FlightRecord, flight: FlightRecord, path: Parts) -> None:
        if previous.destination != flight.origin:
            self.report(
                path,
                f"{flight.ref} departs from {flight.origin} but the previous segment, {previous.ref}, "
                f"arrives at {previous.destination}: consecutive segments must connect",
            )
            return
        airport = self.airports.get(flight.origin)
        if airport is None:
            return
        connection, zone = flight.departure - previous.arrival, airport.zone
        if connection < dt.timedelta(minutes=airport.min_connection_minutes):
            self.report(
                path,
                f"the connection at {airport.code} from {previous.ref} (arrives {_local(previous.arrival, zone)}) "
                f"to {flight.ref} (departs {_local(flight.departure, zone)}) is "
                f"{connection.total_seconds() / 60:.0f} minutes; the minimum connection time there is "
                f"{airport.min_connection_minutes} minutes",
            )

    def check_capacity(self) -> None:
        for flight in self.flights.values():
            for cabin, booked in flight.booked.items():
                if booked > flight.seats[cabin]:
                    self.report(
                        ("flights", flight.index, "seats", cabin),
                        f"{flight.ref} has {flight.seats[cabin]} seats in cabin {cabin} "
                        f"but {booked} passengers are booked into it",
                    )
