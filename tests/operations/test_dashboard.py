"""The Operations Control dashboard: today's disruptions with their progress, and the operators' queues."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry

from events.models import Delivery
from events.runner import run_delivery
from flights.services import cancel_flight, delay_flight
from operations.admin_site import OperationsAdminSite
from tests.factories import FlightFactory

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
                           "Stays unaccommodated", "Deliveries dead", "Partner messages dead"}  # fmt: skip
    for queue in queues.values():
        assert admin_client.get(queue.url).status_code == 200


def test_the_disruption_page_refreshes_itself_only_while_in_progress(admin_client) -> None:
    event = delay_flight(flight=FlightFactory(number="119"), delay_minutes=60, reason="TECH")
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' in page
    for delivery in event.deliveries.all():
        run_delivery(delivery.id)
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "completed" in page


def test_redelivering_lands_in_the_admin_log(admin_client) -> None:
    event = delay_flight(flight=FlightFactory(number="120"), delay_minutes=60, reason="TECH")
    delivery = event.deliveries.first()
    Delivery.objects.filter(id=delivery.id).update(status="dead", attempts=3)
    admin_client.post("/admin/events/delivery/", {"action": "redeliver_selected", "_selected_action": [delivery.id]})
    assert Delivery.objects.get(id=delivery.id).status == "pending"
    assert LogEntry.objects.filter(object_id=str(delivery.id), change_message="Redelivered").exists()
