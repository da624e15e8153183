"""``/metrics`` in this process: who may read it, and the database's gauges against rows the test wrote."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Delivery
from flights.models import Flight
from flights.services import delay_flight
from operations.models import Duty
from rights.duties import DutyKind
from tests.factories import FlightFactory
from tests.support.flows import run_subscriber
from tests.support.scenarios import load_stranding

from .scrape import samples, value

pytestmark = pytest.mark.django_db

SEVEN_MINUTES = dt.timedelta(minutes=7)
REMOTE = "203.0.113.7"  # a documentation address, outside the default allowed networks


@pytest.fixture
def guarded(settings) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({}, 401, "Bearer"),
        ({"HTTP_AUTHORIZATION": "Bearer wrong"}, 403, "wrong token"),
        ({"HTTP_AUTHORIZATION": "Basic s3cret-token"}, 401, "Bearer"),
    ],
)
def test_a_scraper_without_the_token_gets_a_clear_refusal_and_no_metrics(
    guarded: None, headers: dict[str, str], status: int, says: str
) -> None:
    response = Client(REMOTE_ADDR=REMOTE).get("/metrics", **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert says in response.content.decode()
    assert b"airline_" not in response.content
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


def test_the_token_or_an_allowed_network_opens_it(guarded: None) -> None:
    with_token = Client(REMOTE_ADDR=REMOTE).get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    from_network = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")
    for response in (with_token, from_network):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        assert b"# TYPE airline_deliveries gauge" in response.content


def test_without_a_token_only_the_allowed_networks_may_read_it(settings) -> None:
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200, "this host, by default"
    refused = Client(REMOTE_ADDR=REMOTE).get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert refused.status_code == 403
    assert "METRICS_ALLOWED_NETWORKS" in refused.content.decode()
    assert Client().post("/metrics").status_code == 405


def test_the_database_gauges_count_the_open_work_by_subscriber_and_queue() -> None:
    root = delay_flight(flight=FlightFactory(), delay_minutes=240, reason="TECH")  # no worker: nothing runs
    Delivery.objects.filter(event=root, subscriber="lodging").update(status="dead")
    Delivery.objects.filter(event=root, subscriber="partners").update(status="done")
    Delivery.objects.filter(event=root, subscriber="rebooking").update(created_at=timezone.now() - SEVEN_MINUTES)

    scraped = samples(Client().get("/metrics").content.decode())

    assert value(scraped, "airline_deliveries", subscriber="rebooking", status="pending") == 1
    assert value(scraped, "airline_deliveries", subscriber="lodging", status="dead") == 1
    assert value(scraped, "airline_deliveries", subscriber="lodging", status="pending") == 0
    assert value(scraped, "airline_deliveries", subscriber="partners", status="pending") == 0, "done is not counted"
    rebooking_age = value(scraped, "airline_queue_oldest_pending_delivery_age_seconds", queue="rebooking")
    assert rebooking_age is not None and SEVEN_MINUTES.total_seconds() <= rebooking_age < 8 * 60
    lodging = value(scraped, "airline_queue_oldest_pending_delivery_age_seconds", queue="lodging")
    assert lodging == 0, "its only delivery is dead, not waiting"
    assert value(scraped, "airline_flows", business_status="in_progress") == 1
    assert value(scraped, "airline_flows", business_status="handled") == 0


def test_open_and_overdue_duties_by_kind_and_the_flows_left_to_operators(tmp_path: Path, clock) -> None:
    load_stranding(tmp_path)
    root = delay_flight(flight=Flight.objects.get(number="1"), delay_minutes=224, reason="TECH")
    run_subscriber(root, "duties")  # the observer records what is owed; nobody else runs
    meals = Duty.objects.filter(root=root, kind="meal")
    assert meals.count() == 4
    meals.update(due=clock.now() + dt.timedelta(hours=1))
    meals.filter(id=meals.first().id).update(due=clock.now() - dt.timedelta(minutes=1))

    scraped = samples(Client().get("/metrics").content.decode())

    assert value(scraped, "airline_duties_open", kind="meal") == 4
    assert value(scraped, "airline_duties_overdue", kind="meal") == 1
    owed = {kind: Duty.objects.filter(kind=kind, status="open").count() for kind in DutyKind}
    assert {kind: value(scraped, "airline_duties_open", kind=kind) for kind in DutyKind} == owed
    assert sum(n > 0 for n in owed.values()) >= 2, "more than the meals are owed"
    Delivery.objects.filter(event__root=root).update(status="done")
    scraped = samples(Client().get("/metrics").content.decode())
    assert value(scraped, "airline_flows", business_status="needs_action") == 1, "done, duties still open"
