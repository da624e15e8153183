"""Notifications' data migrations: one lease vocabulary keeps every partner and passenger message and what its status
meant; messages already written learn the flight they are about."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import Event
from flights.models import Flight
from flights.services import delay_flight
from notifications.models import PassengerMessage
from passengers.models import Passenger
from tests.support.notify import notify_network
from tests.support.schema import migrate_every_app_forward

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("notifications", "0001_initial")
LEASED = ("notifications", "0002_leased_work")


def _migrate(target: tuple[str, str]) -> Apps:
    """Migrate notifications to ``target``; return the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def delayed(tmp_path: Path) -> Iterator[Event]:
    """The notification network after a delay; notifications migrated forward again afterwards."""
    notify_network(tmp_path)
    try:
        yield delay_flight(flight=Flight.objects.get(carrier_id="NV", number="117"), delay_minutes=120, reason="TECH")
    finally:
        migrate_every_app_forward()


@pytest.fixture
def old_models(delayed: Event) -> tuple[Apps, Event]:
    """The network after a delay, with notifications migrated back to before the lease vocabulary."""
    return _migrate(BEFORE), delayed


def test_statuses_and_fields_are_carried_over(old_models: tuple[Apps, Event]) -> None:
    old, event = old_models
    now = timezone.now()
    flights = list(Flight.objects.filter(carrier__own=False).order_by("id"))
    old_partner_message = old.get_model("notifications", "PartnerMessage")

    def partner(kind: str, flight: Flight, status: str, **fields: Any) -> uuid.UUID:
        return old_partner_message.objects.create(
            event_id=event.id, partner_id=flight.carrier_id, flight_id=flight.id, kind=kind, body="{}", status=status,
            attempt_limit=8, **fields,
        ).id  # fmt: skip

    lease = uuid.uuid4()
    partners = {
        "delivered": partner("inbound_delay", flights[0], "delivered", attempts=1, delivered_at=now),
        "refused": partner("rebooked_in", flights[0], "failed", attempts=1, last_error="HTTP 400: bad"),
        "gave up": partner("rebooked_out", flights[0], "dead", attempts=8, last_error="HTTP 503: busy"),
        "sending": partner("inbound_delay", flights[1], "pending", attempts=2, lease_token=lease, last_error="x"),
        "retrying": partner("rebooked_in", flights[1], "pending", attempts=2, last_error="Timeout: slow"),
        "resent": partner("inbound_delay", flights[2], "pending", attempts=8),
        "new": partner("rebooked_out", flights[1], "pending"),
    }
    old_passenger_message = old.get_model("notifications", "PassengerMessage")
    ada = Passenger.objects.get(ref="QX7K2M-1")

    def passenger(kind: str, status: str, **fields: Any) -> int:
        return old_passenger_message.objects.create(
            passenger_id=ada.id, event_id=event.id, kind=kind, channel="email", recipient="ada@example.org",
            status=status, **fields,
        ).id  # fmt: skip

    passengers = {
        "sent": passenger("delay", "sent", sent_at=now),
        "failed": passenger("cancellation", "failed", error="SMTPException: refused"),
        "held": passenger("gate_change", "pending", claim_token=lease, claimed_until=now),
        "new": passenger("voucher", "pending"),
    }

    leased = _migrate(LEASED)
    partner_message = leased.get_model("notifications", "PartnerMessage")
    passenger_message = leased.get_model("notifications", "PassengerMessage")

    got = {name: partner_message.objects.get(id=pk) for name, pk in partners.items()}
    assert {name: (m.status, m.attempts) for name, m in got.items()} == {
        "delivered": ("done", 1), "refused": ("dead", 1), "gave up": ("dead", 8), "sending": ("running", 2),
        "retrying": ("failed", 2), "resent": ("pending", 8), "new": ("pending", 0),
    }  # fmt: skip
    assert got["delivered"].finished_at == now and got["refused"].last_error == "HTTP 400: bad"
    assert got["sending"].lease_token == lease
    sent = {name: passenger_message.objects.get(id=pk) for name, pk in passengers.items()}
    assert {name: (m.status, m.attempts) for name, m in sent.items()} == {
        "sent": ("done", 1), "failed": ("dead", 1), "held": ("running", 1), "new": ("pending", 0),
    }  # fmt: skip
    assert sent["sent"].finished_at == now and sent["failed"].last_error == "SMTPException: refused"
    assert (sent["held"].lease_token, sent["held"].lease_expires_at) == (lease, now)


def test_messages_already_written_learn_their_event_s_flight(delayed: Event) -> None:
    old_message = _migrate(LEASED).get_model("notifications", "PassengerMessage")
    ada = Passenger.objects.get(ref="QX7K2M-1")
    written = old_message.objects.create(
        passenger_id=ada.id, event_id=delayed.id, kind="delay", channel="email", recipient="ada@example.org"
    )
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("notifications")[0]
    _migrate(latest)
    message = PassengerMessage.objects.get(id=written.id)
    assert (message.flight_id, message.kind, message.status) == (delayed.flight_id, "delay", "pending")
    assert message.flight_id == Flight.objects.get(carrier_id="NV", number="117").id
