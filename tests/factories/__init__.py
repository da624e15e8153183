"""factory_boy factories for the data model."""

from __future__ import annotations

import datetime as dt

import factory

from flights.models import Airline, Airport, Flight
from lodging.models import Hotel, RoomNight
from passengers.models import Booking, Passenger, Segment

UTC = dt.UTC


class AirlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Airline
        django_get_or_create = ("code",)

    code = "NV"
    name = "Novair"
    own = True


class AirportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Airport
        django_get_or_create = ("code",)

    code = "LHR"
    name = factory.LazyAttribute(lambda o: f"{o.code} Airport")
    country = "GB"
    timezone = "Europe/London"
    latitude = 51.47
    longitude = -0.45
    min_connection_minutes = 60


class FlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flight

    carrier = factory.SubFactory(AirlineFactory)
    number = factory.Sequence(lambda n: str(100 + n))
    service_date = dt.date(2026, 11, 25)
    origin = factory.SubFactory(AirportFactory, code="LHR")
    destination = factory.SubFactory(
        AirportFactory, code="JFK", country="US", timezone="America/New_York", latitude=40.64, longitude=-73.78
    )
    scheduled_departure = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.service_date, dt.time(9, 0), tzinfo=UTC)
    )
    scheduled_arrival = factory.LazyAttribute(lambda o: o.scheduled_departure + dt.timedelta(hours=8))
    estimated_departure = factory.LazyAttribute(lambda o: o.scheduled_departure)
    estimated_arrival = factory.LazyAttribute(lambda o: o.scheduled_arrival)
    seats_j = 20
    seats_y = 150
    terminal = "5"
    gate = "B32"


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    locator = factory.Sequence(lambda n: f"BK{n:04d}")


class PassengerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Passenger

    booking = factory.SubFactory(BookingFactory)
    ref = factory.Sequence(lambda n: f"PAX-{n}")
    first_name = "Ada"
    last_name = "Lovelace"
    email = factory.LazyAttribute(lambda o: f"{o.ref.lower()}@example.org")
    phone = "+447700900123"


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    booking = factory.SubFactory(BookingFactory)
    position = 1
    flight = factory.SubFactory(FlightFactory)
    cabin = "Y"


class HotelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotel

    code = factory.Sequence(lambda n: f"LHR-H{n}")
    airport = factory.SubFactory(AirportFactory, code="LHR")
    name = "Heathrow Gateway Hotel"


class RoomNightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomNight

    hotel = factory.SubFactory(HotelFactory)
    night = dt.date(2026, 11, 25)
    rooms = 10
