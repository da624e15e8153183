"""The console's browser tests: operators logged in to real headless Chromium (Debian's package, driven by
Playwright; the ``browser`` fixture is in ``tests/conftest.py``), and their screenshots."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "correct-horse-9"
WIDTH = 1366  # the control room's screens


def operator(name: str, role: str) -> User:
    """A staff user of the operators' group ``role`` (the ``roles`` fixture creates the groups)."""
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(browser: Browser, base: str, name: str) -> Page:
    """A new page of a control-room screen's width, logged in to the console as ``name``."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("Operations Control")
    return page


def delay_in_the_console(page: Page, base: str, flight_pk: int, minutes: int) -> None:
    """Delay the flight by ``minutes`` (reason TECH) with its page's Delay… form, as a controller does."""
    page.goto(f"{base}/admin/flights/flight/{flight_pk}/change/")
    page.click("text=Delay…")
    page.fill("#id_minutes", str(minutes))
    page.select_option("#id_reason", "TECH")
    page.click("#disruption-form input[type=submit]")


def screenshot(page: Page, name: str) -> None:
    """The whole page under ``var/screenshots/NAME.png``, for people to look at; fails if it scrolls sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{name} is {scroll_width} px wide: it scrolls sideways at {WIDTH} px"


def reload_until(page: Page, text: str, *, timeout: float) -> None:
    """Reload ``page`` until its content shows ``text`` (a status the workers and beat will reach)."""
    deadline = time.monotonic() + timeout
    while text not in page.locator("#content").inner_text():
        assert time.monotonic() < deadline, f"{page.url} did not show {text!r} within {timeout:.0f} s"
        page.wait_for_timeout(1000)
        page.reload()
