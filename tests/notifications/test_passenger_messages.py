"""Passenger messages: every affected passenger told once per change on each channel they have; the notice of
rights once per flight; the passengers' choices confirmed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from events.services import publish
from events.types import EventType
from flights.models import Airline, Flight
from flights.services import cancel_flight, change_gate, delay_flight
from notifications import passenger_delivery, sms
from notifications.models import PassengerMessage
from notifications.outcomes import passenger_messages_section
from notifications.rendering import Text, render
from passengers.models import Booking, Passenger
from tests.support.flows import handle, payload_of, run_subscriber
from tests.support.notify import notify_network
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db


class BrokenGateway(sms.BaseSmsBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionError("gateway down")


@pytest.fixture(autouse=True)
def network(tmp_path, settings) -> None:
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    sms.outbox.clear()
    notify_network(tmp_path)


def _nv117() -> Flight:
    return Flight.objects.get(carrier_id="NV", number="117")


def _send_all() -> dict[str, int]:
    return passenger_delivery.send_batch(list(PassengerMessage.objects.values_list("id", flat=True)))


def _sent() -> set[tuple[str, str, str]]:
    return set(PassengerMessage.objects.filter(status="done").values_list("passenger__ref", "channel", "kind"))


def _pid(ref: str) -> int:
    return Passenger.objects.get(ref=ref).id


CHANNELS_ON_NV117 = {
    ("QX7K2M-1", "email"),
    ("QX7K2M-1", "sms"),
    ("AB12CD-1", "email"),
    ("CD34EF-1", "sms"),
    ("EF56GH-1", "email"),
}  # fmt: skip  (Charles has no contact; Barbara is not on NV117)


def _each_channel(kind: str) -> set[tuple[str, str, str]]:
    return {(ref, channel, kind) for ref, channel in CHANNELS_ON_NV117}


def test_a_delay_tells_everyone_booked_on_each_channel_they_have() -> None:
    event = delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH")
    run_subscriber(event, "notifications")
    assert _send_all() == {"done": 5, "dead": 0}
    assert _sent() == _each_channel("delay"), "under 120 minutes: no notice of rights"
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "ed@x.org", "grace@example.org"]
    ada = next(m for m in mail.outbox if m.to == ["ada@example.org"])
    assert ada.subject == "Flight NV117/2026-11-25 is delayed by 90 minutes"
    assert "Dear Ada Lovelace" in ada.body and "from LHR to CDG" in ada.body
    assert "Expected departure:  25 Nov 2026 09:30 UTC" in ada.body
    assert {s.to for s in sms.outbox} == {"+447700900123", "+4470"}
    assert "delayed by 90 minutes" in sms.outbox[0].body


def test_a_redelivered_event_sends_nothing_twice() -> None:
    event = delay_flight(flight=_nv117(), delay_minutes=120, reason="TECH")
    run_subscriber(event, "notifications")
    _send_all()
    handle(Event.objects.get(id=event.id), "notifications")
    assert PassengerMessage.objects.count() == 10, "the delay and the notice of rights"
    assert _send_all() == {"done": 0, "dead": 0}
    assert len(mail.outbox) == 6 and len(sms.outbox) == 4


def test_a_cancellation_and_a_gate_change_are_told() -> None:
    run_subscriber(change_gate(flight=_nv117(), gate="B7", terminal="3"), "notifications")
    run_subscriber(cancel_flight(flight=_nv117(), reason="TECH"), "notifications")
    _send_all()
    subjects = {m.subject for m in mail.outbox if m.to == ["ada@example.org"]}
    assert subjects == {
        "Flight NV117/2026-11-25: new gate B7",
        "Flight NV117/2026-11-25 is cancelled",
        "Your rights under UK261: flight NV117/2026-11-25",
    }, "a gate change owes no notice of rights; a cancellation does"
    gate = next(m for m in mail.outbox if "gate" in m.subject)
    assert "terminal 3, gate B7 (was gate A1)" in gate.body


def test_the_console_shows_each_message_as_it_was_sent() -> None:
    run_subscriber(change_gate(flight=_nv117(), gate="B7", terminal="3"), "notifications")
    run_subscriber(cancel_flight(flight=_nv117(), reason="TECH"), "notifications")
    _send_all()
    messages = PassengerMessage.objects.select_related("passenger", "event")
    by_header = {passenger_delivery.message_id_header(m): m for m in messages if m.channel == "email"}
    emails = [(by_header[email.extra_headers["Message-ID"]], email) for email in mail.outbox]
    assert len(emails) == 9 and {m.kind for m, _ in emails} == {"gate_change", "cancellation", "rights_notice"}
    for message, email in emails:
        assert render(message) == Text(email.subject, email.body), message.kind
    by_id = {str(m.id): m for m in messages if m.channel == "sms"}
    assert len(sms.outbox) == 6
    for text in sms.outbox:
        assert render(by_id[text.reference]).body == text.body


def test_a_cancellation_is_told_to_everyone_booked_even_when_rebooking_went_first() -> None:
    event = cancel_flight(flight=_nv117(), reason="TECH")
    run_subscriber(event, "rebooking")  # its queue may run first: nobody holds NV117 any more
    assert not Passenger.objects.filter(booking__segments__flight=_nv117(), booking__segments__status="active")
    run_subscriber(event, "notifications")
    told = set(PassengerMessage.objects.filter(kind="cancellation").values_list("passenger__ref", flat=True))
    assert told == {"QX7K2M-1", "AB12CD-1", "CD34EF-1", "EF56GH-1"}


def test_each_passenger_hears_their_voucher_code() -> None:
    nv = _nv117()
    event = publish(
        payload_of(
            "voucher.issued",
            {"flight_id": nv.id, "flight": "NV117/2026-11-25", "airport": "LHR", "passenger_ids": [],
                 "vouchers": [{"voucher_id": 1, "code": "MV-7Q2X", "passenger_id": _pid("QX7K2M-1"),
                               "amount": "15.00", "currency": "EUR", "change": "issued"}]}),
    )  # fmt: skip
    run_subscriber(event, "notifications")
    _send_all()
    (email,) = mail.outbox
    assert email.subject == "Your meal voucher for flight NV117/2026-11-25"
    assert "Voucher code: MV-7Q2X" in email.body and "15.00 EUR" in email.body and "LHR airport" in email.body
    assert "MV-7Q2X" in sms.outbox[0].body


def test_each_passenger_given_a_room_hears_the_hotel_and_night() -> None:
    nv = _nv117()
    stay = {"booking_id": 1, "locator": "QX7K2M", "stay_ids": [1, 2], "airport": "CDG", "night": "2026-11-25",
            "rooms": 1, "passenger_ids": [_pid("QX7K2M-1"), _pid("QX7K2M-2")]}  # fmt: skip
    event = publish(
        payload_of(
            "hotel.booked",
            {"flight_id": nv.id, "flight": "NV117/2026-11-25", "booked": 2, "unaccommodated": 1, "stays": [
            {**stay, "status": "booked", "hotel": "CDG-H1", "hotel_name": "Roissy Inn"},
            {**stay, "passenger_ids": [_pid("EF56GH-1")], "status": "unaccommodated", "hotel": None,
             "hotel_name": None},
        ]}),
    )  # fmt: skip
    run_subscriber(event, "notifications")
    _send_all()
    assert _sent() == {("QX7K2M-1", "email", "hotel"), ("QX7K2M-1", "sms", "hotel")}
    assert "- Roissy Inn (CDG), night of 2026-11-25" in mail.outbox[0].body


def test_a_reaccommodation_tells_the_new_itinerary_and_the_refund_option() -> None:
    nv = _nv117()
    party = {"case_id": 1, "booking_id": 1, "locator": "QX7K2M", "passenger_ids": [_pid("QX7K2M-1")],
             "cause": "misconnect", "disruption_airport": "CDG",
             "available_from": "2026-11-25T11:15:00+00:00", "arrival_delay_minutes": 240,
             "removed": [], "added": []}  # fmt: skip
    event = publish(
        payload_of(
            "passenger.reaccommodated",
            {"flight_id": nv.id, "flight": "NV117/2026-11-25", "disruption": "flight.delayed",
                 "scheduled_departure": "2026-11-25T08:00:00+00:00",
                 "estimated_arrival": "2026-11-25T11:15:00+00:00", "refund_allowed": True, "optimal": True,
                 "parties": [
                     {**party, "status": "rebooked", "first_departure": "2026-11-25T15:00:00+00:00",
                      "new": [{"flight_id": 1, "flight": "PA2233/2026-11-25", "cabin": "Y"}]},
                     {**party, "locator": "EF56GH", "passenger_ids": [_pid("EF56GH-1")], "status": "unprotected",
                      "first_departure": None, "new": []},
                 ]}),
    )  # fmt: skip
    run_subscriber(event, "notifications")
    _send_all()
    assert _sent() == {
        ("QX7K2M-1", "email", "new_itinerary"), ("QX7K2M-1", "sms", "new_itinerary"),
        ("QX7K2M-1", "email", "refund_option"), ("QX7K2M-1", "sms", "refund_option"),
        ("EF56GH-1", "email", "refund_option"),
    }  # fmt: skip
    itinerary = next(m for m in mail.outbox if m.subject == "Your new itinerary, booking QX7K2M")
    assert "- PA2233/2026-11-25" in itinerary.body and "25 Nov 2026 15:00 UTC" in itinerary.body


def test_a_failing_channel_fails_only_its_messages(settings) -> None:
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH"), "notifications")
    assert _send_all() == {"done": 3, "dead": 2}
    dead = PassengerMessage.objects.filter(status="dead")
    assert {m.channel for m in dead} == {"sms"} and all("gateway down" in m.last_error for m in dead)
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    assert passenger_delivery.resend(list(dead.values_list("id", flat=True)))
    assert _send_all() == {"done": 2, "dead": 0}


def test_the_outcome_section_lists_each_message() -> None:
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH"), "notifications")
    _send_all()
    with CaptureQueriesContext(connection) as queries:
        section = passenger_messages_section()
    assert len(queries) == 1
    assert {"passenger": "QX7K2M-1", "channel": "email", "kind": "delay", "status": "sent"} in section
    assert len(section) == 5


def _queries(tmp_path: Any, bulk_bookings: int) -> tuple[int, int]:
    notify_network(tmp_path, bulk_bookings=bulk_bookings)
    event = delay_flight(flight=_nv117(), delay_minutes=120, reason="TECH")
    with CaptureQueriesContext(connection) as handler:
        handle(event, "notifications")
    with CaptureQueriesContext(connection) as sender:
        _send_all()
    assert PassengerMessage.objects.filter(status="done").count() == 2 * (5 + 20 * bulk_bookings), "and notices"
    return len(handler), len(sender)


def test_queries_do_not_grow_with_passengers_but_one_status_write_per_message(tmp_path, settings) -> None:
    settings.PASSENGER_MESSAGE_BATCH = 10_000
    (handler_small, sender_small), (handler_large, sender_large) = _queries(tmp_path, 1), _queries(tmp_path, 30)
    assert handler_small == handler_large  # 15 and 305 passengers
    assert sender_large - sender_small == 2 * 20 * 29, "each message's outcome is written as soon as it is sent"


class CrashingGateway(sms.BaseSmsBackend):
    """Sends one message, then the worker dies (a BaseException, as a SIGKILL would stop it mid-batch)."""

    def send_messages(self, messages: Any) -> int:
        if sms.outbox:
            raise SystemExit("killed")
        sms.outbox.extend(messages)
        return len(messages)


def test_a_batch_killed_mid_way_is_finished_by_the_sweep_sending_nothing_twice(settings) -> None:
    settings.SMS_BACKEND = f"{__name__}.CrashingGateway"
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH"), "notifications")
    sms_ids = list(PassengerMessage.objects.filter(channel="sms").values_list("id", flat=True))
    with pytest.raises(SystemExit):
        passenger_delivery.send_batch(sms_ids)
    assert PassengerMessage.objects.filter(channel="sms", status="done").count() == 1, "written as it was sent"
    assert passenger_delivery.due_for_sweep() == [], "held by the dead batch, and too recent"
    PassengerMessage.objects.update(
        lease_expires_at=timezone.now(), created_at=timezone.now() - dt.timedelta(seconds=121)
    )  # the lease and the grace have passed
    due = passenger_delivery.due_for_sweep()
    assert set(due) == set(PassengerMessage.objects.exclude(status="done").values_list("id", flat=True))
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    passenger_delivery.send_batch(due)
    assert sorted(m.to for m in sms.outbox) == ["+4470", "+447700900123"], "each number texted once"
    assert len({m.reference for m in sms.outbox}) == 2


def test_a_message_whose_worker_dies_on_every_attempt_is_buried_dead_not_looped(settings) -> None:
    settings.PASSENGER_MAX_ATTEMPTS = 2
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH"), "notifications")
    poison = PassengerMessage.objects.filter(channel="sms").first()
    expired = timezone.now() - dt.timedelta(seconds=1)
    for attempt in (1, 2):  # each claim's worker dies before it writes an outcome
        assert passenger_delivery.claim([poison.id], uuid.uuid4()), f"claimable on attempt {attempt}"
        PassengerMessage.objects.filter(id=poison.id).update(lease_expires_at=expired)
    PassengerMessage.objects.update(created_at=timezone.now() - dt.timedelta(seconds=121))  # their send was lost
    assert passenger_delivery.due_for_sweep() == sorted(
        PassengerMessage.objects.filter(status="pending").values_list("id", flat=True)
    ), "the sweep sends the others, not the poison message"
    poison.refresh_from_db()
    assert (poison.status, poison.attempts, poison.last_error) == ("dead", 2, "worker lost during the last attempt")
    assert passenger_delivery.claim([poison.id], uuid.uuid4()) == []
    passenger_delivery.send_batch(passenger_delivery.resend([poison.id]))
    poison.refresh_from_db()
    assert poison.status == "done", "an operator's resend starts a fresh round of attempts"


def test_an_email_keeps_its_message_id_when_sent_again() -> None:
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH"), "notifications")
    message = PassengerMessage.objects.get(channel="email", passenger__ref="QX7K2M-1")
    passenger_delivery.send_batch([message.id])
    PassengerMessage.objects.filter(id=message.id).update(status="dead")
    passenger_delivery.send_batch(passenger_delivery.resend([message.id]))
    first, again = (m.extra_headers["Message-ID"] for m in mail.outbox if m.to == [message.recipient])
    assert first == again == f"<passenger-message-{message.event_id}.delay.{message.passenger_id}@novair.example>"


def test_a_message_id_names_the_message_not_its_row(tmp_path: Any) -> None:
    """After a restore to before the messages were made, the flow makes them again under other row ids (a
    restored sequence hands the same ids to other messages): each email must keep its Message-ID, the key
    the email gateway knows it by, and no two emails may share one."""
    event = delay_flight(flight=_nv117(), delay_minutes=90, reason="TECH")
    run_subscriber(event, "notifications")
    emails = PassengerMessage.objects.filter(channel="email")
    before = {(m.passenger_id, m.id): passenger_delivery.message_id_header(m) for m in emails}
    emails.delete()
    handle(Event.objects.get(id=event.id), "notifications")
    after = {(m.passenger_id, m.id): passenger_delivery.message_id_header(m) for m in emails}
    assert {p for p, _ in after} == {p for p, _ in before} and not set(after) & set(before), "other rows"
    assert sorted(after.values()) == sorted(before.values()) and len(set(after.values())) == 3


# The notice of rights (Art. 14(2)).


def _notices() -> set[tuple[str, str]]:
    return {(ref, channel) for ref, channel, kind in _sent() if kind == "rights_notice"}


@pytest.mark.parametrize(("delay_minutes", "noticed"), [(119, set()), (120, CHANNELS_ON_NV117)])
def test_a_delay_of_two_hours_or_more_brings_everyone_booked_a_notice_of_rights(
    delay_minutes: int, noticed: set[tuple[str, str]]
) -> None:
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=delay_minutes, reason="TECH"), "notifications")
    _send_all()
    assert _notices() == noticed


def test_the_notice_names_the_flight_s_regime_and_what_it_gives() -> None:
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=120, reason="WX"), "notifications")  # from LHR
    pa2231 = Flight.objects.get(carrier_id="PA", number="2231")  # from CDG
    run_subscriber(delay_flight(flight=pa2231, delay_minutes=150, reason="WX"), "notifications")
    _send_all()
    uk = next(m for m in mail.outbox if m.to == ["ada@example.org"] and "rights" in m.subject)
    assert uk.subject == "Your rights under UK261: flight NV117/2026-11-25"
    assert "is delayed by 120 minutes" in uk.body
    assert "Regulation (EC) No 261/2004 as it forms part of the law of the United Kingdom (UK261)" in uk.body
    for right in ("Care while you wait: meals", "a hotel room", "Rerouting or refund:", "Compensation where it is due"):
        assert right in uk.body
    eu = next(m for m in mail.outbox if m.to == ["bl@x.org"] and "rights" in m.subject)  # Barbara flies PA2231 only
    assert eu.subject == "Your rights under EU261: flight PA2231/2026-11-25"
    assert "Regulation (EC) No 261/2004 of the European Union (EU261)" in eu.body and "UK261" not in eu.body
    assert any(m.to == "+447700900123" and "(UK261)" in m.body for m in sms.outbox), "by SMS too"


def test_a_flight_sends_its_notice_once_however_its_disruption_grows() -> None:
    first = delay_flight(flight=_nv117(), delay_minutes=120, reason="TECH")
    run_subscriber(first, "notifications")
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=300, reason="TECH"), "notifications")
    cancelled = cancel_flight(flight=_nv117(), reason="TECH")
    run_subscriber(cancelled, "notifications")
    notices = PassengerMessage.objects.filter(kind="rights_notice")
    assert notices.count() == 5 and set(notices.values_list("event_id", flat=True)) == {first.id}
    assert PassengerMessage.objects.filter(event=cancelled, kind="cancellation").count() == 5, "the change is told"


def test_a_drill_s_notice_does_not_stand_for_a_real_disruption_s_nor_a_real_one_for_a_drill_s(
    tmp_path: Any, settings: Any
) -> None:
    settings.DRILL_EMAIL_FILE_PATH, settings.DRILL_SMS_FILE_PATH = str(tmp_path / "mail"), str(tmp_path / "sms.log")
    drill = delay_flight(flight=_nv117(), delay_minutes=120, reason="TECH", drill=True)
    run_subscriber(drill, "notifications")
    _send_all()
    assert mail.outbox == [] and _notices() == CHANNELS_ON_NV117, "the drill's notices, to the drill outbox"
    real = delay_flight(flight=_nv117(), delay_minutes=180, reason="TECH")
    run_subscriber(real, "notifications")
    run_subscriber(delay_flight(flight=_nv117(), delay_minutes=240, reason="TECH", drill=True), "notifications")
    _send_all()
    notices = PassengerMessage.objects.filter(kind="rights_notice")
    assert set(notices.values_list("event_id", "drill").distinct()) == {(drill.id, True), (real.id, False)}
    assert set(notices.filter(event=real, status="done").values_list("passenger__ref", "channel")) == CHANNELS_ON_NV117
    assert len([m for m in mail.outbox if "rights" in m.subject]) == 3, "the real notice went to the real passengers"


def test_a_cancelled_flight_brings_its_notice_at_once() -> None:
    event = cancel_flight(flight=_nv117(), reason="TECH")
    run_subscriber(event, "notifications")
    _send_all()
    assert _notices() == CHANNELS_ON_NV117
    assert PassengerMessage.objects.filter(kind="rights_notice").first().context == {
        "regime": "UK261",
        "cancelled": True,
    }
    assert "is cancelled" in next(m.body for m in mail.outbox if "rights" in m.subject)


def test_the_database_keeps_one_notice_per_passenger_flight_and_channel() -> None:
    first = delay_flight(flight=_nv117(), delay_minutes=120, reason="TECH")
    later = delay_flight(flight=_nv117(), delay_minutes=180, reason="TECH")
    notice = {"passenger_id": _pid("QX7K2M-1"), "kind": "rights_notice", "channel": "email", "recipient": "a@b.c"}
    PassengerMessage.objects.create(event=first, flight=_nv117(), **notice)
    PassengerMessage.objects.create(event=later, flight=_nv117(), **notice | {"channel": "sms"})  # another channel
    with pytest.raises(IntegrityError, match="passengermessage_one_rights_notice_per_flight"), transaction.atomic():
        PassengerMessage.objects.create(event=later, flight=_nv117(), **notice)
    with pytest.raises(IntegrityError, match="passengermessage_rights_notice_has_flight"), transaction.atomic():
        PassengerMessage.objects.create(event=later, **notice | {"passenger_id": _pid("EF56GH-1")})
    PassengerMessage.objects.create(event=later, flight=_nv117(), **notice | {"kind": "delay"})  # other kinds may


@pytest.mark.parametrize(("licence", "notices"), [("", 0), ("GB", 1)])
def test_no_notice_where_no_regime_applies(tmp_path: Any, licence: str, notices: int) -> None:
    load_network(
        [scenario_flight("200", "JFK", "LHR", "20:00", "2026-11-26T03:00")],
        [scenario_booking("NOLAW1", [("200", "Y")], email="far@example.org")],
        tmp_path,
    )
    Airline.objects.filter(code="NV").update(country=licence)  # licensed in GB: UK261 (it lands in GB)
    run_subscriber(delay_flight(flight=Flight.objects.get(number="200"), delay_minutes=300), "notifications")
    assert PassengerMessage.objects.filter(kind="delay").count() == 1
    assert PassengerMessage.objects.filter(kind="rights_notice").count() == notices


# Confirmations of the passengers' choices.


def _choice(event_type: EventType, locator: str = "QX7K2M", released: tuple[str, ...] = ()) -> Event:
    """The choice of ``locator``'s party on NV117's case, published as rebooking would."""
    booking = Booking.objects.get(locator=locator)
    payload: dict[str, Any] = {
        "flight_id": _nv117().id, "flight": "NV117/2026-11-25", "case_id": 1, "booking_id": booking.id,
        "locator": locator, "passenger_ids": sorted(booking.passengers.values_list("id", flat=True)),
        "by": "passenger",
    }  # fmt: skip
    if event_type == EventType.PASSENGER_REFUNDED:
        flights = [Flight.objects.get(carrier_id=f[:2], number=f[2:]) for f in released]
        payload["released"] = [{"flight_id": f.id, "flight": str(f.ref), "cabin": "Y"} for f in flights]
    return publish(payload_of(event_type, payload))


def _email_to(address: str) -> Any:
    (email,) = (m for m in mail.outbox if m.to == [address])
    return email


def test_an_accepted_itinerary_is_confirmed_to_each_passenger_with_the_journey_they_hold() -> None:
    run_subscriber(_choice(EventType.ITINERARY_ACCEPTED), "notifications")
    _send_all()
    assert _sent() == {("QX7K2M-1", "email", "accept_confirmation"), ("QX7K2M-1", "sms", "accept_confirmation")}
    email = _email_to("ada@example.org")
    assert email.subject == "Your new itinerary is confirmed, booking QX7K2M"
    assert "- NV117/2026-11-25\n- PA2231/2026-11-25\n" in email.body
    assert PassengerMessage.objects.get(channel="sms").flight == _nv117()


def test_a_declined_itinerary_is_confirmed() -> None:
    run_subscriber(_choice(EventType.ITINERARY_DECLINED, "AB12CD"), "notifications")
    _send_all()
    assert _sent() == {("AB12CD-1", "email", "decline_confirmation")}
    email = _email_to("grace@example.org")
    assert email.subject == "You declined the new itinerary, booking AB12CD"
    assert "Its seats stay held for you until you choose again" in email.body


def test_a_refund_is_confirmed_with_the_flights_given_up() -> None:
    event = _choice(EventType.PASSENGER_REFUNDED, released=("NV117", "PA2231"))
    run_subscriber(event, "notifications")
    _send_all()
    assert _sent() == {("QX7K2M-1", "email", "refund_confirmation"), ("QX7K2M-1", "sms", "refund_confirmation")}
    email = _email_to("ada@example.org")
    assert email.subject == "Your refund is confirmed, booking QX7K2M"
    assert "- NV117/2026-11-25\n- PA2231/2026-11-25" in email.body and "within seven days" in email.body
    handle(event, "notifications")  # redelivered
    assert PassengerMessage.objects.count() == 2 and _send_all() == {"done": 0, "dead": 0}


def _choice_queries(locator: str) -> int:
    event = _choice(EventType.ITINERARY_ACCEPTED, locator)
    with CaptureQueriesContext(connection) as queries:
        handle(event, "notifications")
    return len(queries)


def test_a_choice_takes_as_many_queries_for_a_large_party_as_for_a_small_one(tmp_path: Any) -> None:
    notify_network(tmp_path, bulk_bookings=1)
    assert _choice_queries("QX7K2M") == _choice_queries("BK0000")  # 2 and 10 passengers
    assert PassengerMessage.objects.filter(passenger__booking__locator="BK0000").count() == 20
