"""Operators act on one duty from its page (ADR 8): each action is an event in the disruption's flow, applied by
its subscribers, and bad input changes nothing and publishes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import Event
from flights.models import Airport, Flight
from flights.services import delay_flight
from lodging.models import HotelStay, RoomNight
from notifications import passenger_delivery
from notifications.models import PassengerMessage
from operations.models import Duty
from operations.selectors import business_statuses
from operations.services import review
from tests.factories import HotelFactory, RoomNightFactory
from tests.support.flows import run_flow
from tests.support.operators import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

STRAND = ["STRAND-1", "STRAND-2", "STRAND-3"]


@pytest.fixture
def root(stranded: Flight) -> Event:
    """NV1 delayed 300 minutes and its flow run: the STRAND party is stranded at CDG, unaccommodated."""
    event = delay_flight(flight=stranded, delay_minutes=300, reason="TECH")
    run_flow(event)
    return event


@pytest.fixture
def controller(client: Client) -> Client:
    login(client, "Operations controller")
    return client


def _duty(ref: str, kind: str) -> Duty:
    return Duty.objects.get(passenger__ref=ref, kind=kind)


def _url(duty: Duty, action: str = "change") -> str:
    return f"/admin/operations/duty/{duty.pk}/{action.replace('_', '-')}/"


def _cdg_room_night(rooms: int) -> RoomNight:
    night = HotelStay.objects.get(passenger__ref="STRAND-1").night
    hotel = HotelFactory(code="CDG-H1", airport=Airport.objects.get(code="CDG"), name="Roissy Airport Hotel")
    return RoomNightFactory(hotel=hotel, night=night, rooms=rooms)


def _statuses(kind: str) -> set[str]:
    return set(Duty.objects.filter(kind=kind, passenger__ref__in=STRAND).values_list("status", flat=True))


def test_a_hotel_booked_by_hand_is_published_in_the_flow_and_meets_the_partys_hotel_duties(
    root: Event, controller: Client
) -> None:
    room_night = _cdg_room_night(rooms=5)
    duty = _duty("STRAND-2", "hotel")
    page = controller.get(_url(duty)).content.decode()
    assert "Book a hotel by hand…" in page and "Waive…" in page and "CDG local" in page
    form = controller.get(_url(duty, "book_hotel")).content.decode()
    assert "Roissy Airport Hotel" in form and room_night.night.isoformat() in form, "the stay's night by default"

    response = controller.post(
        _url(duty, "book_hotel"),
        {"hotel": room_night.hotel.pk, "night": room_night.night.isoformat(), "reference": "RX-42"},
    )
    assert response.status_code == 302
    room_night.refresh_from_db()
    assert room_night.rooms_used == 2, "three passengers of one booking share two rooms"
    stays = HotelStay.objects.filter(passenger__ref__in=STRAND)
    assert set(stays.values_list("status", "hotel__code", "booked_by", "reference")) == {
        ("booked", "CDG-H1", "Operations-controller", "RX-42")
    }, "their unaccommodated stays are booked"
    (booked,) = Event.objects.filter(type="hotel.booked", payload__booked_by="Operations-controller")
    assert (booked.caused_by_id, booked.root_id) == (root.id, root.id)
    assert _statuses("hotel") == {"open"}, "met by the observer, not by the page"

    run_flow(root)
    assert _statuses("hotel") == {"met"}
    assert PassengerMessage.objects.filter(event=booked, kind="hotel", passenger__ref="STRAND-1").exists()
    assert "Book a hotel by hand…" not in controller.get(_url(duty)).content.decode(), "a met duty has no action"


def test_a_full_hotel_is_a_form_error_and_nothing_changes(root: Event, controller: Client) -> None:
    room_night = _cdg_room_night(rooms=1)
    published = Event.objects.count()
    data = {"hotel": room_night.hotel.pk, "night": room_night.night.isoformat()}
    response = controller.post(_url(_duty("STRAND-1", "hotel"), "book_hotel"), data)
    assert response.status_code == 200 and "it is full" in response.content.decode()
    room_night.refresh_from_db()
    assert room_night.rooms_used == 0
    assert set(HotelStay.objects.values_list("status", flat=True)) == {"unaccommodated"}
    assert Event.objects.count() == published


def test_only_hotels_where_the_passenger_is_stranded_are_offered(root: Event, controller: Client) -> None:
    elsewhere = HotelFactory(code="LHR-H1", airport=Airport.objects.get(code="LHR"))
    night = HotelStay.objects.get(passenger__ref="STRAND-1").night
    response = controller.post(
        _url(_duty("STRAND-1", "hotel"), "book_hotel"), {"hotel": elsewhere.pk, "night": night.isoformat()}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not HotelStay.objects.filter(status="booked").exists()


def test_an_unaccommodated_stay_leads_to_the_booking_form_of_its_duty(root: Event, controller: Client) -> None:
    listing = controller.get("/admin/lodging/unaccommodatedstay/").content.decode()
    assert "Book by hand…" in listing
    stay = HotelStay.objects.get(passenger__ref="STRAND-3")
    response = controller.get(f"/admin/operations/duty/book-stay/{stay.pk}/")
    assert response.url == _url(_duty("STRAND-3", "hotel"), "book_hotel")


def test_a_waiver_needs_a_reason_and_is_applied_by_the_observer(root: Event, controller: Client) -> None:
    duty = _duty("STRAND-2", "rights_notice")
    refused = controller.post(_url(duty, "waive"), {"reason": "   "})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert not Event.objects.filter(type="duty.waived").exists()

    assert controller.post(_url(duty, "waive"), {"reason": "printed notice at the gate"}).status_code == 302
    (waived,) = Event.objects.filter(type="duty.waived")
    assert (waived.caused_by_id, waived.root_id) == (root.id, root.id)
    assert (waived.payload["duty_ids"], waived.payload["reason"]) == ([duty.pk], "printed notice at the gate")
    run_flow(root)
    duty.refresh_from_db()
    assert (duty.status, duty.waived_by, duty.waive_reason) == (
        "waived",
        "Operations-controller",
        "printed notice at the gate",
    )
    again = controller.post(_url(duty, "waive"), {"reason": "twice"})
    assert again.status_code == 200 and "none of these duties is open" in again.content.decode()
    assert Event.objects.filter(type="duty.waived").count() == 1


def test_a_met_duty_cannot_be_waived(root: Event, controller: Client) -> None:
    meal = _duty("STRAND-1", "meal")
    assert meal.status == "met"
    response = controller.post(_url(meal, "waive"), {"reason": "no need"})
    assert response.status_code == 200 and "Nothing changed" in response.content.decode()
    assert not Event.objects.filter(type="duty.waived").exists()


def test_a_dead_notice_is_resent_from_its_duty(root: Event, controller: Client) -> None:
    notices = PassengerMessage.objects.filter(kind="rights_notice", passenger__ref="STRAND-1")
    duty = _duty("STRAND-1", "rights_notice")
    assert "Resend the notice" not in controller.get(_url(duty)).content.decode(), "nothing failed yet"
    notices.update(status="dead", last_error="gateway refused")
    assert "Resend the notice" in controller.get(_url(duty)).content.decode()
    assert controller.post(_url(duty, "resend_notice")).status_code == 302
    assert set(notices.values_list("status", flat=True)) == {"pending"}
    passenger_delivery.send_batch(list(notices.values_list("id", flat=True)))
    review()
    duty.refresh_from_db()
    assert duty.status == "met"


def test_the_disruption_is_handled_once_operators_have_acted_on_every_open_duty(
    root: Event, controller: Client
) -> None:
    room_night = _cdg_room_night(rooms=5)
    passenger_delivery.send_batch(list(PassengerMessage.objects.values_list("id", flat=True)))
    review()  # the notices sent by email are met; STRAND-2 and STRAND-3 have no channel
    assert business_statuses([root.id]) == {root.id: "needs_action"}
    refund_link = controller.get(_url(_duty("STRAND-1", "reaccommodation"))).content.decode()
    assert "/admin/rebooking/reaccommodation/refund/?locator=STRAND" in refund_link
    controller.post("/admin/rebooking/reaccommodation/refund/", {"locator": "STRAND"})
    hotel = {"hotel": room_night.hotel.pk, "night": room_night.night.isoformat()}
    controller.post(_url(_duty("STRAND-1", "hotel"), "book_hotel"), hotel)
    for ref in ("STRAND-2", "STRAND-3"):
        controller.post(_url(_duty(ref, "rights_notice"), "waive"), {"reason": "printed notice at the gate"})
    assert business_statuses([root.id]) == {root.id: "in_progress"}, "the subscribers have yet to apply them"
    run_flow(root)
    assert set(Duty.objects.filter(root=root).values_list("status", flat=True)) == {"met", "waived"}
    assert business_statuses([root.id]) == {root.id: "handled"}


def test_a_viewer_sees_the_duty_with_no_action_and_may_not_post_one(root: Event, client: Client) -> None:
    login(client, "Viewer")
    room_night = _cdg_room_night(rooms=5)
    duty = _duty("STRAND-1", "hotel")
    page = client.get(_url(duty))
    assert page.status_code == 200 and "STRAND-1" in page.content.decode()
    assert "Waive…" not in page.content.decode() and "Book a hotel" not in page.content.decode()
    hotel = {"hotel": room_night.hotel.pk, "night": room_night.night.isoformat()}
    assert client.post(_url(duty, "book_hotel"), hotel).status_code == 403
    assert client.post(_url(duty, "waive"), {"reason": "no"}).status_code == 403
    assert client.post(_url(_duty("STRAND-1", "rights_notice"), "resend_notice")).status_code == 403
    assert not Event.objects.filter(type="duty.waived").exists()
    assert not HotelStay.objects.filter(status="booked").exists()
