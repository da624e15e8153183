"""The migration to one record per passenger per journey keeps what was assessed and paid: each record gets its
booking and the regime it was assessed under, and a passenger's records merge into one (the paid one, else the
latest assessed) that names the journey's first disrupted flight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from compensation.models import Entitlement
from flights.models import Flight
from passengers.models import Passenger
from tests.support.schema import migrate_every_app_forward

from .support import flight, hub

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("compensation", "0001_initial")
AFTER = ("compensation", "0004_entitlement_unique_per_journey")
T0 = dt.datetime(2027, 11, 25, 22, 0, tzinfo=dt.UTC)


def _migrate(target: tuple[str, str]) -> Apps:
    """Migrate compensation to ``target``; return the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def old_models(tmp_path: Path) -> Iterator[Apps]:
    """The hub network, with compensation migrated back to version 1's one record per passenger and flight."""
    hub(tmp_path)
    try:
        yield _migrate(BEFORE)
    finally:
        migrate_every_app_forward()


def test_records_get_their_booking_and_merge_into_one_per_journey(old_models: Apps) -> None:
    old = old_models.get_model("compensation", "Entitlement")
    nv1, nv101, nv103 = flight("1"), flight("101"), flight("103")
    passengers = {p.ref: p for p in Passenger.objects.all()}

    def record(ref: str, on: Flight, hours: int, status: str = "eligible", amount: str = "600.00", **paid: Any) -> int:
        return old.objects.create(
            passenger_id=passengers[ref].id, flight_id=on.id, case="delayed", band="long", reason_code="TECH",
            arrival_delay_minutes=300, amount=Decimal(amount), currency="EUR", status=status,
            reason=f"{ref} on NV{on.number}", assessed_at=T0 + dt.timedelta(hours=hours), **paid,
        ).id  # fmt: skip

    record("SHORTS-1", nv1, 0, amount="250.00")  # alone: kept as it is
    record("MISSES-1", nv1, 0, "not_eligible", "0.00")
    latest = record("MISSES-1", nv103, 2)  # the latest assessed of three
    record("MISSES-1", nv101, 1, "not_eligible", "0.00")
    record("MISSES-2", nv1, 0)
    paid = record("MISSES-2", nv103, 1, "paid", paid_at=T0, paid_by="claims")  # paid wins over later
    record("MISSES-2", nv101, 2, "not_eligible", "0.00")
    record("LONGER-1", nv1, 0, "paid", "300.00", paid_at=T0, paid_by="anna")
    twice = record("LONGER-1", nv103, 1, "paid", paid_at=T0 + dt.timedelta(days=1), paid_by="ben")

    _migrate(AFTER)

    got = {e.passenger.ref: e for e in Entitlement.objects.select_related("passenger", "booking", "flight")}
    assert {ref: (e.booking.locator, e.regime, e.flight.number) for ref, e in got.items()} == {
        "SHORTS-1": ("SHORTS", "EU261", "1"), "MISSES-1": ("MISSES", "EU261", "1"),
        "MISSES-2": ("MISSES", "EU261", "1"), "LONGER-1": ("LONGER", "EU261", "1"),
    }, "one record per passenger and booking, naming the first disrupted flight"  # fmt: skip
    misses1, misses2 = got["MISSES-1"], got["MISSES-2"]
    assert (misses1.id, misses1.status, misses1.reason) == (latest, "eligible", "MISSES-1 on NV103")
    assert (misses2.id, misses2.status, misses2.paid_by) == (paid, "paid", "claims")
    assert (got["SHORTS-1"].amount, got["SHORTS-1"].reason) == (Decimal("250.00"), "SHORTS-1 on NV1")
    longer = got["LONGER-1"]
    assert (longer.id, longer.amount, longer.paid_by) == (twice, Decimal("600.00"), "ben"), "the latest payment"
    assert longer.reason == (
        "LONGER-1 on NV103; also paid under version 1 for NV1/2027-11-25: 300.00 EUR on 2027-11-25 by anna"
    )


def test_the_new_constraint_holds_one_record_per_passenger_and_booking(old_models: Apps) -> None:
    _migrate(AFTER)
    passenger = Passenger.objects.get(ref="SHORTS-1")
    fields = {"passenger": passenger, "booking_id": passenger.booking_id, "regime": "EU261", "case": "delayed",
              "band": "short", "amount": Decimal("0.00"), "currency": "EUR", "status": "not_eligible", "reason": "-",
              "assessed_at": T0}  # fmt: skip
    Entitlement.objects.create(flight=flight("1"), **fields)
    with pytest.raises(IntegrityError, match="entitlement_one_per_passenger_journey"), transaction.atomic():
        Entitlement.objects.create(flight=flight("101"), **fields)
    with pytest.raises(IntegrityError, match="entitlement_currency_of_regime"), transaction.atomic():
        Entitlement.objects.create(flight=flight("1"), **{**fields, "passenger": Passenger.objects.get(ref="SHORTS-2"),
                                                         "regime": "UK261"})  # fmt: skip
