"""The disruption page: read only, what happened in words and numbers (each number opening exactly its rows), the
flow's timeline, the caused-by tree, a live part htmx refreshes while the flow runs, in constant queries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from compensation.models import Entitlement
from events.models import Delivery, Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import delay_flight
from lodging.models import HotelStay
from notifications.models import PassengerMessage
from operations.disruption_summary import summary_of
from operations.models import Duty
from rebooking.models import Reaccommodation
from tests.factories import FlightFactory
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight
from vouchers.models import MealVoucher

pytestmark = pytest.mark.django_db


def _network(tmp_path: Path, size: int) -> Flight:
    """NV1 LHR→CDG for NV100 CDG→JFK, the only flight on: a 300 min delay strands the STRAND party (``size``
    passengers) at CDG with no hotel; SOLO01 flies NV1 alone. A second disrupted flight's rows must not show."""
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59"),
         scenario_flight("2", "LHR", "CDG", "10:00", "11:15")],
        [scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=size),
         scenario_booking("SOLO01", [("1", "Y")]), scenario_booking("OTHER1", [("2", "Y")])],
        tmp_path,
    )  # fmt: skip
    run_flow(delay_flight(flight=Flight.objects.get(number="2"), delay_minutes=300, reason="WX"))
    return Flight.objects.get(number="1")


def _page(client: Client, event: Event) -> str:
    response = client.get(f"/admin/events/event/{event.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def _listed(client: Client, url: str) -> int:
    """How many rows the changelist at ``url`` shows (its own count, after every filter)."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert "?e=1" not in response.get("Location", ""), f"{url} was refused"
    return response.context["cl"].result_count


def test_the_page_tells_the_disruption_and_each_figure_opens_exactly_its_rows(
    admin_client: Client, tmp_path: Path
) -> None:
    root = delay_flight(flight=_network(tmp_path, size=3), delay_minutes=300, reason="TECH")
    run_flow(root)
    html = _page(admin_client, root)
    assert "NV1 LHR→CDG delayed 300 min (TECH), at " in html
    assert re.search(r"at \d\d:\d\d LHR local / \d\d:\d\d UTC, business status: needs action", html)
    content = html.split('id="content"')[1]
    assert "<form" not in content and 'type="submit"' not in content and "Save" not in content, "nothing to change"
    figures = {f.label: f for f in summary_of(root.id).figures + summary_of(root.id).duties}
    expected = {
        "passengers booked": 4,
        "bookings unprotected": Reaccommodation.objects.filter(event=root, status="unprotected").count(),
        "meal vouchers": MealVoucher.objects.filter(flight__number="1").count(),
        "stays unaccommodated": HotelStay.objects.filter(flight__number="1", status="unaccommodated").count(),
        "compensation records": Entitlement.objects.filter(event__root=root).count(),
        "duties open": Duty.objects.filter(root=root, status="open").count(),
        "duties met": Duty.objects.filter(root=root, status="met").count(),
    }
    assert expected["bookings unprotected"] == 1 and expected["meal vouchers"] == 4 and expected["duties open"] > 0
    assert {label: figures[label].count for label in expected} == expected
    for figure in figures.values():
        assert f'href="{figure.url.replace("&", "&amp;")}"' in html, figure.label
        if figure.label != "passengers booked":  # the flight's page (passengers' lists are not filtered by it)
            assert _listed(admin_client, figure.url) == figure.count, figure.label


def test_the_root_filter_shows_only_the_disruptions_rows(admin_client: Client, tmp_path: Path) -> None:
    root = delay_flight(flight=_network(tmp_path, size=2), delay_minutes=300, reason="TECH")
    run_flow(root)
    assert MealVoucher.objects.count() > MealVoucher.objects.filter(flight__number="1").count(), "the other flight's"
    lists = {
        "/admin/vouchers/mealvoucher/": MealVoucher.objects.filter(flight__number="1"),
        "/admin/operations/duty/": Duty.objects.filter(root=root),
        "/admin/events/delivery/": Delivery.objects.filter(event__root=root),
        "/admin/notifications/passengermessage/": PassengerMessage.objects.filter(event__root=root),
        "/admin/rebooking/reaccommodation/": Reaccommodation.objects.filter(event__root=root),
    }
    for url, rows in lists.items():
        response = admin_client.get(f"{url}?root={root.pk}")
        assert {obj.pk for obj in response.context["cl"].result_list} == {obj.pk for obj in rows}, url
    refused = admin_client.get("/admin/operations/duty/?root=not-a-uuid")
    assert refused.status_code == 302 and refused.url.endswith("?e=1")


def test_the_timeline_has_a_bar_per_delivery_with_its_attempts_and_last_error(admin_client: Client) -> None:
    root = delay_flight(flight=FlightFactory(number="151"), delay_minutes=200, reason="TECH")
    deliveries = list(root.deliveries.order_by("subscriber"))
    broken, *others = deliveries
    for delivery in others:
        run_delivery(delivery.id)
    Delivery.objects.filter(id=broken.id).update(status="dead", attempts=3, last_error="RuntimeError: hotel API down")
    html = _page(admin_client, root)
    rows = re.findall(r'<tr class="delivery-(\w+)">\s*<td>([^<]+)</td>', html)
    assert sorted(label for _, label in rows) == sorted(f"flight.delayed → {d.subscriber}" for d in deliveries)
    assert ("dead", f"flight.delayed → {broken.subscriber}") in rows
    assert f"{broken.subscriber}: dead, 3 attempt(s)" in html and "last error: RuntimeError: hotel API down" in html
    assert len(re.findall(r'class="bar status-\w+" style="left:[\d.]+%;width:[\d.]+%"', html)) == len(deliveries)
    assert "Caused-by tree" in html


def test_the_live_part_polls_only_while_the_flow_runs(admin_client: Client) -> None:
    event = delay_flight(flight=FlightFactory(number="119"), delay_minutes=60, reason="TECH")
    page = _page(admin_client, event)
    live = f"/admin/events/event/{event.pk}/live/"
    assert f'hx-get="{live}" hx-trigger="every 3s"' in page
    assert "django_htmx/htmx-2.min.js" in page, "htmx is served from the package's static files, not a CDN"
    for delivery in event.deliveries.all():
        run_delivery(delivery.id)
    fragment = admin_client.get(live).content.decode()
    assert fragment.startswith('<div id="disruption-live">') and "<html" not in fragment
    assert "hx-trigger" not in fragment and "completed" in fragment
    assert "hx-trigger" not in _page(admin_client, event)


def test_a_viewer_without_permission_sees_neither_page_nor_fragment(client: Client, django_user_model) -> None:
    event = delay_flight(flight=FlightFactory(number="121"), delay_minutes=60, reason="TECH")
    client.force_login(django_user_model.objects.create_user("nobody", password="x", is_staff=True))
    assert client.get(f"/admin/events/event/{event.pk}/change/").status_code == 403
    assert client.get(f"/admin/events/event/{event.pk}/live/").status_code == 403


@pytest.mark.parametrize("size", [1, 6])
def test_the_page_and_its_live_part_make_the_same_queries_for_one_or_many_passengers(
    admin_client: Client, tmp_path: Path, size: int, django_assert_max_num_queries
) -> None:
    root = delay_flight(flight=_network(tmp_path, size=size), delay_minutes=300, reason="TECH")
    run_flow(root)
    # The same whatever the party size (one aggregate per kind of row): 19 and 16 with the session and user.
    with django_assert_max_num_queries(19):
        _page(admin_client, root)
    with django_assert_max_num_queries(16):
        admin_client.get(f"/admin/events/event/{root.pk}/live/")
