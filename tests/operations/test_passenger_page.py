"""The passenger page: one passenger's journey, duties, care, compensation, choices, messages and history, read-only,
in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from compensation.models import Entitlement
from events.models import Event
from flights.models import Flight
from flights.services import delay_flight
from lodging.models import HotelStay, StayStatus
from notifications.models import PassengerMessage
from operations.models import Duty
from passengers.models import Passenger, SegmentStatus
from rebooking.models import CaseStatus, Cause, Reaccommodation
from tests.factories import FlightFactory, HotelFactory, PassengerFactory, SegmentFactory
from vouchers.codes import new_code
from vouchers.models import MealVoucher

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 25)


def _page_url(passenger: Passenger) -> str:
    return reverse("admin:passengers_passenger_change", args=[passenger.pk])


def _disruption(passenger: Passenger, n: int) -> Event:
    """Flight ``n`` of the passenger's journey delayed two hours, and one of each record it leads to: a duty, a
    meal voucher, a hotel stay, an email (sent) and a reaccommodation case, a second apart from 06:00 + ``n``
    minutes."""
    at = dt.datetime.combine(DAY, dt.time(6), tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    flight = FlightFactory(service_date=DAY + dt.timedelta(days=n))
    SegmentFactory(booking=passenger.booking, flight=flight, position=n + 1)
    event = delay_flight(flight=flight, delay_minutes=120, reason="TECH")
    Duty.objects.create(root=event, flight=flight, passenger=passenger, kind="meal", due=at + dt.timedelta(hours=1))
    Duty.objects.filter(root=event).update(created_at=at)
    MealVoucher.objects.create(code=new_code(), passenger=passenger,
                               flight=flight, airport=flight.origin, amount=Decimal("15.00"), currency="GBP",
                               delay_minutes=120, issued_at=at + dt.timedelta(seconds=1))  # fmt: skip
    stay = HotelStay.objects.create(passenger=passenger, booking=passenger.booking, airport=flight.origin,
                                    night=flight.service_date, hotel=HotelFactory(), rooms=1,
                                    status=StayStatus.BOOKED, cause="delay", flight=flight)  # fmt: skip
    HotelStay.objects.filter(pk=stay.pk).update(created_at=at + dt.timedelta(seconds=2))
    case = Reaccommodation.objects.create(event=event, booking=passenger.booking, disrupted_flight=flight,
                                   cause=Cause.CANCELLED, status=CaseStatus.REBOOKED, priority_class=3,
                                   disruption_airport=flight.origin, available_from=at,
                                   old=[{"flight_id": flight.id, "flight": str(flight), "cabin": "Y"}])  # fmt: skip
    Reaccommodation.objects.filter(pk=case.pk).update(created_at=at + dt.timedelta(seconds=5))
    PassengerMessage.objects.create(passenger=passenger, event=event, flight=flight, kind="delay", channel="email",
                                    recipient=passenger.email, status="done", attempts=1,
                                    created_at=at + dt.timedelta(seconds=3),
                                    finished_at=at + dt.timedelta(seconds=4))  # fmt: skip
    return event


def _entitlement(passenger: Passenger, flight: Flight) -> Entitlement:
    return Entitlement.objects.create(passenger=passenger, booking=passenger.booking, flight=flight, regime="UK261",
                                      case="delayed", band="short", amount=Decimal("220.00"), currency="GBP",
                                      status="eligible", reason="Arrived 3 h late: band short.",
                                      assessed_at=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))  # fmt: skip


def _passenger_with(disruptions: int) -> Passenger:
    passenger = PassengerFactory(first_name="Ada", last_name="Lovelace", tier="gold", assistance=["WCHR"])
    events = [_disruption(passenger, n) for n in range(disruptions)]
    _entitlement(passenger, events[0].flight)
    return passenger


@pytest.fixture
def passenger() -> Passenger:
    return _passenger_with(1)


@pytest.fixture
def operator(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def noon(clock: Any) -> None:
    clock.freeze(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC))


def _section(html: str, section: str) -> str:
    """The page's section ``section``: from its id to the next section."""
    start = html.index(f'id="{section}"')
    end = html.find('class="module" id=', start)
    return html[start : end if end > 0 else None]


def test_every_section_shows_the_passengers_records(operator: Client, passenger: Passenger) -> None:
    html = operator.get(_page_url(passenger)).content.decode()
    who = _section(html, "who")
    assert passenger.ref in who and passenger.booking.locator in who and "Gold" in who and "WCHR" in who
    assert reverse("admin:passengers_booking_change", args=[passenger.booking_id]) in who
    flight = Flight.objects.get()
    # LHR is on GMT in November: 09:00 UTC scheduled, 11:00 estimated; JFK is UTC-5.
    journey = _section(html, "journey")
    assert "25 Nov 11:00 LHR" in journey and "sched. 25 Nov 09:00 LHR" in journey and "+120 min" in journey
    assert "25 Nov 14:00 JFK" in journey, "the arrival in the destination's local time"
    duty = Duty.objects.get()
    duties = _section(html, "duties")
    assert reverse("admin:operations_duty_change", args=[duty.pk]) in duties
    assert reverse("admin:events_event_change", args=[duty.root_id]) in duties
    assert "25 Nov 07:00 UTC" in duties and "overdue" in duties  # due 07:00, the clock is past it
    care = _section(html, "care")
    assert MealVoucher.objects.get().code in care and "Heathrow Gateway Hotel" in care and "220.00 GBP" in care
    choices = _section(html, "choices")
    assert str(flight) in choices and "accept, decline" in choices
    messages = _section(html, "messages")
    assert "Flight NV" in messages and "is delayed by 120 minutes" in messages, "the subject and the body sent"
    assert "Dear Ada Lovelace" in messages


def test_an_open_reaccommodation_duty_links_to_rebook_and_refund(operator: Client, passenger: Passenger) -> None:
    Duty.objects.update(kind="reaccommodation")
    case = Reaccommodation.objects.get()
    duties = _section(operator.get(_page_url(passenger)).content.decode(), "duties")
    assert reverse("admin:rebooking_reaccommodation_rebook", args=[case.pk]) in duties
    assert reverse("admin:rebooking_reaccommodation_refund") in duties
    Duty.objects.update(status="met", met_at=dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.UTC))
    assert "Rebook…" not in operator.get(_page_url(passenger)).content.decode(), "a met duty needs no action"


def test_the_journey_before_and_after_a_rebooking(operator: Client, passenger: Passenger) -> None:
    replaced = passenger.booking.segments.get()
    replaced.status, replaced.ended_at = SegmentStatus.REPLACED, dt.datetime(2026, 11, 25, 7, tzinfo=dt.UTC)
    replaced.save()
    later = FlightFactory(number="900")
    SegmentFactory(booking=passenger.booking, flight=later, position=1, added_at=replaced.ended_at)
    journeys = re.findall(r"<h2>(Journey[^<]*)</h2>(.*?)</table>", operator.get(_page_url(passenger)).content.decode(),
                          re.DOTALL)  # fmt: skip
    (ticketed_title, ticketed), (now_title, now) = journeys
    assert (ticketed_title, now_title) == ("Journey as ticketed", "Journey now")
    assert str(replaced.flight) in ticketed and 'class="ended"' in ticketed and "Replaced by rebooking" in ticketed
    assert str(later) in now and str(replaced.flight) not in now


def test_the_history_is_chronological_and_links_each_record(operator: Client, passenger: Passenger) -> None:
    voucher = MealVoucher.objects.get()
    LogEntry.objects.create(
        user_id=User.objects.get().pk,
        content_type=ContentType.objects.get_for_model(voucher),
        object_id=str(voucher.pk),
        object_repr=str(voucher),
        action_flag=CHANGE,
        change_message="Redeemed",
        action_time=dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC),
    )
    history = _section(operator.get(_page_url(passenger)).content.decode(), "history")
    lines = re.findall(r'<td class="when">([^<]+)</td><td><a href="([^"]+)">([^<]+)</a>', history)
    assert [when for when, _, _ in lines] == sorted(when for when, _, _ in lines), "one day: sorted as text"
    assert [what.split(" ", 2)[:2] for _, _, what in lines] == [
        ["Meal", "duty"],  # owed at 06:00:00
        ["Meal", "voucher"],  # issued at 06:00:01
        ["Stay", "at"],
        ["Delay", "message"],  # queued
        ["Delay", "message"],  # sent
        ["Reaccommodation", "after"],
        ["Meal", "voucher:"],  # the operator's action at 08:00
        ["Compensation", "assessed:"],  # at 09:00
    ]
    assert "Meal voucher: Redeemed by admin" in history
    assert reverse("admin:vouchers_mealvoucher_change", args=[voucher.pk]) in {url for _, url, _ in lines}


def test_the_page_is_read_only(operator: Client, passenger: Passenger) -> None:
    html = operator.get(_page_url(passenger)).content.decode()
    assert 'name="_save"' not in html and "<form" not in html.split('id="content"')[1]
    response = operator.post(_page_url(passenger), {"first_name": "Eve", "last_name": "Mallory"})
    passenger.refresh_from_db()
    assert (passenger.first_name, response.status_code) == ("Ada", 200), "nothing is saved"


def test_the_query_count_does_not_grow_with_the_records(operator: Client, django_assert_max_num_queries: Any) -> None:
    one, twenty = _passenger_with(1), _passenger_with(20)
    operator.get(_page_url(one))  # warm the session and content-type caches
    with django_assert_max_num_queries(15) as few:
        assert operator.get(_page_url(one)).status_code == 200
    with django_assert_max_num_queries(len(few)) as many:
        response = operator.get(_page_url(twenty))
    assert response.content.decode().count("Dear Ada Lovelace") == 20, "every message with its text"
    assert len(many) == len(few)


def test_passengers_list_rows_lead_to_the_page(operator: Client, passenger: Passenger) -> None:
    html = operator.get(reverse("admin:passengers_passenger_changelist"), {"q": passenger.booking.locator}).content
    assert _page_url(passenger) in html.decode()


@pytest.mark.usefixtures("roles")
@pytest.mark.parametrize("role", ["Customer service", "Viewer"])
def test_customer_service_and_viewers_see_the_page_but_cannot_disrupt(
    client: Client, passenger: Passenger, role: str
) -> None:
    user = User.objects.create_user("agent", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    assert "Lovelace" in client.get(_page_url(passenger)).content.decode()
    flight = Flight.objects.get()
    assert "Delay…" not in client.get(reverse("admin:flights_flight_change", args=[flight.pk])).content.decode()
    assert client.get(reverse("admin:flights_flight_delay", args=[flight.pk])).status_code == 403


def test_passenger_messages_are_found_by_booking_locator(operator: Client, passenger: Passenger) -> None:
    other = _passenger_with(1)
    url = reverse("admin:notifications_passengermessage_changelist")
    html = operator.get(url, {"q": passenger.booking.locator}).content.decode()
    mine, theirs = PassengerMessage.objects.get(passenger=passenger), PassengerMessage.objects.get(passenger=other)
    assert reverse("admin:notifications_passengermessage_change", args=[mine.pk]) in html
    assert reverse("admin:notifications_passengermessage_change", args=[theirs.pk]) not in html


def test_the_duty_and_unaccommodated_lists_link_to_the_page(operator: Client, passenger: Passenger) -> None:
    HotelStay.objects.update(status=StayStatus.UNACCOMMODATED, hotel=None, rooms=0)
    for changelist in ("admin:operations_duty_changelist", "admin:lodging_unaccommodatedstay_changelist"):
        assert _page_url(passenger) in operator.get(reverse(changelist)).content.decode(), changelist


def test_a_passenger_messages_page_shows_the_text_sent(operator: Client, passenger: Passenger) -> None:
    message = PassengerMessage.objects.get(passenger=passenger)
    html = operator.get(reverse("admin:notifications_passengermessage_change", args=[message.pk])).content.decode()
    assert "Text sent" in html
    assert f"Flight {message.flight.ref}" in html, "the subject as sent"
    assert passenger.first_name in html, "the body addresses the passenger"
