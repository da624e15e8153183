"""Passenger emails through the HTTP email gateway (``notifications.email_gateway``) against a real local HTTP
server playing a provider that honours ``Idempotency-Key``: the key each email carries, the same key when a
send is repeated after a crash, gateway errors."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import time
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
from tests.airline.test_security import manage
from tests.support.flows import run_subscriber
from tests.support.notify import notify_network

pytestmark = pytest.mark.django_db

API_KEY = "test-gateway-key"


class Provider:
    """A transactional email API: delivers each idempotency key once and answers a repeat with the first
    answer; ``answers`` are what the next requests get first (a status, or ``"hang"``: accept, then answer
    too late)."""

    def __init__(self, server: HTTPServer, *answers: int | str) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.delivered: dict[str, dict[str, Any]] = {}
        server.expect_request("/emails", method="POST").respond_with_handler(self.handle)
        self.url = server.url_for("/emails")

    def handle(self, request: Request) -> Response:
        headers, email = dict(request.headers), json.loads(request.get_data())
        self.requests.append((headers, email))
        answer = self.answers.pop(0) if self.answers else 200
        if answer != 200 and answer != "hang":
            return Response(json.dumps({"message": "refused by the test"}), status=int(answer))
        self.delivered.setdefault(headers["Idempotency-Key"], email)
        if answer == "hang":
            time.sleep(1.5)
        return Response(json.dumps({"id": headers["Idempotency-Key"]}), status=200)

    @property
    def keys(self) -> list[str]:
        return [headers["Idempotency-Key"] for headers, _ in self.requests]


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


def _email_to_ada() -> PassengerMessage:
    return PassengerMessage.objects.get(channel="email", passenger__ref="QX7K2M-1")


def _status(message: PassengerMessage) -> tuple[str, str]:
    message.refresh_from_db()
    return message.status, message.last_error


def test_each_email_is_one_authorised_post_keyed_by_its_message_id(provider: Provider) -> None:
    emails = PassengerMessage.objects.filter(channel="email").order_by("id")
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 3, "dead": 0}
    assert provider.keys == [f"<passenger-message-{m.event_id}.delay.{m.passenger_id}@novair.example>" for m in emails]
    headers, email = next(r for r in provider.requests if r[1]["to"] == ["ada@example.org"])
    assert headers["Authorization"] == f"Bearer {API_KEY}" and headers["Content-Type"] == "application/json"
    assert email["from"] == "Novair <no-reply@novair.example>"
    assert email["subject"] == "Flight NV117/2026-11-25 is delayed by 90 minutes"
    assert "Dear Ada Lovelace" in email["text"]
    assert email["headers"] == {"Message-ID": headers["Idempotency-Key"]}, "the key is the email's own identity"


class KilledAfterTheGatewayAccepted(email_gateway.EmailBackend):
    """The gateway accepts the email, then the worker dies before the ``done`` commit (as a SIGKILL would)."""

    def send_messages(self, email_messages: Any) -> int:
        super().send_messages(email_messages)
        raise SystemExit("killed")


def test_a_send_repeated_by_the_sweep_after_a_crash_has_the_same_key_and_is_delivered_once(
    provider: Provider, settings: Any
) -> None:
    message = _email_to_ada()
    settings.EMAIL_BACKEND = f"{__name__}.KilledAfterTheGatewayAccepted"
    with pytest.raises(SystemExit):
        passenger_delivery.send_batch([message.id])
    assert _status(message) == ("running", ""), "claimed, its outcome never written"
    PassengerMessage.objects.filter(id=message.id).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    settings.EMAIL_BACKEND = "notifications.email_gateway.EmailBackend"
    assert passenger_delivery.due_for_sweep() == [message.id], "the lease expired: the sweep sends it again"
    assert passenger_delivery.send_batch(passenger_delivery.due_for_sweep()) == {"done": 1, "dead": 0}
    first, again = provider.keys
    assert first == again == passenger_delivery.message_id_header(message), "attempt-independent"
    assert len(provider.delivered) == 1, "the gateway absorbed the repeat"
    assert _status(message) == ("done", "")


class KilledAtTheThirdEmail(email_gateway.EmailBackend):
    """The gateway accepts the third email of the process, then the worker dies (as a SIGKILL would)."""

    accepted = 0

    def send_messages(self, email_messages: Any) -> int:
        sent = super().send_messages(email_messages)
        type(self).accepted += sent
        if self.accepted == 3:
            raise SystemExit("killed")
        return sent


@pytest.mark.parametrize(("per_write", "written"), [(2, 2), (20, 0)])
def test_a_worker_killed_mid_batch_sends_again_only_the_emails_whose_outcome_was_unwritten_absorbed_by_the_gateway(
    provider: Provider, settings: Any, monkeypatch: pytest.MonkeyPatch, per_write: int, written: int
) -> None:
    monkeypatch.setattr(passenger_delivery, "OUTCOMES_PER_WRITE", per_write)
    monkeypatch.setattr(passenger_delivery, "OUTCOME_WRITE_SECONDS", 60.0)
    monkeypatch.setattr(KilledAtTheThirdEmail, "accepted", 0)
    settings.EMAIL_BACKEND = f"{__name__}.KilledAtTheThirdEmail"
    emails = PassengerMessage.objects.filter(channel="email")
    with pytest.raises(SystemExit):
        passenger_delivery.send_batch(list(emails.values_list("id", flat=True)))
    assert emails.filter(status="done").count() == written, "the outcomes written before the kill"
    emails.update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    settings.EMAIL_BACKEND = "notifications.email_gateway.EmailBackend"
    assert passenger_delivery.send_batch(passenger_delivery.due_for_sweep()) == {"done": 3 - written, "dead": 0}
    assert len(provider.requests) == 6 - written and len(provider.delivered) == 3, "each repeat absorbed"


Updates = list[tuple[set[int], str]]


def _outcome_writes(send: Callable[[], object]) -> tuple[Updates, Updates]:
    """The claims and the outcome writes of passenger messages ``send`` makes: each statement's integer parameters
    (an outcome's: the message ids) and the ``synchronous_commit`` in force when it ran (``off``: its commit does
    not wait for the disk)."""
    claims: Updates = []
    outcomes: Updates = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith('UPDATE "notifications_passengermessage"'):
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
@pytest.mark.parametrize("write_seconds", [60.0, 0.0])
def test_emails_outcomes_are_written_together_without_waiting_for_the_disk_texts_one_by_one_durably(
    provider: Provider, monkeypatch: pytest.MonkeyPatch, write_seconds: float
) -> None:
    monkeypatch.setattr(passenger_delivery, "OUTCOME_WRITE_SECONDS", write_seconds)
    emails = set(PassengerMessage.objects.filter(channel="email").values_list("id", flat=True))
    texts = sorted(PassengerMessage.objects.filter(channel="sms").values_list("id", flat=True))
    claims, outcomes = _outcome_writes(lambda: passenger_delivery.send_batch(sorted(emails) + texts))
    assert [setting for _, setting in claims] == ["on"], "the claim waits for the disk before anything is sent"
    by_email = [(emails, "off")] if write_seconds else [({i}, "off") for i in sorted(emails)]
    assert outcomes == by_email + [({i}, "on") for i in texts], "a text's repeat would be a second text"
    assert PassengerMessage.objects.filter(status="done").count() == 5


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
def test_a_gateway_error_makes_that_message_dead_with_the_error(
    provider: Provider, answer: int | str, error: str
) -> None:
    provider.answers = [answer]
    emails = list(PassengerMessage.objects.filter(channel="email").order_by("id"))
    assert passenger_delivery.send_batch([m.id for m in emails]) == {"done": 2, "dead": 1}
    assert _status(emails[0]) == ("dead", error)
    assert [_status(m)[0] for m in emails[1:]] == ["done", "done"], "the batch goes on"


def test_an_operator_s_resend_after_a_timeout_is_absorbed_if_the_gateway_had_accepted(provider: Provider) -> None:
    message = _email_to_ada()
    provider.answers = ["hang"]  # accepted, answered after the timeout
    passenger_delivery.send_batch([message.id])
    assert _status(message)[0] == "dead"
    passenger_delivery.send_batch(passenger_delivery.resend([message.id]))
    assert _status(message) == ("done", "")
    assert len(provider.requests) == 2 and len(provider.delivered) == 1, "one email reached the passenger"


def test_an_unreachable_gateway_is_an_error_of_each_message(provider: Provider, settings: Any) -> None:
    settings.EMAIL_GATEWAY_URL = "http://127.0.0.1:9/emails"  # nothing listens on the discard port
    message = _email_to_ada()
    passenger_delivery.send_batch([message.id])
    status, error = _status(message)
    assert status == "dead" and error.startswith("EmailGatewayError: ConnectError: ")


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
