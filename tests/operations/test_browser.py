"""End to end in real headless Chromium: an operator delays a flight and watches its fan-out complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from events.models import Event
from tests.factories import FlightFactory
from tests.support.browser import delay_in_the_console, logged_in, operator, screenshot
from tests.support.flows import flush_test_redis
from tests.support.processes import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_delays_a_flight_and_sees_its_flow_complete(
    live_server, roles: None, browser: Browser, tmp_path: Path
) -> None:
    operator("controller", "Operations controller")
    operator("viewer", "Viewer")
    flight = FlightFactory()
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log")
    try:
        page = logged_in(browser, live_server.url, "controller")
        delay_in_the_console(page, live_server.url, flight.pk, 150)
        event = Event.objects.get(flight=flight)
        expect(page).to_have_url(f"{live_server.url}/admin/events/event/{event.pk}/change/")
        expect(page.locator("text=completed").first).to_be_visible(timeout=30_000)
        screenshot(page, "disruption")
        page.close()
    finally:
        worker.stop()
    assert event.deliveries.exclude(status="done").count() == 0

    viewer = logged_in(browser, live_server.url, "viewer")
    viewer.goto(f"{live_server.url}/admin/flights/flight/{flight.pk}/change/")
    expect(viewer.locator("#content")).to_be_visible()
    assert viewer.locator("text=Delay…").count() == 0
    viewer.close()
