"""The claim of passenger messages to send (``passenger_delivery.claim``): which messages it takes by the lease
rules (``events.leasing``) at their boundaries, with the rest of their gateway batches, in a fixed number of
statements however many messages and batches it takes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flights.models import Flight
from flights.services import delay_flight
from notifications import email_gateway, passenger_delivery
from notifications.models import PassengerMessage
from tests.support.flows import run_subscriber
from tests.support.notify import notify_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages(tmp_path: Any, settings: Any) -> list[PassengerMessage]:
    """The delay's messages (three emails in one gateway batch, two texts), none sent yet."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify_network(tmp_path, bulk_bookings=2)
    run_subscriber(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=90), "notifications")
    return list(PassengerMessage.objects.order_by("id"))


def test_a_claim_takes_due_waiting_messages_and_expired_leases_and_nothing_else(
    messages: list[PassengerMessage], settings: Any
) -> None:
    PassengerMessage.objects.update(gateway_batch="")  # each message alone: the lease rules, not the batches
    now = timezone.now()
    second = dt.timedelta(seconds=1)
    limit = settings.PASSENGER_MAX_ATTEMPTS
    rows = {
        "pending": {"status": "pending"},
        "failed, due": {"status": "failed", "next_attempt_at": now - second, "attempts": 1},
        "failed, not yet due": {"status": "failed", "next_attempt_at": now + dt.timedelta(minutes=1), "attempts": 1},
        "running, lease expired": {"status": "running", "lease_expires_at": now - second, "attempts": 1},
        "running, lease held": {"status": "running", "lease_expires_at": now + dt.timedelta(minutes=1), "attempts": 1},
        "pending, one attempt left": {"status": "pending", "attempts": limit - 1},
        "pending, attempts used up": {"status": "pending", "attempts": limit},
        "done": {"status": "done", "attempts": 1},
        "dead": {"status": "dead", "attempts": 1},
    }
    assert len(messages) >= len(rows)
    by_case = dict(zip(rows, messages, strict=False))
    for case, fields in rows.items():
        PassengerMessage.objects.filter(id=by_case[case].id).update(**fields)
    token = uuid.uuid4()
    claimed = passenger_delivery.claim([m.id for m in by_case.values()], token)
    taken = {"pending", "failed, due", "running, lease expired", "pending, one attempt left"}
    assert sorted(m.id for m in claimed) == sorted(by_case[case].id for case in taken)
    for case in taken:
        message = PassengerMessage.objects.get(id=by_case[case].id)
        attempts = rows[case].get("attempts", 0)
        assert (message.status, message.attempts, message.lease_token) == ("running", attempts + 1, token), case
        lease = dt.timedelta(seconds=settings.PASSENGER_MESSAGE_LEASE_SECONDS - 5)
        assert message.lease_expires_at > timezone.now() + lease, "a fresh lease"
    for case in rows.keys() - taken:
        message = PassengerMessage.objects.get(id=by_case[case].id)
        assert (message.status, message.lease_token) == (rows[case]["status"], None), case


def test_a_claim_reads_each_message_with_its_passenger_and_event(messages: list[PassengerMessage]) -> None:
    email = next(m for m in messages if m.channel == "email")
    (claimed, *others) = [m for m in passenger_delivery.claim([email.id], uuid.uuid4()) if m.id == email.id]
    assert not others
    assert (claimed.kind, claimed.channel, claimed.recipient, claimed.event_id, claimed.passenger_id) == (
        email.kind, "email", email.recipient, email.event_id, email.passenger_id
    )  # fmt: skip
    assert (claimed.gateway_batch, claimed.context, claimed.payload) == (
        email.gateway_batch, email.context, email.event.payload
    )  # fmt: skip
    person = email.passenger
    assert claimed.passenger == {"ref": person.ref, "first_name": person.first_name, "last_name": person.last_name}
    assert claimed.drill is False


def test_a_claim_takes_the_whole_batch_of_each_message_asked_for_and_only_those(
    messages: list[PassengerMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    emails = [m for m in messages if m.channel == "email"]
    batches = {m.gateway_batch for m in emails}
    asked = next(m for m in emails if m.gateway_batch == sorted(batches)[0])
    claimed = passenger_delivery.claim([asked.id], uuid.uuid4())
    assert sorted(m.id for m in claimed) == sorted(m.id for m in emails if m.gateway_batch == asked.gateway_batch)
    assert {m.channel for m in claimed} == {"email"}, "no text: texts have no batch"


def test_a_claim_is_three_statements_however_many_messages_and_batches_it_takes(
    messages: list[PassengerMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    def statements(message_ids: list[int]) -> int:
        PassengerMessage.objects.update(status="pending", attempts=0, lease_token=None, lease_expires_at=None)
        with CaptureQueriesContext(connection) as queries:
            assert passenger_delivery.claim(message_ids, uuid.uuid4())
        return len(queries)

    one = statements([messages[0].id])
    monkeypatch.setattr(email_gateway, "BATCH_LIMIT", 2)  # the same messages in more, smaller batches
    PassengerMessage.objects.all().delete()
    run_subscriber(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=95), "notifications")
    again = list(PassengerMessage.objects.order_by("id").values_list("id", flat=True))
    assert PassengerMessage.objects.exclude(gateway_batch="").values("gateway_batch").distinct().count() > 2
    assert one == statements(again) == 3, "the batches, the claim with its rows, the events"
