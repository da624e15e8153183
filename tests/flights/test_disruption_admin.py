"""Operators disrupt flights from the admin through forms calling the same services as ``disrupt``."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User

from events.models import Event
from tests.factories import FlightFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def controller(client):
    user = User.objects.create_user("ops", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="disrupt_flight"), Permission.objects.get(codename="view_flight")
    )
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_flight"))
    client.force_login(user)
    return client


def test_a_controller_delays_a_flight_and_lands_on_its_disruption(controller) -> None:
    flight = FlightFactory()
    response = controller.post(f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": 200, "reason": "TECH"})
    event = Event.objects.get(flight=flight)
    assert response.status_code == 302 and response.url == f"/admin/events/event/{event.pk}/change/"
    assert event.payload["delay_minutes"] == 200
    assert LogEntry.objects.filter(object_id=str(flight.pk), change_message__contains="Delay").exists()


@pytest.mark.parametrize("minutes", ["-1", "2881", "ten", ""])
def test_bad_delays_are_refused_and_change_nothing(controller, minutes: str) -> None:
    flight = FlightFactory()
    response = controller.post(f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": minutes, "reason": "TECH"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Event.objects.exists()


def test_cancel_and_gate_forms(controller) -> None:
    flight = FlightFactory()
    controller.post(f"/admin/flights/flight/{flight.pk}/gate/", {"gate": "c7", "terminal": "3"})
    flight.refresh_from_db()
    assert (flight.gate, flight.terminal) == ("C7", "3")
    controller.post(f"/admin/flights/flight/{flight.pk}/cancel/", {"reason": "WX"})
    response = controller.post(f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": 10, "reason": "TECH"})
    assert "is cancelled and cannot be delayed" in response.content.decode()
    assert [e.type for e in Event.objects.order_by("occurred_at")] == ["flight.gate_changed", "flight.cancelled"]


def test_a_viewer_cannot_delay_a_flight_even_by_posting_the_form(viewer) -> None:
    flight = FlightFactory()
    assert viewer.get(f"/admin/flights/flight/{flight.pk}/delay/").status_code == 403
    assert (
        viewer.post(f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": 60, "reason": "TECH"}).status_code == 403
    )
    assert "Delay…" not in viewer.get(f"/admin/flights/flight/{flight.pk}/change/").content.decode()
    assert not Event.objects.exists()
