"""The ``reaccommodations`` section of ``export_outcomes`` with data: one row per passenger of every case, in each
status a case can reach, validated against the contract's schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import F

from flights.models import Flight
from flights.services import cancel_flight
from rebooking.choices import decide
from rebooking.manual import choose_itinerary
from tests.rebooking import test_service
from tests.rebooking.test_service import DAY, _case, _get, _handle
from tests.scenarios import test_export_outcomes
from tests.scenarios.test_export_outcomes import assert_valid, export

pytestmark = pytest.mark.django_db
hub, schema = test_service.hub, test_export_outcomes.schema


def test_every_case_status_is_exported_per_passenger_and_the_contract_accepts_it(
    hub: None, schema: dict[str, Any]
) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    decide(_case("AAAAAA"), choice="accept")
    decide(_case("BBBBBB"), choice="decline")
    decide(_case("CONNEX"), choice="refund")

    document = json.loads(export())

    assert_valid(document, schema)
    rows = {row["passenger"]: row for row in document["reaccommodations"]}
    assert set(rows) == {"AAAAAA-1", "BBBBBB-1", "CCCCCC-1", "CCCCCC-2", "CONNEX-1"}, "one row per passenger"
    nv100, nv102 = f"NV100/{DAY}", f"NV102/{DAY}"
    assert rows["AAAAAA-1"] == {
        "locator": "AAAAAA", "passenger": "AAAAAA-1", "disrupted": nv100, "old": [nv100], "new": [nv102],
        "cabins": ["Y"], "status": "accepted", "arrival_delay_minutes": 240,
    }  # fmt: skip
    assert (rows["BBBBBB-1"]["status"], rows["BBBBBB-1"]["new"]) == ("declined", [nv102])
    for ref in ("CCCCCC-1", "CCCCCC-2"):
        assert {k: rows[ref][k] for k in ("status", "new", "cabins", "arrival_delay_minutes")} == {
            "status": "unprotected", "new": [], "cabins": [], "arrival_delay_minutes": None,
        }  # fmt: skip
    connex = rows["CONNEX-1"]
    assert (connex["status"], connex["old"]) == ("refunded", [f"NV1/{DAY}", nv100])
    assert {r["status"] for r in rows.values()} == {"accepted", "declined", "unprotected", "refunded"}


def test_a_case_rebooked_by_an_operator_is_exported_with_its_new_itinerary(hub: None, schema: dict[str, Any]) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    Flight.objects.filter(number="104").update(seats_y=F("seats_y") + 2)
    choose_itinerary(_case("CCCCCC"), flight_ids=[_get("104").id], cabins=["Y"], by="ops")

    document = json.loads(export())

    assert_valid(document, schema)
    moved = [row for row in document["reaccommodations"] if row["locator"] == "CCCCCC"]
    assert [(r["passenger"], r["status"], r["new"], r["cabins"], r["arrival_delay_minutes"]) for r in moved] == [
        (ref, "rebooked", [f"NV104/{DAY}"], ["Y"], 350) for ref in ("CCCCCC-1", "CCCCCC-2")
    ]
