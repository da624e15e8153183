"""End to end in real headless Chromium: an operator delays a flight and watches its fan-out complete."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect, sync_playwright

from events.models import Event
from tests.factories import FlightFactory
from tests.support.flows import flush_test_redis
from tests.support.processes import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOT = Path(settings.BASE_DIR) / "var" / "screenshots" / "disruption.png"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls between its steps are still
    # plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is needed (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _user(name: str, role: str) -> None:
    user = User.objects.create_user(name, password="correct-horse-9", is_staff=True)
    user.groups.add(Group.objects.get(name=role))


def _log_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", "correct-horse-9")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Operations Control")


def test_an_operator_delays_a_flight_and_sees_its_flow_complete(
    live_server, roles: None, browser: Browser, tmp_path: Path
) -> None:
    _user("controller", "Operations controller")
    _user("viewer", "Viewer")
    flight = FlightFactory()
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log")
    try:
        page = browser.new_page()
        _log_in(page, live_server.url, "controller")
        page.goto(f"{live_server.url}/admin/flights/flight/{flight.pk}/change/")
        page.click("text=Delay…")
        page.fill("#id_minutes", "150")
        page.select_option("#id_reason", "TECH")
        page.click("#disruption-form input[type=submit]")
        event = Event.objects.get(flight=flight)
        expect(page).to_have_url(f"{live_server.url}/admin/events/event/{event.pk}/change/")
        expect(page.locator("text=completed").first).to_be_visible(timeout=30_000)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.close()
    finally:
        worker.stop()
    assert event.deliveries.exclude(status="done").count() == 0

    viewer = browser.new_page()
    _log_in(viewer, live_server.url, "viewer")
    viewer.goto(f"{live_server.url}/admin/flights/flight/{flight.pk}/change/")
    expect(viewer.locator("#content")).to_be_visible()
    assert viewer.locator("text=Delay…").count() == 0
    viewer.close()
