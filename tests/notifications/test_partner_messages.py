"""Partner-airline messages: who is told, the signed body, and delivery with retries against a real HTTP server."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from events.services import publish
from events.types import EventType
from flights.models import Airline, Flight
from flights.services import delay_flight
from notifications import partner_delivery
from notifications.models import PartnerMessage, PartnerMessageAttempt
from notifications.outcomes import partner_messages_section
from notifications.retry_policy import Verdict, next_wait, retry_after_seconds, verdict_for
from notifications.services import partners
from notifications.signing import is_valid
from passengers.models import Passenger, Segment
from tests.support.flows import handle, payload_of, run_subscriber
from tests.support.notify import PA_SECRET, notify_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_retries(settings: Any) -> None:
    settings.PARTNER_RETRY_BASE_SECONDS = 0.0
    settings.PARTNER_MAX_ATTEMPTS = 4
    settings.PARTNER_READ_TIMEOUT_SECONDS = 0.3
    settings.PARTNER_CONNECT_TIMEOUT_SECONDS = 0.3


def _flight(designator: str) -> Flight:
    return Flight.objects.get(carrier_id=designator[:2], number=designator[2:])


def _delay(minutes: int = 120) -> Any:
    event = delay_flight(flight=_flight("NV117"), delay_minutes=minutes, reason="TECH")
    run_subscriber(event, "partners")
    return event


class Partner:
    """A partner's inbox on a real HTTP server: answers with the queued statuses, then 200; records requests."""

    def __init__(self, server: HTTPServer, *answers: int | str, retry_after: str | None = None) -> None:
        self.answers = list(answers)
        self.retry_after = retry_after
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        server.expect_request("/pa", method="POST").respond_with_handler(self.handle)
        self.url = server.url_for("/pa")

    def handle(self, request: Request) -> Response:
        self.requests.append((request.get_data(), dict(request.headers)))
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "slow":
            time.sleep(0.6)
            answer = 200
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        return Response(json.dumps({"ok": answer == 200}), status=int(answer), headers=headers)


def _message_to_pa(tmp_path: Any, endpoint: str) -> PartnerMessage:
    notify_network(tmp_path, pa_endpoint=endpoint)
    _delay()
    return PartnerMessage.objects.get(partner_id="PA")


def _drive(message: PartnerMessage, limit: int = 10) -> PartnerMessage:
    """Attempt the message until it is done or dead, as the send task and its retries would."""
    for _ in range(limit):
        partner_delivery.send(message.id)
        message.refresh_from_db()
        if message.status not in ("pending", "failed"):
            break
    return message


def test_a_late_feeder_tells_each_partner_once_per_flight(tmp_path) -> None:
    notify_network(tmp_path)
    event = _delay()
    messages = {m.flight.ref.designator.carrier + m.flight.number: m for m in PartnerMessage.objects.all()}
    assert set(messages) == {"PA2231", "PB400"}, "grouped per partner flight; PA2233 has nobody inbound"
    assert messages["PA2231"].passenger_refs == ["AB12CD-1", "QX7K2M-1", "QX7K2M-2"]  # not GH78IJ: not inbound
    assert messages["PB400"].passenger_refs == ["CD34EF-1"]
    body = json.loads(messages["PA2231"].body)
    assert body == {
        "message_id": str(messages["PA2231"].id),
        "kind": "inbound_delay",
        "sent_at": body["sent_at"],
        "operating_carrier": "PA",
        "inbound_flight": {"flight": "NV117", "date": "2026-11-25", "origin": "LHR", "destination": "CDG",
                           "scheduled_arrival": "2026-11-25T09:15:00+00:00",
                           "estimated_arrival": "2026-11-25T11:15:00+00:00"},
        "flight": {"flight": "PA2231", "date": "2026-11-25", "origin": "CDG", "destination": "JFK",
                   "scheduled_departure": "2026-11-25T11:00:00+00:00"},
        "passengers": [
            {"locator": "AB12CD", "passenger": "AB12CD-1", "name": "HOPPER/GRACE", "cabin": "J"},
            {"locator": "QX7K2M", "passenger": "QX7K2M-1", "name": "LOVELACE/ADA", "cabin": "Y"},
            {"locator": "QX7K2M", "passenger": "QX7K2M-2", "name": "BABBAGE/CHARLES", "cabin": "Y"},
        ],
    }  # fmt: skip
    handle(event, "partners")  # redelivered
    assert PartnerMessage.objects.count() == 2


def test_partners_hear_of_the_journeys_booked_when_the_delay_happened_even_after_rebooking(tmp_path) -> None:
    notify_network(tmp_path)
    event = delay_flight(flight=_flight("NV117"), delay_minutes=120, reason="TECH")
    run_subscriber(event, "rebooking")  # its queue may run first: the misconnects now fly later flights
    assert Segment.objects.filter(status="replaced").exists() and Segment.objects.filter(added_at__isnull=False)
    run_subscriber(event, "partners")
    told = {str(m.flight.ref): m.passenger_refs for m in PartnerMessage.objects.filter(kind="inbound_delay")}
    assert told == {
        "PA2231/2026-11-25": ["AB12CD-1", "QX7K2M-1", "QX7K2M-2"],
        "PB400/2026-11-25": ["CD34EF-1"],
    }


def test_a_delay_that_arrives_on_time_tells_no_partner(tmp_path) -> None:
    notify_network(tmp_path)
    _delay(0)
    assert not PartnerMessage.objects.exists()


def test_rebooking_tells_partners_who_was_moved_in_and_out(tmp_path) -> None:
    notify_network(tmp_path)
    ada, charles = Passenger.objects.filter(booking__locator="QX7K2M").order_by("ref")
    leg = {f: {"flight_id": _flight(f).id, "flight": f"{f}/2026-11-25", "cabin": "Y"} for f in ("PA2231", "PA2233")}
    party = {
        "case_id": 1, "booking_id": ada.booking_id, "locator": "QX7K2M", "passenger_ids": [ada.id, charles.id],
        "cause": "misconnect", "status": "rebooked", "disruption_airport": "CDG",
        "available_from": "2026-11-25T11:15:00+00:00",
        "first_departure": "2026-11-25T15:00:00+00:00", "arrival_delay_minutes": 240,
        "new": [leg["PA2233"]], "removed": [leg["PA2231"]], "added": [leg["PA2233"]],
    }  # fmt: skip
    nv = _flight("NV117")
    event = publish(
        payload_of(
            "passenger.reaccommodated",
            {"flight_id": nv.id, "flight": "NV117/2026-11-25", "disruption": "flight.delayed",
                 "scheduled_departure": "2026-11-25T08:00:00+00:00",
                 "estimated_arrival": "2026-11-25T11:15:00+00:00", "refund_allowed": False, "optimal": True,
                 "parties": [party]}),
    )  # fmt: skip
    run_subscriber(event, "partners")
    kinds = {(m.kind, str(m.flight.ref)): m.passenger_refs for m in PartnerMessage.objects.select_related("flight")}
    assert kinds == {
        ("rebooked_in", "PA2233/2026-11-25"): ["QX7K2M-1", "QX7K2M-2"],
        ("rebooked_out", "PA2231/2026-11-25"): ["QX7K2M-1", "QX7K2M-2"],
    }
    assert "inbound_flight" not in json.loads(PartnerMessage.objects.first().body)


def _refund(locator: str, *released: str) -> Any:
    """The refund of ``locator``'s party on NV117's case, giving up the ``released`` flights, as rebooking
    publishes it."""
    passengers = list(Passenger.objects.filter(booking__locator=locator).order_by("id"))
    payload = {
        "flight_id": _flight("NV117").id, "flight": "NV117/2026-11-25", "case_id": 1,
        "booking_id": passengers[0].booking_id, "locator": locator, "passenger_ids": [p.id for p in passengers],
        "by": "ops", "released": [{"flight_id": _flight(f).id, "flight": f"{f}/2026-11-25", "cabin": "Y"}
                                  for f in released],
    }  # fmt: skip
    return publish(payload_of(EventType.PASSENGER_REFUNDED, payload))


def test_a_refund_tells_each_partner_whose_flight_the_party_gave_up(tmp_path) -> None:
    notify_network(tmp_path)
    event = _refund("QX7K2M", "NV117", "PA2231")
    assert run_subscriber(event, "partners") == {"partner_messages": 1}, "NV117 is our own flight"
    (message,) = PartnerMessage.objects.select_related("flight")
    assert (message.kind, message.partner_id, str(message.flight.ref)) == ("rebooked_out", "PA", "PA2231/2026-11-25")
    body = json.loads(message.body)
    assert (body["kind"], body["flight"]["flight"]) == ("rebooked_out", "PA2231")
    assert body["passengers"] == [
        {"locator": "QX7K2M", "passenger": "QX7K2M-1", "name": "LOVELACE/ADA", "cabin": "Y"},
        {"locator": "QX7K2M", "passenger": "QX7K2M-2", "name": "BABBAGE/CHARLES", "cabin": "Y"},
    ]
    handle(event, "partners")  # redelivered
    assert PartnerMessage.objects.count() == 1


def test_a_refund_of_own_flights_only_tells_no_partner(tmp_path) -> None:
    notify_network(tmp_path)
    assert run_subscriber(_refund("EF56GH", "NV117"), "partners") == {"partner_messages": 0}
    assert not PartnerMessage.objects.exists()


def _refund_queries(locator: str) -> int:
    event = _refund(locator, "NV117", "PA2231")
    with CaptureQueriesContext(connection) as queries:
        handle(event, "partners")
    return len(queries)


def test_a_refund_takes_as_many_queries_for_a_large_party_as_for_a_small_one(tmp_path) -> None:
    notify_network(tmp_path, bulk_bookings=1)
    assert _refund_queries("QX7K2M") == _refund_queries("BK0000")  # 2 and 10 passengers
    assert len(PartnerMessage.objects.get(passenger_refs__contains=["BK0000-1"]).passenger_refs) == 10


def test_a_delivered_message_is_signed_with_the_partners_secret(tmp_path, httpserver: HTTPServer) -> None:
    partner = Partner(httpserver)
    message = _drive(_message_to_pa(tmp_path, partner.url))
    assert message.status == "done" and message.attempts == 1 and message.finished_at
    ((body, headers),) = partner.requests
    assert body == message.body.encode()
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == str(message.id) == json.loads(body)["message_id"]
    assert is_valid(body, PA_SECRET, headers["X-Signature"])
    assert headers["X-Signature"].startswith("sha256=")
    attempt = PartnerMessageAttempt.objects.get(message=message)
    assert attempt.status_code == 200 and attempt.latency_ms >= 0 and not attempt.error


def test_503_and_a_timeout_are_retried_with_the_same_bytes_and_key(tmp_path, httpserver: HTTPServer) -> None:
    partner = Partner(httpserver, 503, "slow")
    message = _drive(_message_to_pa(tmp_path, partner.url))
    assert message.status == "done" and message.attempts == 3
    assert len({(body, headers["Idempotency-Key"], headers["X-Signature"]) for body, headers in partner.requests}) == 1
    codes = list(message.attempt_log.values_list("status_code", flat=True))
    assert codes == [503, None, 200]
    assert "Timeout" in message.attempt_log.get(number=2).error


def test_a_400_is_dead_at_once(tmp_path, httpserver: HTTPServer) -> None:
    partner = Partner(httpserver, 400)
    message = _drive(_message_to_pa(tmp_path, partner.url))
    assert message.status == "dead" and message.attempts == 1 and "HTTP 400" in message.last_error
    assert len(partner.requests) == 1


def test_a_partner_that_keeps_failing_is_dead_after_the_limit_and_can_be_resent(tmp_path, httpserver) -> None:
    partner = Partner(httpserver, 500, 502, 429, 408)
    message = _drive(_message_to_pa(tmp_path, partner.url))
    assert message.status == "dead" and message.attempts == 4
    assert partner_delivery.send(message.id).status == "skipped", "a dead message is not claimable"
    assert partners.resend([message.id]) == 1
    message = _drive(message)
    assert message.status == "done" and message.attempts == 5
    assert {h["Idempotency-Key"] for _, h in partner.requests} == {str(message.id)}


def test_an_unreachable_partner_is_retried(tmp_path) -> None:
    message = _message_to_pa(tmp_path, "http://127.0.0.1:9/pa")  # nothing listens on port 9
    result = partner_delivery.send(message.id)
    message.refresh_from_db()
    assert result.status == "failed" and result.retry_in is not None and message.last_error.startswith("Connect")


def test_only_http_endpoints_are_posted_to(tmp_path) -> None:
    message = _message_to_pa(tmp_path, "http://127.0.0.1:9/pa")
    Airline.objects.filter(code="PA").update(endpoint="file:///etc/passwd")  # set behind the admin's back
    message = _drive(message)
    assert message.status == "dead" and "not an http/https URL" in message.last_error


def test_retry_after_is_honoured_and_long_waits_go_to_the_sweep(tmp_path, httpserver, settings) -> None:
    settings.PARTNER_RETRY_BASE_SECONDS = 1.0
    partner = Partner(httpserver, 429, retry_after="120")
    message = _message_to_pa(tmp_path, partner.url)
    result = partner_delivery.send(message.id)
    assert result.status == "failed" and result.retry_in == 120
    message.refresh_from_db()
    assert message.next_attempt_at > timezone.now() + timezone.timedelta(seconds=110)
    assert partner_delivery.due_for_sweep(10) == []
    PartnerMessage.objects.filter(id=message.id).update(next_attempt_at=timezone.now() - timezone.timedelta(hours=1))
    assert partner_delivery.due_for_sweep(10) == [message.id]


def test_a_message_whose_worker_died_is_swept_then_buried_after_its_last_attempt(tmp_path) -> None:
    message = _message_to_pa(tmp_path, "http://127.0.0.1:9/pa")
    expired = timezone.now() - timezone.timedelta(seconds=1)
    PartnerMessage.objects.filter(id=message.id).update(status="running", attempts=1, lease_expires_at=expired)
    assert partner_delivery.due_for_sweep(10) == [message.id], "its worker died mid-attempt"
    PartnerMessage.objects.filter(id=message.id).update(attempts=message.attempt_limit)
    assert partner_delivery.due_for_sweep(10) == []
    message.refresh_from_db()
    assert (message.status, message.last_error) == ("dead", "worker lost during the last attempt")


def test_two_senders_never_hold_a_message_at_once(tmp_path) -> None:
    import uuid

    message = _message_to_pa(tmp_path, "http://127.0.0.1:9/pa")
    assert partner_delivery.claim(message.id, uuid.uuid4())
    assert not partner_delivery.claim(message.id, uuid.uuid4())


@pytest.mark.parametrize(
    ("status", "verdict"),
    [(200, Verdict.DELIVERED), (204, Verdict.DELIVERED), (None, Verdict.RETRY), (408, Verdict.RETRY),
     (429, Verdict.RETRY), (500, Verdict.RETRY), (503, Verdict.RETRY), (400, Verdict.REFUSED), (401, Verdict.REFUSED),
     (404, Verdict.REFUSED), (301, Verdict.REFUSED)],
)  # fmt: skip
def test_verdicts(status: int | None, verdict: Verdict) -> None:
    assert verdict_for(status) is verdict


def test_the_default_schedule_spans_over_a_minute_in_at_least_five_attempts(settings) -> None:
    base, cap = 10.0, 3600.0  # the defaults of airline/settings.py
    shortest = sum(next_wait(attempt, base=base, cap=cap, retry_after=None) for attempt in range(1, 5))
    assert shortest >= 60
    assert next_wait(3, base=base, cap=30, retry_after=9999) == 30, "never beyond the cap"
    now = timezone.now()
    assert retry_after_seconds("7", now) == 7
    assert retry_after_seconds("soon", now) is None


def test_the_outcome_section_lists_each_message(tmp_path, httpserver: HTTPServer) -> None:
    partner = Partner(httpserver)
    _drive(_message_to_pa(tmp_path, partner.url))
    with CaptureQueriesContext(connection) as queries:
        section = partner_messages_section()
    assert len(queries) == 1
    assert {
        "partner": "PA",
        "kind": "inbound_delay",
        "flight": "PA2231/2026-11-25",
        "passengers": ["AB12CD-1", "QX7K2M-1", "QX7K2M-2"],
        "status": "delivered",
        "attempts": 1,
    } in section
    assert {"partner": "PB", "kind": "inbound_delay", "flight": "PB400/2026-11-25", "passengers": ["CD34EF-1"],
            "status": "pending", "attempts": 0} in section  # fmt: skip


def _handler_queries(tmp_path: Any, bulk_bookings: int) -> int:
    notify_network(tmp_path, bulk_bookings=bulk_bookings)
    event = delay_flight(flight=_flight("NV117"), delay_minutes=120, reason="TECH")
    with CaptureQueriesContext(connection) as queries:
        handle(event, "partners")
    assert PartnerMessage.objects.get(partner_id="PA").passenger_refs.__len__() == 3 + 10 * bulk_bookings
    return len(queries)


def test_the_handlers_queries_do_not_grow_with_passengers(tmp_path) -> None:
    assert _handler_queries(tmp_path, 1) == _handler_queries(tmp_path, 30)


def test_operators_can_send_a_signed_test_message_from_the_admin(tmp_path, httpserver, admin_client) -> None:
    partner = Partner(httpserver)
    notify_network(tmp_path, pa_endpoint=partner.url)
    response = admin_client.post(
        "/admin/notifications/partner/", {"action": "send_test_message", "_selected_action": ["PA"]}, follow=True
    )
    assert "PA: 200" in response.content.decode()
    ((body, headers),) = partner.requests
    assert json.loads(body)["kind"] == "test" and is_valid(body, PA_SECRET, headers["X-Signature"])
