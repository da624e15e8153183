"""No console list issues a query per row: every admin list, and every change page, costs the same number of
queries whether a disruption touched a few passengers or many times more (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flights.models import Flight
from flights.services import delay_flight
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db


def _disrupted_network(tmp_path: Path, parties: int) -> None:
    """NV1 LHR→CDG delayed 300 minutes with ``parties`` two-passenger bookings connecting to NV100 (missed) and
    as many ending at CDG, one hotel at CDG with rooms for half of them: every list has rows of each kind."""

    def connecting(n: int) -> dict[str, Any]:
        return scenario_booking(f"CON{n:03}", [("1", "Y"), ("100", "Y")], size=2, email="a@example.org")

    load_network(
        [
            scenario_flight("1", "LHR", "CDG", "18:00", "19:15", Y=4 * parties),
            scenario_flight("100", "CDG", "JFK", "20:30", "23:59", Y=2 * parties),
            scenario_flight("102", "CDG", "JFK", "09:00", "16:00", date="2026-11-26", Y=parties),
        ],
        [
            *(connecting(n) for n in range(parties)),
            *(scenario_booking(f"END{n:03}", [("1", "Y")], size=2, phone="+447700900001") for n in range(parties)),
        ],
        tmp_path,
        hotels=[{"code": "CDG-H1", "airport": "CDG", "name": "Roissy", "rooms": {"2026-11-25": parties // 2}}],
    )
    run_flow(delay_flight(flight=Flight.objects.get(number="1"), delay_minutes=300, reason="TECH"))


def _queries_per_page(client: Client) -> dict[str, int]:
    """The queries of each model's list and of its last listed object's page."""
    counts = {}
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(changelist)
        assert response.status_code == 200, changelist
        counts[changelist] = len(queries)
        listed = response.context["cl"].result_list
        if listed:
            page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[listed[0].pk])
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200, page
            counts[page.rsplit("/", 3)[0]] = len(queries)
    return counts


def test_no_list_or_page_issues_a_query_per_row(admin_client: Client, tmp_path: Path) -> None:
    _disrupted_network(tmp_path, parties=2)
    few = _queries_per_page(admin_client)
    _disrupted_network(tmp_path, parties=12)
    many = _queries_per_page(admin_client)
    assert len(few) > 40, "every list and a page of each"
    grew = {url: (few[url], many[url]) for url in few if many.get(url, 0) > few[url]}
    assert not grew, f"queries grew with the rows (few, many): {grew}"
