"""The what-if page of a flight in the console (issue 15): several options previewed side by side, changing
nothing, each with an Apply button that commits exactly that option and lands on its disruption page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from playwright.sync_api import Browser, expect

from events.models import Event
from flights.models import Flight, FlightStatus
from flights.services import cancel_flight
from operations.what_if import Option, preview
from operations.what_if.document import figure_rows
from passengers.selectors import passengers_on_flight
from tests.support.browser import logged_in, operator, screenshot
from tests.support.clock import WORLD_START
from tests.support.operators import login

pytestmark = pytest.mark.django_db

MORNING = WORLD_START + dt.timedelta(hours=8)  # NV1 leaves LHR at 18:00 UTC


def _page(flight: Flight, part: str = "") -> str:
    return f"/admin/flights/flight/{flight.pk}/what-if/{part}"


class _Table(HTMLParser):
    """The rows of the page's options table, each a list of its cells' text (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._inside = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "what-if-options") in attrs:
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("th", "td"):
            self.rows[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._in_cell = False
        elif tag == "table":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside and self._in_cell:
            self.rows[-1][-1] += data.strip()


def _table(html: str) -> list[list[str]]:
    parser = _Table()
    parser.feed(html)
    return parser.rows


@pytest.fixture
def controller(client: Client, roles: None, stranded: Flight, clock: Any) -> Client:
    clock.run_from(MORNING)
    login(client, "Operations controller")
    return client


def _errors(response: Any) -> list[str]:
    form = response.context["form"]
    return [str(error) for errors in form.errors.values() for error in errors]


@pytest.mark.parametrize("part", ["", "results/"])
def test_the_form_lists_every_problem_and_changes_nothing(controller: Client, stranded: Flight, clock: Any, part: str):
    clock.freeze(stranded.estimated_departure + dt.timedelta(minutes=1))
    response = controller.post(_page(stranded, part), {"delays": "120, ten, 1.5", "reason": "TECH"})

    assert response.status_code == 200
    assert _errors(response) == [
        "not a whole number of minutes: ten, 1.5",
        "NV1/2026-11-25 has departed (estimated departure 2026-11-25 18:00 (UTC))",
    ]
    assert not Event.objects.exists()
    assert not _table(response.content.decode())


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        ({"delays": "-1, 2881", "reason": "TECH"}, ["from 0 to 2880, not -1", "from 0 to 2880, not 2881"]),
        ({"delays": " ", "reason": "TECH"}, ["no option: give at least one delay, or tick Cancellation"]),
        ({"delays": "60", "cancel": "on", "reason": "NOPE"}, ["Select a valid choice. NOPE is not one"]),
    ],
)
def test_bad_options_are_form_errors(controller: Client, stranded: Flight, data: dict, problems: list[str]) -> None:
    errors = _errors(controller.post(_page(stranded), data))

    assert len(errors) == len(problems)
    assert all(problem in error for problem, error in zip(problems, errors, strict=True))
    assert not Event.objects.exists()


def test_a_cancelled_flight_cannot_be_previewed(controller: Client, stranded: Flight) -> None:
    cancel_flight(flight=stranded, reason="WX")
    errors = _errors(controller.post(_page(stranded), {"delays": "120", "reason": "TECH"}))

    assert errors == ["NV1/2026-11-25 is already cancelled"]
    assert Event.objects.count() == 1


def test_the_results_show_each_option_as_the_preview_computes_it(controller: Client, stranded: Flight) -> None:
    response = controller.post(_page(stranded), {"delays": "120, 300, 120", "cancel": "on", "reason": "TECH"})
    [header, *rows, apply] = _table(response.content.decode())

    assert not Event.objects.exists(), "previewing changes nothing"
    assert header == ["figure", "delay 120 min", "delay 300 min", "cancel"]
    expected = preview(stranded, [Option.delay(120), Option.delay(300), Option.cancel()], reason="TECH")
    assert rows == [[row.label, *row.cells] for row in figure_rows(expected)]
    figures = {row[0]: row[1:] for row in rows}
    booked = str(passengers_on_flight(stranded.id, as_of=MORNING).count())
    assert figures["passengers booked"] == [booked] * 3 == ["4"] * 3
    # Two hours late NV1 lands at 21:15, after NV100 leaves CDG (20:30): the three STRAND passengers miss it.
    assert figures["misconnects"][:2] == ["3", "3"]
    # NV1 is short haul from the UK (UK261): a meal voucher for everyone booked from 2 hours, in pounds.
    assert figures["meal vouchers"] == ["4"] * 3 and all(amount.startswith("GBP ") for amount in rows[7][1:])
    assert apply == ["", "", "", ""] and response.content.decode().count('value="Apply ') == 3


def test_htmx_swaps_in_the_panel_while_a_computing_indicator_shows(controller: Client, stranded: Flight) -> None:
    page = controller.get(_page(stranded)).content.decode()
    assert f'hx-post="/admin/flights/flight/{stranded.pk}/what-if/results/"' in page
    assert 'hx-indicator="#what-if-computing"' in page and "django_htmx/htmx-2.min.js" in page
    assert "What if…" in controller.get(f"/admin/flights/flight/{stranded.pk}/change/").content.decode()

    panel = controller.post(_page(stranded, "results/"), {"delays": "200", "reason": "CREW"}, HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert html.startswith('<div id="what-if-panel">') and "<html" not in html
    assert _table(html)[0] == ["figure", "delay 200 min"]
    assert controller.get(_page(stranded, "results/")).status_code == 405


@pytest.mark.parametrize(
    ("data", "kind", "status"),
    [
        ({"option": "delay", "minutes": "300", "reason": "TECH"}, "flight.delayed", FlightStatus.DELAYED),
        ({"option": "cancel", "minutes": "", "reason": "TECH"}, "flight.cancelled", FlightStatus.CANCELLED),
    ],
)
def test_apply_commits_exactly_that_option_and_lands_on_its_disruption(
    controller: Client, stranded: Flight, data: dict, kind: str, status: str
) -> None:
    response = controller.post(_page(stranded, "apply/"), data)

    [event] = Event.objects.all()
    assert response.status_code == 302 and response.url == f"/admin/events/event/{event.pk}/change/"
    assert (event.type, event.is_root, event.flight_id) == (kind, True, stranded.pk)
    stranded.refresh_from_db()
    assert (stranded.status, stranded.delay_reason) == (status, "TECH")
    if kind == "flight.delayed":
        assert event.payload["delay_minutes"] == 300


def test_apply_checks_again_that_the_flight_can_still_be_disrupted(
    controller: Client, stranded: Flight, clock: Any
) -> None:
    cancel_flight(flight=stranded, reason="WX")
    response = controller.post(_page(stranded, "apply/"), {"option": "delay", "minutes": "120", "reason": "TECH"})
    assert response.status_code == 302 and response.url == _page(stranded)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing applied (delay 120 min): NV1/2026-11-25 is already cancelled"
    ]

    clock.freeze(stranded.estimated_departure)
    Flight.objects.filter(pk=stranded.pk).update(status=FlightStatus.SCHEDULED)
    controller.post(_page(stranded, "apply/"), {"option": "cancel", "reason": "TECH"})
    assert Event.objects.count() == 1, "nothing applied to a flight that has left"


@pytest.mark.parametrize("role", ["Viewer", "Customer service"])
def test_who_may_not_disrupt_gets_no_button_and_403(
    client: Client, roles: None, stranded: Flight, clock: Any, role: str
) -> None:
    clock.freeze(MORNING)
    login(client, role)
    assert "What if…" not in client.get(f"/admin/flights/flight/{stranded.pk}/change/").content.decode()
    assert client.get(_page(stranded)).status_code == 403
    assert client.post(_page(stranded), {"delays": "120", "reason": "TECH"}).status_code == 403
    assert client.post(_page(stranded, "results/"), {"delays": "120", "reason": "TECH"}).status_code == 403
    assert client.post(_page(stranded, "apply/"), {"option": "cancel", "reason": "TECH"}).status_code == 403
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_controller_previews_three_options_in_the_browser_and_applies_one(
    live_server, roles: None, browser: Browser, stranded: Flight
) -> None:
    """The disruption page needs no worker to show: its flow stays pending here, which the page says."""
    base = live_server.url
    operator("controller", "Operations controller")
    page = logged_in(browser, base, "controller")
    page.goto(f"{base}/admin/flights/flight/{stranded.pk}/change/")
    page.click("text=What if…")
    page.fill("#id_delays", "120, 300")
    page.check("#id_cancel")
    page.select_option("#id_reason", "TECH")
    with page.expect_response(f"**/flights/flight/{stranded.pk}/what-if/results/") as results:
        page.click("#what-if-form input[type=submit]")  # htmx posts to the partial and swaps the panel in
    assert results.value.ok
    options = page.locator("table.what-if-options")
    expect(options.locator("thead th")).to_have_text(["figure", "delay 120 min", "delay 300 min", "cancel"])
    assert not Event.objects.exists()
    screenshot(page, "what-if")

    page.click("input[value='Apply delay 300 min']")
    root = Event.objects.get(flight=stranded, caused_by=None)
    expect(page).to_have_url(f"{base}/admin/events/event/{root.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("Delay of NV1/2026-11-25 recorded")
    expect(page.locator("#disruption-live")).to_contain_text("in_progress")
    page.close()
    assert root.type == "flight.delayed" and root.payload["delay_minutes"] == 300
