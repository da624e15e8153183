"""The operations tests' fixtures: the duties' stranding flight, and Chromium for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from flights.models import Flight
from tests.support.browser import CHROMIUM_ARGS
from tests.support.scenarios import load_network, scenario_booking, scenario_flight


@pytest.fixture
def stranded(tmp_path: Path, settings) -> Flight:
    """NV1 LHR→CDG (UK261: it departs GB) lands 19:15 for NV100 CDG→JFK at 20:30, the only flight on, and no
    hotel at CDG: a long delay strands the three STRAND passengers there with nothing an automatic system can
    do. SOLO1 flies NV1 alone. Only the first passenger of each booking has an email address."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59")],
        [
            scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=3, email="ada@example.org"),
            scenario_booking("SOLO01", [("1", "Y")], email="bob@example.org"),
        ],
        tmp_path,
    )
    return Flight.objects.get(number="1")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Chromium, headless. Playwright's sync API keeps an event loop in this thread; the ORM calls between its
    steps are still plain synchronous code."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is needed (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
