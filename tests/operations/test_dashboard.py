"""The Operations Control dashboard: today's disruptions with their progress, and the operators' queues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry

from events.models import Delivery, Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from operations.admin_site import OperationsAdminSite
from operations.models import Duty
from tests.factories import FlightFactory
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_operations_control() -> None:
    assert isinstance(admin.site, OperationsAdminSite)


def test_the_dashboard_shows_todays_disruptions_and_their_progress(admin_client) -> None:
    delayed = delay_flight(flight=FlightFactory(number="117"), delay_minutes=200, reason="TECH")
    for delivery in delayed.deliveries.all():
        run_delivery(delivery.id)
    cancel_flight(flight=FlightFactory(number="118"), reason="WX")
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    rows = {d["event"].payload["flight"]: d for d in page.context["disruptions"]}
    first, second = rows["NV117/2026-11-25"], rows["NV118/2026-11-25"]
    assert (first["status"], first["done"] == first["total"]) == ("completed", True)
    assert (second["status"], second["done"]) == ("in_progress", 0)
    assert (first["business_status"], second["business_status"]) == ("handled", "in_progress"), "nobody booked"
    html = page.content.decode()
    assert "Operations Control" in html
    assert f"/admin/events/event/{delayed.pk}/change/" in html
    queues = {q.label: q for q in page.context["queues"]}
    assert set(queues) == {"Duties overdue", "Duties open", "Passengers' bookings unprotected",
                           "Stays unaccommodated", "Deliveries dead", "Partner messages dead",
                           "Drills failed"}  # fmt: skip
    for queue in queues.values():
        assert admin_client.get(queue.url).status_code == 200


def test_redelivering_lands_in_the_admin_log(admin_client) -> None:
    event = delay_flight(flight=FlightFactory(number="120"), delay_minutes=60, reason="TECH")
    delivery = event.deliveries.first()
    Delivery.objects.filter(id=delivery.id).update(status="dead", attempts=3)
    admin_client.post("/admin/events/delivery/", {"action": "redeliver_selected", "_selected_action": [delivery.id]})
    assert Delivery.objects.get(id=delivery.id).status == "pending"
    assert LogEntry.objects.filter(object_id=str(delivery.id), change_message="Redelivered").exists()


def _network(tmp_path: Path, size: int) -> Flight:
    """NV1 LHR→CDG for NV100 CDG→JFK, the only flight on: a long delay of NV1 strands the STRAND party."""
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59")],
        [scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=size), scenario_booking("SOLO01", [("1", "Y")])],
        tmp_path,
    )
    return Flight.objects.get(number="1")


def test_the_dashboard_shows_each_disruptions_open_duties_by_kind_and_links_them(admin_client, tmp_path: Path) -> None:
    root = delay_flight(flight=_network(tmp_path, size=3), delay_minutes=300, reason="TECH")
    run_flow(root)
    page = admin_client.get("/admin/")
    (row,) = page.context["disruptions"]
    assert row["business_status"] == "needs_action"
    assert "reaccommodation 3 open" in row["duties"] and "hotel 3 open" in row["duties"]
    html = page.content.decode()
    assert "NV1 LHR→CDG" in html and "occurred (UTC)" in html and "departs (UTC)" in html
    kinds = {k.kind: k for k in page.context["duties_by_kind"]}
    open_reaccommodations = Duty.objects.filter(kind="reaccommodation", status="open")
    assert kinds["reaccommodation"].open == open_reaccommodations.count() == 3
    listed = admin_client.get(kinds["reaccommodation"].open_url).context["cl"].result_list
    assert {d.pk for d in listed} == set(open_reaccommodations.values_list("pk", flat=True))
    assert admin_client.get(kinds["hotel"].overdue_url).context["cl"].result_count == kinds["hotel"].overdue


def test_the_dashboard_lists_flights_departing_within_48_hours_disrupted_on_an_earlier_day(admin_client, clock) -> None:
    flight = FlightFactory(number="130")  # departs 2026-11-25
    earlier = delay_flight(flight=flight, delay_minutes=60, reason="TECH")
    Event.objects.filter(pk=earlier.pk).update(occurred_at=earlier.occurred_at - dt.timedelta(days=2))
    rows = admin_client.get("/admin/").context["disruptions"]
    assert [r["event"].pk for r in rows] == [earlier.pk]


@pytest.mark.parametrize("size", [1, 6])
def test_the_dashboard_makes_the_same_queries_for_one_or_many_passengers(
    admin_client, tmp_path: Path, size: int, django_assert_max_num_queries
) -> None:
    run_flow(delay_flight(flight=_network(tmp_path, size=size), delay_minutes=300, reason="TECH"))
    cancel_flight(flight=FlightFactory(number="131"), reason="WX")
    with django_assert_max_num_queries(17):  # the same for 1 or 6 passengers (session and user included)
        admin_client.get("/admin/")
