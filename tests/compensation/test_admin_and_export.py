"""Compensation as operators and the outcome document see it: one record per passenger per journey, with its
locator, regime, first disrupted flight, amount and currency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compensation.models import Entitlement
from compensation.outcomes import compensation_section
from flights.services import cancel_flight, delay_flight
from tests.support.flows import run_subscriber

from .support import flight, reaccommodated, transatlantic

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:compensation_entitlement_changelist")


@pytest.fixture
def disrupted_twice(tmp_path: Path) -> None:
    """NV100 cancelled (both bookings rerouted on NV102), then NV102 delayed: one journey record each."""
    transatlantic(tmp_path, 2, size=2)
    run_subscriber(reaccommodated(cancel_flight(flight=flight("100"), reason="TECH")), "compensation")
    run_subscriber(delay_flight(flight=flight("102"), delay_minutes=45, reason="TECH"), "compensation")


def test_the_export_has_one_record_per_passenger_per_journey(disrupted_twice: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        section = compensation_section()
    assert len(queries) == 1
    assert section == [
        {"passenger": ref, "locator": ref[:6], "flight": "NV100/2027-11-25", "regime": "UK261", "amount": "520.00",
         "currency": "GBP", "status": "eligible"}
        for ref in ("C00000-1", "C00000-2", "C00001-1", "C00001-2")
    ]  # fmt: skip


@pytest.fixture
def operator(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


def test_the_admin_shows_the_regime_and_the_locator(operator: Client, disrupted_twice: None) -> None:
    response = operator.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "UK261" in page and "C00001" in page
    assert 'class="field-locator">C00001</td>' in page and 'class="field-regime">UK261</td>' in page


def test_the_admin_finds_a_journeys_records_by_locator_and_filters_by_regime(
    operator: Client, disrupted_twice: None
) -> None:
    found = operator.get(CHANGELIST, {"q": "C00001"}).context["cl"].result_list
    assert sorted(e.passenger.ref for e in found) == ["C00001-1", "C00001-2"]
    assert len(operator.get(CHANGELIST, {"regime__exact": "UK261"}).context["cl"].result_list) == 4
    assert len(operator.get(CHANGELIST, {"regime__exact": "EU261"}).context["cl"].result_list) == 0
    assert Entitlement.objects.count() == 4
