"""The partner sandbox inbox, the command that points partners at it, the admin, and one flow end to end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from flights.models import Airline, Flight
from flights.services import delay_flight
from notifications.models import PartnerMessage, SandboxDelivery
from notifications.signing import signature
from tests.support.flows import flush_test_redis, handle, wait_until_finished
from tests.support.notify import PA_SECRET, PB_SECRET, notify_network
from tests.support.processes import WorkerProcess, wait_for

URL = "/sandbox/partners/PA/"
BODY = json.dumps({"message_id": "m-1", "kind": "inbound_delay"}).encode()


@pytest.fixture
def sandbox(db, tmp_path, settings) -> None:
    settings.PARTNER_SANDBOX_ENABLED = True
    notify_network(tmp_path)


def _post(client: Client, *, key: str = "m-1", sig: str | None = None, url: str = URL) -> Any:
    return client.post(
        url, BODY, content_type="application/json",
        headers={"Idempotency-Key": key, "X-Signature": signature(BODY, PA_SECRET) if sig is None else sig},
    )  # fmt: skip


def test_a_signed_message_is_recorded_once_per_idempotency_key(sandbox, client: Client) -> None:
    assert _post(client).status_code == 201
    assert _post(client).status_code == 200, "a retry is acknowledged"
    (delivery,) = SandboxDelivery.objects.all()
    assert (delivery.partner_id, delivery.idempotency_key, delivery.kind) == ("PA", "m-1", "inbound_delay")
    assert delivery.signature_valid and delivery.body.encode() == BODY


def test_a_bad_signature_is_refused_and_recorded(sandbox, client: Client) -> None:
    assert _post(client, sig=signature(BODY, "wrong")).status_code == 401
    assert _post(client, sig="").status_code == 401
    assert _post(client).status_code == 201, "bad attempts do not block the real message"
    assert list(SandboxDelivery.objects.order_by("id").values_list("signature_valid", flat=True)) == [
        False, False, True,
    ]  # fmt: skip


def test_unknown_partners_and_gets_are_refused(sandbox, client: Client) -> None:
    assert _post(client, url="/sandbox/partners/NV/").status_code == 404, "own airlines have no inbox"
    assert client.get(URL).status_code == 405


def test_the_sandbox_is_off_unless_enabled(sandbox, client: Client, settings) -> None:
    settings.PARTNER_SANDBOX_ENABLED = False
    assert _post(client).status_code == 404
    assert not SandboxDelivery.objects.exists()


def test_partners_can_be_pointed_at_the_sandbox(sandbox) -> None:
    call_command("point_partners_at_sandbox", "--base-url", "http://127.0.0.1:8000/", stdout=io.StringIO())
    assert dict(Airline.objects.filter(own=False).values_list("code", "endpoint")) == {
        "PA": "http://127.0.0.1:8000/sandbox/partners/PA/",
        "PB": "http://127.0.0.1:8000/sandbox/partners/PB/",
    }
    assert Airline.objects.get(code="NV").endpoint == ""


def test_the_admin_never_shows_secrets_and_resends(sandbox, admin_client: Client) -> None:
    page = admin_client.get("/admin/notifications/partner/").content.decode()
    assert "Partner Air" in page and "Novair" not in page and PA_SECRET not in page
    change = admin_client.get("/admin/notifications/partner/PA/change/").content.decode()
    assert PA_SECRET not in change
    event = delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=120, reason="TECH")

    handle(event, "partners")
    message = PartnerMessage.objects.get(partner_id="PA")
    PartnerMessage.objects.filter(id=message.id).update(status="dead", attempts=8)
    assert admin_client.get(f"/admin/notifications/partnermessage/{message.id}/change/").status_code == 200
    admin_client.post(
        "/admin/notifications/partnermessage/", {"action": "resend", "_selected_action": [str(message.id)]}
    )
    message.refresh_from_db()
    assert message.status == "pending" and message.attempt_limit > message.attempts
    assert admin_client.get("/admin/notifications/passengermessage/?q=QX7K2M-1").status_code == 200
    assert admin_client.get("/admin/notifications/sandboxdelivery/").status_code == 200


@pytest.fixture
def worker(transactional_db, tmp_path_factory) -> Iterator[WorkerProcess]:
    flush_test_redis()
    process = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log")
    yield process
    process.stop()


@pytest.mark.django_db(transaction=True)
def test_a_late_feeder_sends_each_partner_one_signed_message_end_to_end(
    worker: WorkerProcess, live_server: Any, tmp_path, settings
) -> None:
    settings.PARTNER_SANDBOX_ENABLED = True  # the live server runs in this process
    notify_network(tmp_path)
    call_command("point_partners_at_sandbox", "--base-url", live_server.url, stdout=io.StringIO())
    event = delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=120, reason="TECH")
    wait_until_finished(event, timeout=60)
    messages = PartnerMessage.objects.all()
    wait_for(lambda: all(m.status == "done" for m in messages.all()), timeout=30, what="partner deliveries")
    assert all(m.attempts == 1 for m in messages.all())
    received = SandboxDelivery.objects.filter(kind="inbound_delay")
    assert sorted(received.values_list("partner_id", flat=True)) == ["PA", "PB"], "one per partner"
    assert all(d.signature_valid for d in SandboxDelivery.objects.all())
    assert SandboxDelivery.objects.count() == messages.count()
    assert json.loads(received.get(partner_id="PB").body)["passengers"][0]["name"] == "TURING/ALAN"
    assert PB_SECRET not in worker.log_path.read_text()
