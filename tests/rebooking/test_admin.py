"""Operators in the reaccommodation admin: rebooking by hand under a seat race, refunds by action and by
locator (with or without a case), and who may do it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import F
from django.test import Client

from events.models import Event
from events.types import EventType
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from passengers.models import Segment
from rebooking import inventory
from rebooking.models import Reaccommodation
from tests.rebooking import test_service
from tests.rebooking.test_service import DAY, _get, _handle

pytestmark = pytest.mark.django_db
hub = test_service.hub

CASES = "/admin/rebooking/reaccommodation/"


def _operator(client: Client, username: str, *codenames: str) -> Client:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="rebooking", codename__in=codenames))
    client.force_login(user)
    return client


@pytest.fixture
def desk(client: Client) -> Client:
    """Customer service: may change reaccommodations."""
    return _operator(client, "desk", "view_reaccommodation", "change_reaccommodation")


@pytest.fixture
def viewer(client: Client) -> Client:
    return _operator(client, "viewer", "view_reaccommodation")


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _refunds() -> int:
    return Event.objects.filter(type=EventType.PASSENGER_REFUNDED).count()


def test_a_seat_race_during_a_manual_rebooking_is_an_error_message_and_changes_nothing(
    hub, desk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    assert [leg["flight"] for leg in case.new] == [f"NV102/{DAY}"]
    Flight.objects.filter(number="104").update(seats_y=3)  # the airline adds seats to NV104
    nv104 = _get("104").id
    assert f'value="{nv104}:Y"' in desk.get(f"{CASES}{case.pk}/rebook/").content.decode()
    real_hold = inventory.hold

    def hold_after_a_competitor(counts: inventory.SeatCounts) -> None:
        Flight.objects.filter(id=nv104).update(booked_y=F("seats_y"))  # another sale takes them just before
        real_hold(counts)

    monkeypatch.setattr(inventory, "hold", hold_after_a_competitor)
    response = desk.post(f"{CASES}{case.pk}/rebook/", {"itinerary": f"{nv104}:Y"})
    assert response.status_code == 200
    (message,) = _messages(response)
    assert message.startswith("Nothing changed: the seats were taken meanwhile")
    case.refresh_from_db()
    assert ([leg["flight"] for leg in case.new], case.decided_by) == ([f"NV102/{DAY}"], "")
    assert list(Segment.objects.filter(booking=case.booking, status="active").values_list("flight__number")) == [
        ("102",)
    ]
    assert _get("102").booked_y == 3, "the seat released for the move is held again"
    assert not Event.objects.filter(type=EventType.PASSENGER_REACCOMMODATED, payload__optimal=False).exists()


def test_operators_refund_the_selected_cases_and_hear_of_the_refused_ones(hub, desk: Client) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    a, b = (Reaccommodation.objects.get(booking__locator=locator) for locator in ("AAAAAA", "BBBBBB"))
    response = desk.post(CASES, {"action": "refund_selected", "_selected_action": [a.pk, b.pk]}, follow=True)
    assert _messages(response) == ["AAAAAA refunded.", "BBBBBB refunded."]
    assert set(Reaccommodation.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", "decided_by")) == {
        ("refunded", "desk")
    }
    response = desk.post(CASES, {"action": "refund_selected", "_selected_action": [a.pk]}, follow=True)
    assert _messages(response) == ["AAAAAA: nothing changed, the booking was refunded already."]
    assert _refunds() == 2


def test_operators_refund_a_booking_without_a_case_by_its_locator(hub, desk: Client) -> None:
    delay = delay_flight(flight=_get("100"), delay_minutes=300, reason="TECH")
    page = desk.get(f"{CASES}refund/")
    assert page.status_code == 200 and "Refund a booking" in page.content.decode()
    assert f"{CASES}refund/" in desk.get(CASES).content.decode(), "linked from the list of cases"
    response = desk.post(f"{CASES}refund/", {"locator": "aaaaaa"})
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    assert response.status_code == 302 and response.url == f"{CASES}{case.pk}/change/"
    assert (case.status, case.cause, case.event_id, case.decided_by) == ("refunded", "refund", delay.id, "desk")
    assert "not open: the booking was refunded already" in desk.get(response.url).content.decode()


def test_a_refund_by_locator_without_a_right_changes_nothing(hub, desk: Client) -> None:
    delay_flight(flight=_get("100"), delay_minutes=299, reason="TECH")
    response = desk.post(f"{CASES}refund/", {"locator": "AAAAAA"})
    assert response.status_code == 200
    assert _messages(response) == [
        "AAAAAA: nothing changed, a refund is offered after a cancellation or a delay of 300 minutes or more."
    ]
    unknown = desk.post(f"{CASES}refund/", {"locator": "ZZZZZZ"})
    assert unknown.context["form"].errors == {"locator": ["No booking ZZZZZZ."]}
    assert not Reaccommodation.objects.exists() and _refunds() == 0


def test_a_viewer_cannot_refund(hub, viewer: Client) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    case = Reaccommodation.objects.get(booking__locator="AAAAAA")
    assert viewer.get(f"{CASES}refund/").status_code == 403
    assert viewer.post(f"{CASES}refund/", {"locator": "AAAAAA"}).status_code == 403
    viewer.post(CASES, {"action": "refund_selected", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == "rebooked" and _refunds() == 0
