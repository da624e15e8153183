"""Operations control (the Django admin) and its demo login."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flights.models import Airline, Airport, Flight
from lodging.models import Hotel, RoomNight
from passengers.models import Booking, Passenger, Segment
from tests.factories import (
    AirlineFactory,
    AirportFactory,
    FlightFactory,
    PassengerFactory,
    RoomNightFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Airline, Airport, Flight, Booking, Passenger, Segment, Hotel, RoomNight]
SECRET = "pa-hmac-7f3c9e1b2d"
DEPARTURE = dt.datetime(2026, 11, 25, 8, 25, tzinfo=dt.UTC)


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def add_journey(number: str) -> dict[type[models.Model], models.Model]:
    """One flight with a booked passenger, and a hotel with rooms: a row for every admin."""
    flight = FlightFactory(
        number=number, scheduled_departure=DEPARTURE, scheduled_arrival=DEPARTURE + dt.timedelta(hours=8)
    )
    segment = SegmentFactory(flight=flight)
    passenger = PassengerFactory(booking=segment.booking)
    room_night = RoomNightFactory()
    return {
        Airline: flight.carrier,
        Airport: flight.origin,
        Flight: flight,
        Booking: segment.booking,
        Passenger: passenger,
        Segment: segment,
        Hotel: room_night.hotel,
        RoomNight: room_night,
    }


@pytest.fixture
def objects() -> dict[type[models.Model], models.Model]:
    return add_journey("117")


@pytest.fixture
def partner() -> Airline:
    return AirlineFactory(
        code="PA", name="Partner Air", own=False, endpoint="https://partner.example/ptm", secret=SECRET
    )


@pytest.fixture
def operator(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


def results(operator: Client, model: type[models.Model], query: str) -> list[models.Model]:
    response = operator.get(admin_url(model, "changelist"), {"q": query})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_changelist_and_add_pages(operator: Client, objects: dict, model: type[models.Model], view: str) -> None:
    assert operator.get(admin_url(model, view)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_pages(operator: Client, objects: dict, model: type[models.Model]) -> None:
    assert operator.get(admin_url(model, "change", objects[model].pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelists_make_no_query_per_row(operator: Client, objects: dict, model: type[models.Model]) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert operator.get(admin_url(model, "changelist")).status_code == 200
        return len(captured)

    operator.get(admin_url(model, "changelist"))  # warm the session and content-type caches
    one_row = queries()
    for n, letter in enumerate("ABC"):
        add_journey(str(201 + n))
        AirportFactory(code=f"XX{letter}")
        AirlineFactory(code=f"X{letter}")
    assert queries() == one_row


@pytest.mark.parametrize("query", ["nv0117", "NV117", " nv117 ", "NV117/2026-11-25"])
def test_flight_search_by_designator(operator: Client, objects: dict, query: str) -> None:
    FlightFactory(number="1170")
    FlightFactory(number="117", service_date=dt.date(2026, 11, 26))
    found = results(operator, Flight, query)
    expected = Flight.objects.filter(number="117")
    if "/" in query:
        expected = expected.filter(service_date=dt.date(2026, 11, 25))
    assert sorted(f.pk for f in found) == sorted(f.pk for f in expected)
    assert objects[Flight] in found


def test_flight_search_still_finds_airports_and_gates(operator: Client, objects: dict) -> None:
    assert results(operator, Flight, "LHR") == [objects[Flight]]
    assert results(operator, Flight, "b32") == [objects[Flight]]
    assert results(operator, Flight, "CDG") == []


def test_booking_passenger_and_segment_search(operator: Client, objects: dict) -> None:
    booking, passenger = objects[Booking], objects[Passenger]
    assert results(operator, Booking, booking.locator.lower()) == [booking]
    assert results(operator, Booking, passenger.ref) == [booking]
    assert results(operator, Passenger, "lovelace ada") == [passenger]
    assert results(operator, Passenger, booking.locator) == [passenger]
    assert results(operator, Segment, "nv0117") == [objects[Segment]]
    assert results(operator, Segment, "NV118") == []


def test_segment_flight_autocomplete_understands_designators(operator: Client, objects: dict) -> None:
    FlightFactory(number="118")
    response = operator.get(
        reverse("admin:autocomplete"),
        {"app_label": "passengers", "model_name": "segment", "field_name": "flight", "term": "nv0117"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(objects[Flight].pk)]


def test_flight_changelist_shows_designator_and_local_departure(operator: Client, objects: dict) -> None:
    html = operator.get(admin_url(Flight, "changelist")).content.decode()
    assert ">NV117<" in html
    assert "25 Nov 08:25 GMT" in html
    assert "LHR → JFK" in html


def test_flight_counters_and_disruption_fields_are_read_only(operator: Client, objects: dict) -> None:
    change = operator.get(admin_url(Flight, "change", objects[Flight].pk)).content.decode()
    add = operator.get(admin_url(Flight, "add")).content.decode()
    for field in ("booked_f", "booked_j", "booked_y"):
        assert f'name="{field}"' not in change
        assert f'name="{field}"' not in add
    for field in ("status", "estimated_departure_0", "gate"):
        assert f'name="{field}"' not in change
        assert f'name="{field}"' in add
    assert 'name="seats_y"' in change


def test_partner_secret_is_never_shown(operator: Client, partner: Airline) -> None:
    changelist = operator.get(admin_url(Airline, "changelist")).content.decode()
    change = operator.get(admin_url(Airline, "change", partner.pk)).content.decode()

    assert "Partner Air" in changelist
    assert SECRET not in changelist
    assert SECRET not in change
    assert 'type="password" name="secret"' in change


def test_empty_secret_keeps_the_stored_one(operator: Client, partner: Airline) -> None:
    form = {"name": "Partner Airways", "endpoint": partner.endpoint, "secret": ""}

    response = operator.post(admin_url(Airline, "change", partner.pk), form)

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.secret) == ("Partner Airways", SECRET)
    assert LogEntry.objects.get().get_change_message() == "Changed Name."  # the secret did not change


def test_new_secret_replaces_the_stored_one(operator: Client, partner: Airline) -> None:
    form = {"name": partner.name, "endpoint": partner.endpoint, "secret": "rotated-secret"}

    assert operator.post(admin_url(Airline, "change", partner.pk), form).status_code == 302
    partner.refresh_from_db()
    assert partner.secret == "rotated-secret"


def test_demo_operator_can_log_in_and_is_reset(monkeypatch: pytest.MonkeyPatch, client: Client) -> None:
    monkeypatch.setenv("AIRLINE_DEMO", "1")
    call_command("create_demo_operator", stdout=StringIO())
    user = get_user_model().objects.get(username="operator")
    user.set_password("something-else")
    user.is_superuser = False
    user.save()

    out = StringIO()
    call_command("create_demo_operator", stdout=out)

    assert "Demo login: operator / airline-demo (local demo only)" in out.getvalue()
    assert "Administration: admin / airline-admin (superuser, local demo only)" in out.getvalue()
    login = client.post(reverse("admin:login"), {"username": "operator", "password": "airline-demo"})
    assert login.status_code == 302
    assert client.get(admin_url(Flight, "changelist")).status_code == 200
    operator = get_user_model().objects.get(username="operator")
    assert not operator.is_superuser and list(operator.groups.values_list("name", flat=True)) == [
        "Operations controller"
    ], "the demo shows the role-limited screens an operator works in"
    assert operator.has_perm("flights.disrupt_flight") and not operator.has_perm("auth.change_user")
    assert get_user_model().objects.get(username="admin").is_superuser


def test_demo_operator_is_refused_outside_the_local_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRLINE_DEMO", raising=False)
    assert connection.vendor != "sqlite", "the suite runs against PostgreSQL"

    with pytest.raises(CommandError, match="AIRLINE_DEMO=1"):
        call_command("create_demo_operator")

    assert not get_user_model().objects.filter(username__in=["operator", "admin"]).exists()
