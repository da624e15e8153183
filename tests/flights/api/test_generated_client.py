"""A client nobody here wrote: ``openapi-python-client`` generates one from the schema the live server serves, and
every endpoint is called through it against that server, with the data of a real disruption's flow."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.scenarios import load_cancelled_evening
from vouchers.models import MealVoucher

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test committed

PACKAGE = "airline_api_client"
CDG_WINTER = dt.timedelta(hours=1)


def _generate(schema_url: str, into: Path) -> None:
    """Generate the client package ``PACKAGE`` under ``into`` from the schema at ``schema_url``."""
    config = into / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run over the generated code
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [generator, "generate", "--url", schema_url, "--meta", "none", "--output-path", str(into / PACKAGE),
         "--config", str(config)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def generated(live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    """The generated client's modules (``client``, ``models``, and each endpoint by operation id)."""
    _generate(f"{live_server.url}/api/schema/?format=json", tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = {"client": "client", "models": "models", "flight_gate": "api.flights.flight_gate",
               "flight_status": "api.flights.flight_status", "booking_lookup": "api.bookings.booking_lookup",
               "reaccommodation_view": "api.bookings.reaccommodation_view",
               "reaccommodation_choose": "api.bookings.reaccommodation_choose"}  # fmt: skip
    endpoints = {path.stem for path in (tmp_path / PACKAGE / "api").glob("*/*.py")} - {"__init__"}
    assert endpoints == set(modules) - {"client", "models"}, "every endpoint of the schema is called below"
    return {name: importlib.import_module(f"{PACKAGE}.{module}") for name, module in modules.items()}


def test_every_endpoint_through_the_generated_client(
    generated: dict[str, ModuleType], live_server: Any, tmp_path: Path
) -> None:
    load_cancelled_evening(tmp_path)
    models = generated["models"]
    client = generated["client"].Client(base_url=live_server.url, raise_on_unexpected_status=True)
    me = models.Credentials(last_name="Smth00")

    gate = generated["flight_gate"].sync(designator="nv102", date=dt.date(2026, 11, 26), client=client)
    assert (gate.flight, gate.gate, gate.terminal, gate.status) == (
        "NV102",
        "K45",
        "2E",
        models.FlightStatusEnum.SCHEDULED,
    )
    assert gate.scheduled_departure == dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC)
    assert gate.scheduled_departure.utcoffset() == CDG_WINTER, "CDG local time, with its offset"
    cancelled = generated["flight_status"].sync(designator="NV100", date=dt.date(2026, 11, 25), client=client)
    assert (cancelled.status, cancelled.gate, cancelled.estimated_arrival) == (
        models.FlightStatusEnum.CANCELLED,
        None,
        None,
    )

    case = generated["reaccommodation_view"].sync(locator="SMTH00", client=client, body=me)
    assert (case.status, case.cause, [leg.flight for leg in case.new]) == (
        models.CaseStatusEnum.REBOOKED, "cancelled", ["NV102/2026-11-26"]
    )  # fmt: skip

    booking = generated["booking_lookup"].sync(
        client=client, body=models.BookingLookup(locator="smth00", last_name="Smth00")
    )
    assert isinstance(booking, models.Booking), booking
    (now,) = booking.journey
    assert (now.cabin, now.flight.flight, now.flight.gate) == ("Y", "NV102", "K45")
    (old,) = booking.reaccommodation.old
    assert (old.flight.status, old.flight.gate) == (models.FlightStatusEnum.CANCELLED, None)
    first = booking.passengers[0]
    (voucher,) = first.meal_vouchers
    assert (voucher.code, voucher.amount, voucher.currency) == (
        MealVoucher.objects.get(passenger__ref="SMTH00-1").code,
        "40.00",
        "EUR",
    )
    assert [(stay.hotel, stay.night) for stay in first.hotel_stays] == [("Roissy", dt.date(2026, 11, 25))]
    assert (first.compensation.regime, first.compensation.amount, first.compensation.status) == (
        models.RegimeEnum.EU261, "600.00", models.EntitlementStatusEnum.ELIGIBLE
    )  # fmt: skip
    assert first.rights_notices[0].text.startswith("Dear P0 Smth00")
    assert (booking.refund.allowed, booking.refund.refusal) == (True, None)

    choose = generated["reaccommodation_choose"]
    Choice = models.ReaccommodationChooseChoice
    accepted = choose.sync(locator="SMTH00", choice=Choice.ACCEPT, client=client, body=me)
    declined = choose.sync(locator="SMTH00", choice=Choice.DECLINE, client=client, body=me)
    refunded = choose.sync(locator="SMTH00", choice=Choice.REFUND, client=client, body=me)
    assert [accepted.status, declined.status, refunded.status] == [
        models.CaseStatusEnum.ACCEPTED, models.CaseStatusEnum.DECLINED, models.CaseStatusEnum.REFUNDED
    ]  # fmt: skip
    refused = choose.sync(locator="SMTH00", choice=Choice.ACCEPT, client=client, body=me)
    assert (refused.error.code, refused.error.reason) == ("choice_not_allowed", "already_refunded")
    after = generated["booking_lookup"].sync(
        client=client, body=models.BookingLookup(locator="SMTH00", last_name="Smth00")
    )
    assert (after.refund.allowed, after.refund.refusal) == (False, models.RefusalEnum.ALREADY_REFUNDED)
    nobody = generated["booking_lookup"].sync(
        client=client, body=models.BookingLookup(locator="SMTH00", last_name="Smith")
    )
    assert nobody.error.code == "booking_not_found"
