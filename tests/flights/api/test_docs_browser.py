"""The API's docs work with no internet: Swagger UI and Redoc load in Chromium with every request to another
host aborted, and list the operations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

OPERATIONS = ["A flight's departure gate", "A flight's status", "See your new itinerary"]
# Redoc's "API docs by Redocly" logo, built into its bundle with no option to turn it off; the image hides itself
# when it cannot load. Nothing else may leave the app.
REDOC_ATTRIBUTION_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def offline_page(browser: Browser, base: str) -> tuple[Page, list[str]]:
    """A page that can reach only the live server; the list collects every other URL it asked for."""
    page = browser.new_page()
    own_host = urlsplit(base).netloc
    blocked: list[str] = []

    def only_own_host(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_own_host)
    return page, blocked


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "operation"), [("/api/docs/", ".opblock-summary"), ("/api/redoc/", "h2")])
def test_docs_render_the_operations_offline(live_server: Any, browser: Browser, path: str, operation: str) -> None:
    page, blocked = offline_page(browser, live_server.url)

    page.goto(f"{live_server.url}{path}")

    for summary in OPERATIONS:
        expect(page.locator(operation, has_text=summary).first).to_be_visible()
    assert set(blocked) <= {REDOC_ATTRIBUTION_LOGO}
