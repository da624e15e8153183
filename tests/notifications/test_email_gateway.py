"""Passenger emails through the HTTP email gateway (``notifications.email_gateway``) against a real local HTTP
server playing a provider that honours ``Idempotency-Key``: the batches an event's emails go in and the key each
carries, the same batch under the same key when a send is repeated after a crash or resent, gateway errors."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flights.models import Flight
from flights.services import delay_flight
from notifications import email_gateway, partner_http, passenger_delivery
from notifications.models import PassengerMessage
from passengers.models import Passenger
from tests.airline.test_security import manage
from tests.support.flows import run_subscriber
from tests.support.notify import notify_network

pytestmark = pytest.mark.django_db

API_KEY = "test-gateway-key"


class Provider:
    """A transactional email API in Resend's shape: ``POST /emails`` delivers each idempotency key once and
    answers a repeat with the first answer; ``POST /emails/batch`` delivers a batch's emails once per key,
    answers the same emails under the key again from its record and refuses other emails under it (409), and,
    validation being permissive, refuses only the emails to an address of ``refused`` (listed by index).
    ``answers`` are what the next requests get first (a status, ``"hang"``: accept, then answer too late, or
    ``"garbled"``: a success whose body is not the API's JSON)."""

    def __init__(self, server: HTTPServer, *answers: int | str) -> None:
        self.answers = list(answers)
        self.refused: set[str] = set()
        self.requests: list[tuple[str, dict[str, str], Any]] = []  # (path, headers, JSON body)
        self.delivered: dict[str, dict[str, Any]] = {}  # Message-ID → the email delivered
        self.batches: dict[str, Any] = {}  # key → the emails first sent under it
        server.expect_request("/emails", method="POST").respond_with_handler(self.handle)
        server.expect_request("/emails/batch", method="POST").respond_with_handler(self.handle)
        self.url = server.url_for("/emails")

    def handle(self, request: Request) -> Response:
        headers, body = dict(request.headers), json.loads(request.get_data())
        self.requests.append((request.path, headers, body))
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "garbled":
            return Response("<html>accepted</html>", status=200)
        if answer != 200 and answer != "hang":
            return Response(json.dumps({"message": "refused by the test"}), status=int(answer))
        key = headers["Idempotency-Key"]
        if request.path == "/emails":
            self.delivered.setdefault(key, body)
            reply: dict[str, Any] = {"id": key}
        elif self.batches.setdefault(key, body) != body:
            return Response(json.dumps({"name": "invalid_idempotent_request"}), status=409)
        else:
            refused = [index for index, email in enumerate(body) if set(email["to"]) & self.refused]
            for index, email in enumerate(body):
                if index not in refused:
                    self.delivered.setdefault(email["headers"]["Message-ID"], email)
            reply = {"data": [{"id": f"{key}#{i}"} for i in range(len(body)) if i not in refused],
                     "errors": [{"index": i, "message": "Invalid `to` field."} for i in refused]}  # fmt: skip
        if answer == "hang":
            time.sleep(1.5)
        return Response(json.dumps(reply), status=200)

    @property
    def keys(self) -> list[str]:
        return [headers["Idempotency-Key"] for _, headers, _ in self.requests]


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """A threaded server: a request left hanging does not hold up the next one."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def provider(server: HTTPServer, settings: Any, tmp_path: Any) -> Provider:
    provider = Provider(server)
    settings.EMAIL_BACKEND = "notifications.email_gateway.EmailBackend"
    settings.EMAIL_GATEWAY_URL, settings.EMAIL_GATEWAY_API_KEY = provider.url, API_KEY
    settings.EMAIL_TIMEOUT = 0.5
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"
    notify_network(tmp_path)
    run_subscriber(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=90), "notifications")
    return provider


def _emails() -> list[PassengerMessage]:
    return list(PassengerMessage.objects.filter(channel="email").order_by("id"))


def _status(message: PassengerMessage) -> tuple[str, str]:
    message.refresh_from_db()
    return message.status, message.last_error


def _batch_key(message: PassengerMessage, number: int = 0) -> str:
    return f"passenger-messages/{message.event_id}.{message.kind}.{number}"


def test_an_event_s_emails_of_one_kind_go_in_one_authorised_batch_under_the_batch_s_key(provider: Provider) -> None:
    emails = _emails()
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 3, "dead": 0}
    ((path, headers, batch),) = provider.requests
    assert path == "/emails/batch" and headers["Idempotency-Key"] == _batch_key(emails[0])
    assert headers["Authorization"] == f"Bearer {API_KEY}" and headers["Content-Type"] == "application/json"
    assert headers["X-Batch-Validation"] == "permissive", "one refused address does not stop the others"
    assert [email["to"] for email in batch] == [[m.recipient] for m in emails]
    assert [email["headers"] for email in batch] == [
        {"Message-ID": f"<passenger-message-{m.event_id}.delay.{m.passenger_id}@novair.example>"} for m in emails
    ], "each email keeps its own identity"
    ada = next(email for email in batch if email["to"] == ["ada@example.org"])
    assert ada["from"] == "Novair <no-reply@novair.example>"
    assert ada["subject"] == "Flight NV117/2026-11-25 is delayed by 90 minutes"
    assert "Dear Ada Lovelace" in ada["text"]


def _delayed_with_batches_of_two(
    server: HTTPServer, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Provider:
    """NV117 delayed 90 minutes with a gateway that takes two emails a batch (its three emails: two batches)."""
    monkeypatch.setattr(email_gateway, "BATCH_LIMIT", 2)
    provider = Provider(server)
    settings.EMAIL_BACKEND = "notifications.email_gateway.EmailBackend"
    settings.EMAIL_GATEWAY_URL, settings.EMAIL_GATEWAY_API_KEY = provider.url, API_KEY
    notify_network(tmp_path)
    run_subscriber(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=90), "notifications")
    return provider


def test_a_kind_s_emails_beyond_the_gateway_s_limit_go_in_further_batches(
    server: HTTPServer, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = _delayed_with_batches_of_two(server, settings, tmp_path, monkeypatch)
    emails = _emails()
    assert [m.gateway_batch for m in sorted(emails, key=lambda m: m.passenger_id)] == [
        _batch_key(emails[0], 0), _batch_key(emails[0], 0), _batch_key(emails[0], 1)
    ], "written with the messages, by passenger"  # fmt: skip
    assert set(PassengerMessage.objects.filter(channel="sms").values_list("gateway_batch", flat=True)) == {""}
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 3, "dead": 0}
    assert sorted((key, len(body)) for (_, _, body), key in zip(provider.requests, provider.keys, strict=True)) == [
        (_batch_key(emails[0], 0), 2), (_batch_key(emails[0], 1), 1)
    ]  # fmt: skip


def test_the_same_messages_written_again_get_the_same_batches() -> None:
    rows = [
        (9, "delay", "email"),
        (3, "delay", "sms"),
        (3, "delay", "email"),
        (5, "hotel", "email"),
        (1, "delay", "email"),
    ]
    batches = passenger_delivery.gateway_batches("E", rows)
    assert batches == ["passenger-messages/E.delay.0", "", "passenger-messages/E.delay.0",
                       "passenger-messages/E.hotel.0", "passenger-messages/E.delay.0"]  # fmt: skip
    assert passenger_delivery.gateway_batches("E", reversed(rows)) == batches[::-1], "whatever the order given"
    many = passenger_delivery.gateway_batches("E", [(n, "delay", "email") for n in range(201, 0, -1)])
    assert [many.count(f"passenger-messages/E.delay.{n}") for n in range(3)] == [100, 100, 1]
    assert many[-100:] == ["passenger-messages/E.delay.0"] * 100, "the lowest passenger ids first"


def test_an_email_without_a_batch_is_sent_alone_keyed_by_its_message_id(provider: Provider) -> None:
    PassengerMessage.objects.update(gateway_batch="")  # as written before batches existed
    emails = _emails()
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 3, "dead": 0}
    assert provider.keys == [passenger_delivery.message_id_header(m) for m in emails]
    assert {path for path, _, _ in provider.requests} == {"/emails"} and len(provider.delivered) == 3


class KilledAfterTheGatewayAccepted(email_gateway.EmailBackend):
    """The gateway accepts the batch, then the worker dies before the ``done`` commit (as a SIGKILL would)."""

    def send_batch(self, email_messages: Any, key: str) -> list[str]:
        super().send_batch(email_messages, key)
        raise SystemExit("killed")


def _kill_after_the_gateway_accepted(provider: Provider, settings: Any, message_ids: list[int]) -> None:
    """Send ``message_ids`` with a worker killed once the gateway took them; then let their lease expire."""
    settings.EMAIL_BACKEND = f"{__name__}.KilledAfterTheGatewayAccepted"
    with pytest.raises(SystemExit):
        passenger_delivery.send_batch(message_ids)
    settings.EMAIL_BACKEND = "notifications.email_gateway.EmailBackend"
    PassengerMessage.objects.filter(status="running").update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_claim_takes_the_whole_batch_and_the_sweep_sends_it_again_whole_absorbed_by_the_gateway(
    provider: Provider, settings: Any
) -> None:
    emails = _emails()
    _kill_after_the_gateway_accepted(provider, settings, [emails[1].id])
    assert [_status(m) for m in emails] == [("running", "")] * 3, "asked for one, its batch claimed whole"
    assert passenger_delivery.due_for_sweep() == sorted(m.id for m in emails)
    assert passenger_delivery.send_batch([emails[2].id]) == {"done": 3, "dead": 0}, "again whole, from any member"
    assert provider.keys == [_batch_key(emails[0])] * 2 and provider.requests[0][2] == provider.requests[1][2]
    assert len(provider.delivered) == 3, "the gateway answered the repeat from its record"
    assert [_status(m) for m in emails] == [("done", "")] * 3


def test_a_batch_whose_emails_changed_between_attempts_is_refused_and_dead_not_delivered_twice(
    provider: Provider, settings: Any
) -> None:
    emails = _emails()
    _kill_after_the_gateway_accepted(provider, settings, [m.id for m in emails])
    Passenger.objects.filter(email="ada@example.org").update(first_name="Augusta")
    assert passenger_delivery.send_batch(passenger_delivery.due_for_sweep()) == {"done": 0, "dead": 3}
    assert {_status(m) for m in emails} == {
        ("dead", 'EmailGatewayError: HTTP 409: {"name": "invalid_idempotent_request"}')
    }
    assert len(provider.delivered) == 3


def test_a_sender_asked_for_part_of_a_batch_another_holds_sends_nothing(provider: Provider) -> None:
    emails = _emails()
    token = uuid.uuid4()
    assert len(passenger_delivery.claim([emails[0].id], token)) == 3
    assert passenger_delivery.send_batch([emails[2].id]) == {"done": 0, "dead": 0}
    assert provider.requests == []


Updates = list[tuple[set[int], str]]


def _outcome_writes(send: Callable[[], object]) -> tuple[Updates, Updates]:
    """The claims and the outcome writes of passenger messages ``send`` makes: each statement's integer parameters
    (an outcome's: the message ids) and the ``synchronous_commit`` in force when it ran (``off``: its commit does
    not wait for the disk)."""
    claims: Updates = []
    outcomes: Updates = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'UPDATE "notifications_passengermessage"' in sql:  # a claim is inside a WITH
            with context["connection"].connection.cursor() as raw:  # the same transaction, not this wrapper
                raw.execute("SHOW synchronous_commit")
                (setting,) = raw.fetchone()
            ids = {p for p in params if isinstance(p, int)}
            (claims if '"attempts" =' in sql else outcomes).append((ids, setting))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        send()
    return claims, outcomes


@pytest.mark.django_db(transaction=True)  # the sender's own transactions, as in a worker
def test_a_batch_s_outcomes_are_written_together_without_waiting_for_the_disk_texts_one_by_one_durably(
    provider: Provider,
) -> None:
    emails = {m.id for m in _emails()}
    texts = sorted(PassengerMessage.objects.filter(channel="sms").values_list("id", flat=True))
    claims, outcomes = _outcome_writes(lambda: passenger_delivery.send_batch(sorted(emails) + texts))
    assert [setting for _, setting in claims] == ["on"], "the claim waits for the disk before anything is sent"
    assert outcomes == [(emails, "off")] + [({i}, "on") for i in texts], "a text's repeat would be a second text"
    assert PassengerMessage.objects.filter(status="done").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_claim_s_batches_are_all_sent_before_their_outcomes_are_written_in_one_statement(
    server: HTTPServer, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = _delayed_with_batches_of_two(server, settings, tmp_path, monkeypatch)
    emails = {m.id for m in _emails()}
    requests_before_outcome: list[int] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith('UPDATE "notifications_passengermessage"'):
            requests_before_outcome.append(len(provider.requests))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        _, outcomes = _outcome_writes(lambda: passenger_delivery.send_batch(sorted(emails)))
    assert len(provider.requests) == 2, "two gateway batches"
    assert outcomes == [(emails, "off")], "one write for the claim's two batches, not one a batch"
    assert requests_before_outcome == [2], "written once both batches were sent"


def test_every_http_client_shares_the_process_s_one_verifying_ssl_context(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[ssl.SSLContext] = []
    create = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(create(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    partner_http.ssl_context.cache_clear()
    for email in PassengerMessage.objects.filter(channel="email"):
        passenger_delivery.send_batch([email.id])  # a client per batch
    partner_http.post_signed("http://127.0.0.1:9/pa", b"{}", idempotency_key="k", secret="s")
    assert len(built) == 1 and built[0] is partner_http.ssl_context()
    assert built[0].verify_mode == ssl.CERT_REQUIRED and built[0].check_hostname


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (422, 'EmailGatewayError: HTTP 422: {"message": "refused by the test"}'),
        (503, 'EmailGatewayError: HTTP 503: {"message": "refused by the test"}'),
        ("hang", "EmailGatewayError: ReadTimeout: timed out"),
    ],
)
def test_a_batch_the_gateway_did_not_take_makes_each_of_its_messages_dead_with_the_error(
    provider: Provider, answer: int | str, error: str
) -> None:
    provider.answers = [answer]
    emails = _emails()
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 0, "dead": 3}
    assert [_status(m) for m in emails] == [("dead", error)] * 3


def test_a_batch_answered_with_an_unreadable_body_makes_each_of_its_messages_dead_saying_so(provider: Provider) -> None:
    provider.answers = ["garbled"]
    emails = _emails()
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 0, "dead": 3}
    assert [_status(m) for m in emails] == [("dead", "EmailGatewayError: unreadable answer: <html>accepted</html>")] * 3


def test_an_email_the_gateway_refused_in_a_batch_is_dead_and_the_others_done(provider: Provider) -> None:
    provider.refused = {"grace@example.org"}
    emails = _emails()
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 2, "dead": 1}
    assert {m.recipient: _status(m) for m in emails} == {
        "ada@example.org": ("done", ""),
        "grace@example.org": ("dead", "EmailGatewayError: refused: Invalid `to` field."),
        "ed@x.org": ("done", ""),
    }


def test_an_operator_s_resend_of_a_whole_batch_after_a_timeout_is_absorbed_if_the_gateway_had_accepted(
    provider: Provider,
) -> None:
    emails = _emails()
    provider.answers = ["hang"]  # accepted, answered after the timeout
    passenger_delivery.send_batch([m.id for m in emails])
    assert passenger_delivery.send_batch(passenger_delivery.resend([m.id for m in emails])) == {"done": 3, "dead": 0}
    assert provider.keys == [_batch_key(emails[0])] * 2, "the batch kept its key"
    assert len(provider.delivered) == 3, "each email reached its passenger once"


def test_part_of_a_batch_resent_goes_as_a_batch_of_its_own_under_a_new_key(provider: Provider) -> None:
    provider.refused = {"grace@example.org"}
    emails = _emails()
    passenger_delivery.send_batch([m.id for m in emails])
    (grace,) = PassengerMessage.objects.filter(status="dead")
    provider.refused = set()
    assert passenger_delivery.send_batch(passenger_delivery.resend([m.id for m in emails])) == {"done": 1, "dead": 0}
    first, again = provider.keys
    assert first == _batch_key(grace) and again.startswith("passenger-messages/resent-") and again != first
    assert [email["to"] for email in provider.requests[1][2]] == [["grace@example.org"]]
    assert _status(grace) == ("done", "")


def test_an_unreachable_gateway_is_an_error_of_each_message(provider: Provider, settings: Any) -> None:
    settings.EMAIL_GATEWAY_URL = "http://127.0.0.1:9/emails"  # nothing listens on the discard port
    emails = _emails()
    passenger_delivery.send_batch([m.id for m in emails])
    assert {_status(m)[0] for m in emails} == {"dead"}
    assert all(_status(m)[1].startswith("EmailGatewayError: ConnectError: ") for m in emails)


def test_a_batch_beyond_the_gateway_s_limit_is_refused_before_anything_is_sent(provider: Provider) -> None:
    emails = [EmailMessage("s", "b", to=[f"p{n}@example.org"]) for n in range(email_gateway.BATCH_LIMIT + 1)]
    with pytest.raises(ValueError, match="a batch takes at most 100 emails, not 101"), get_connection() as gateway:
        gateway.send_batch(emails, "k")
    assert provider.requests == []


@pytest.mark.parametrize(
    ("url", "api_key", "error"),
    [
        ("", API_KEY, "EMAIL_GATEWAY_URL '' is not an http/https URL"),
        ("ftp://mail.example/emails", API_KEY, "EMAIL_GATEWAY_URL 'ftp://mail.example/emails' is not an http/https"),
        ("https://mail.example/emails", "", "EMAIL_GATEWAY_API_KEY is empty"),
    ],
)
def test_a_misconfigured_gateway_is_refused_clearly(settings: Any, url: str, api_key: str, error: str) -> None:
    settings.EMAIL_GATEWAY_URL, settings.EMAIL_GATEWAY_API_KEY = url, api_key
    with pytest.raises(ImproperlyConfigured, match=error):
        get_connection("notifications.email_gateway.EmailBackend")


def test_an_attachment_is_refused_not_dropped(provider: Provider) -> None:
    email = EmailMessage("s", "b", to=["a@example.org"], attachments=[("a.txt", "x", "text/plain")])
    with pytest.raises(ValueError, match="does not send attachments"), get_connection() as connection:
        connection.send_messages([email])
    assert provider.requests == []


@pytest.mark.parametrize("unset", ["EMAIL_GATEWAY_URL", "EMAIL_GATEWAY_API_KEY"])
def test_no_process_starts_on_the_gateway_without_its_url_and_key(unset: str) -> None:
    gateway = {"EMAIL_BACKEND": "notifications.email_gateway.EmailBackend",
               "EMAIL_GATEWAY_URL": "https://mail.example/emails", "EMAIL_GATEWAY_API_KEY": API_KEY}  # fmt: skip
    result = manage("check", **gateway | {unset: ""})
    assert result.returncode != 0
    assert "EMAIL_BACKEND is the email gateway: set EMAIL_GATEWAY_URL and EMAIL_GATEWAY_API_KEY" in result.stderr
    assert API_KEY not in result.stderr


def test_an_email_whose_text_cannot_be_made_is_dead_alone_and_its_batch_mates_sent(provider: Provider) -> None:
    emails = _emails()
    PassengerMessage.objects.filter(recipient="ed@x.org").update(context=["not", "a", "mapping"])
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 2, "dead": 1}
    ed = next(m for m in emails if m.recipient == "ed@x.org")
    status, error = _status(ed)
    assert status == "dead" and error.startswith("TypeError: "), error
    ((_, _, batch),) = provider.requests
    assert sorted(email["to"][0] for email in batch) == ["ada@example.org", "grace@example.org"]
