"""The operators' roles, created by a data migration, enforced on every action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from events.models import Event
from tests.factories import FlightFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]


def _login(client, role: str):
    user = User.objects.create_user(role.replace(" ", "-"), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_the_three_roles_exist() -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Operations controller", "Customer service", "Viewer"} <= names
    controller = Group.objects.get(name="Operations controller")
    assert controller.permissions.filter(codename="disrupt_flight").exists()
    assert not Group.objects.get(name="Viewer").permissions.exclude(codename__startswith="view_").exists()


@pytest.mark.parametrize(("role", "allowed"), [("Operations controller", True), ("Customer service", False),
                                               ("Viewer", False)])  # fmt: skip
def test_only_operations_controllers_disrupt_flights(client, role: str, allowed: bool) -> None:
    _login(client, role)
    flight = FlightFactory()
    assert client.get("/admin/flights/flight/").status_code == 200
    response = client.post(f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": 60, "reason": "TECH"})
    assert (response.status_code == 302) is allowed
    assert Event.objects.exists() is allowed


def test_a_viewer_cannot_redeliver(client) -> None:
    _login(client, "Viewer")
    response = client.get("/admin/events/delivery/")
    assert response.status_code == 200
    assert "redeliver_selected" not in response.content.decode()
