"""The disruption page shows the trace its event was published in: the id as text, or a link into the tracing
backend when ``TRACE_URL_TEMPLATE`` is set; nothing for an event published untraced."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, expect

from events.models import Event
from flights.services import delay_flight
from tests.factories import FlightFactory
from tests.support.browser import logged_in, operator, screenshot
from tests.support.flows import run_flow

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def _traced_delay(traceparent: str) -> Event:
    event = delay_flight(flight=FlightFactory(), delay_minutes=180, reason="TECH")
    Event.objects.filter(id=event.id).update(trace_context=traceparent)
    return event


def _trace_cell(client: Client, event: Event) -> str:
    html = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    start = html.find('<td class="trace-id">')
    return html[start : html.find("</td>", start)] if start >= 0 else ""


@pytest.mark.django_db
def test_the_trace_id_is_text_without_a_template(admin_client: Client, settings: Any) -> None:
    settings.TRACE_URL_TEMPLATE = ""
    cell = _trace_cell(admin_client, _traced_delay(TRACEPARENT))
    assert f"<code>{TRACE_ID}</code>" in cell and "<a " not in cell


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "href"),
    [
        ("https://jaeger.example/trace/{trace_id}", f"https://jaeger.example/trace/{TRACE_ID}"),
        ('https://grafana.example/explore?left={"queries":[{"query":"{trace_id}"}]}',
         f"https://grafana.example/explore?left={{&quot;queries&quot;:[{{&quot;query&quot;:&quot;{TRACE_ID}&quot;}}]}}"),
    ],
)  # fmt: skip
def test_the_trace_id_links_to_the_backend_with_a_template(
    admin_client: Client, settings: Any, template: str, href: str
) -> None:
    settings.TRACE_URL_TEMPLATE = template
    cell = _trace_cell(admin_client, _traced_delay(TRACEPARENT))
    assert f'href="{href}"' in cell and f">{TRACE_ID}</a>" in cell


@pytest.mark.django_db
@pytest.mark.parametrize("traceparent", ["", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])
def test_an_untraced_event_shows_no_trace(admin_client: Client, traceparent: str) -> None:
    assert _trace_cell(admin_client, _traced_delay(traceparent)) == ""


@pytest.mark.django_db(transaction=True)
def test_the_trace_link_on_the_disruption_page_at_a_control_rooms_width(
    live_server: Any, roles: None, browser: Browser, settings: Any
) -> None:
    settings.TRACE_URL_TEMPLATE = "https://tempo.example/trace/{trace_id}"
    event = _traced_delay(TRACEPARENT)
    run_flow(event)
    operator("controller", "Operations controller")
    page = logged_in(browser, live_server.url, "controller")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    link = page.locator("td.trace-id a")
    expect(link).to_have_text(TRACE_ID)
    expect(link).to_have_attribute("href", f"https://tempo.example/trace/{TRACE_ID}")
    screenshot(page, "disruption-trace")
