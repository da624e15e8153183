"""End to end in real headless Chromium, with a real worker and beat: a controller delays a flight, acts on each
duty the flow left open (a hotel booked by hand, a refund, waivers) until the disruption is handled; customer
service sees a passenger's page but cannot disrupt flights (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from events.models import Event
from flights.models import Airport, Flight
from lodging.models import HotelStay
from operations.models import Duty
from passengers.models import Passenger
from tests.factories import HotelFactory, RoomNightFactory
from tests.support.browser import delay_in_the_console, logged_in, operator, reload_until, screenshot
from tests.support.flows import flush_test_redis
from tests.support.processes import BeatProcess, WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _duty_page(page: Page, base: str, ref: str, kind: str) -> None:
    duty = Duty.objects.get(passenger__ref=ref, kind=kind)
    page.goto(f"{base}/admin/operations/duty/{duty.pk}/change/")


def _waive(page: Page, base: str, ref: str, kind: str, reason: str) -> None:
    _duty_page(page, base, ref, kind)
    page.click("text=Waive…")
    page.fill("#id_reason", reason)
    page.click("input[name=apply]")
    expect(page.locator(".messagelist")).to_contain_text("Waiver published")


def test_a_controller_acts_on_the_open_duties_until_the_disruption_is_handled(
    live_server, roles: None, browser: Browser, stranded: Flight, tmp_path: Path
) -> None:
    base = live_server.url
    operator("controller", "Operations controller")
    operator("agent", "Customer service")
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log")
    beat = BeatProcess(tmp_path / "beat.log")
    try:
        page = logged_in(browser, base, "controller")
        delay_in_the_console(page, base, stranded.pk, 300)
        root = Event.objects.get(flight=stranded, type="flight.delayed")
        expect(page).to_have_url(f"{base}/admin/events/event/{root.pk}/change/")
        reload_until(page, "business status: needs action", timeout=90)
        expect(page.locator("#content")).to_contain_text("duties open")
        screenshot(page, "disruption-needs-action")
        page.goto(f"{base}/admin/")
        expect(page.locator("#disruptions")).to_contain_text("needs action")
        screenshot(page, "dashboard")
        page.click("#dashboard .queues >> text=Duties open")
        expect(page.locator("#result_list")).to_contain_text("STRAND-1")
        screenshot(page, "duties-open")

        # Lodging found no room at CDG: the controller books one by phone, at a hotel now listed with rooms.
        wait_for(lambda: HotelStay.objects.filter(passenger__ref="STRAND-1").exists(), timeout=30, what="the stay")
        night = HotelStay.objects.get(passenger__ref="STRAND-1").night
        hotel = HotelFactory(code="CDG-H1", airport=Airport.objects.get(code="CDG"), name="Roissy Airport Hotel")
        RoomNightFactory(hotel=hotel, night=night, rooms=5)
        _duty_page(page, base, "STRAND-1", "hotel")
        screenshot(page, "duty")
        page.click("text=Book a hotel by hand…")
        page.select_option("#id_hotel", str(hotel.pk))
        page.fill("#id_reference", "RX-42")
        screenshot(page, "duty-book-hotel")
        page.click("input[value='Book this hotel']")
        expect(page.locator(".messagelist")).to_contain_text("Booked")

        # No flight on tonight: the party takes a refund instead of travelling.
        _duty_page(page, base, "STRAND-1", "reaccommodation")
        page.click("text=Refund…")
        page.click("input[value='Refund this booking']")
        expect(page.locator(".messagelist")).to_be_visible()

        # STRAND-2 and STRAND-3 left no email or phone: the notice was handed over at the gate.
        for ref in ("STRAND-2", "STRAND-3"):
            _waive(page, base, ref, "rights_notice", "printed notice handed over at the gate")

        page.goto(f"{base}/admin/events/event/{root.pk}/change/")
        reload_until(page, "business status: handled", timeout=120)
        screenshot(page, "disruption-handled")
        page.close()
    finally:
        beat.stop()
        worker.stop()
    assert set(Duty.objects.filter(root=root).values_list("status", flat=True)) == {"met", "waived"}
    assert set(Duty.objects.filter(status="waived").values_list("passenger__ref", "kind")) == {
        ("STRAND-2", "rights_notice"),
        ("STRAND-3", "rights_notice"),
    }
    assert set(HotelStay.objects.filter(passenger__ref__startswith="STRAND").values_list("status", flat=True)) == {
        "booked"
    }

    agent = logged_in(browser, base, "agent")
    passenger = Passenger.objects.get(ref="STRAND-1")
    agent.goto(f"{base}/admin/passengers/passenger/{passenger.pk}/change/")
    expect(agent.locator("#content")).to_contain_text("Roissy Airport Hotel")
    screenshot(agent, "passenger")
    waived = Passenger.objects.get(ref="STRAND-2")
    agent.goto(f"{base}/admin/passengers/passenger/{waived.pk}/change/")
    expect(agent.locator("#content")).to_contain_text("printed notice handed over at the gate")
    agent.goto(f"{base}/admin/flights/flight/{stranded.pk}/change/")
    expect(agent.locator("#content")).to_be_visible()
    assert agent.locator("text=Delay…").count() == 0
    response = agent.goto(f"{base}/admin/flights/flight/{stranded.pk}/delay/")
    assert response is not None and response.status == 403
    agent.close()
