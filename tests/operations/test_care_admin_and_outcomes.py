"""Right to care seen by operators (admin pages and actions) and in the outcome export (schema, query counts)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator

from compensation.models import Entitlement
from compensation.outcomes import compensation_section
from flights.models import Flight
from flights.services import delay_flight
from lodging.models import HotelStay, UnaccommodatedStay
from lodging.outcomes import hotel_stays_section
from tests.support.flows import run_subscriber
from tests.support.scenarios import load_network, scenario_booking, scenario_flight
from vouchers.models import MealVoucher, VoucherTariff
from vouchers.outcomes import meal_vouchers_section

pytestmark = pytest.mark.django_db

CARE_MODELS = [MealVoucher, VoucherTariff, HotelStay, UnaccommodatedStay, Entitlement]


def _disrupt(tmp_path: Path, bookings: int) -> None:
    """NV100 LHR→JFK at 20:00 delayed 300 min (to 01:00), handled by every care subscriber: vouchers, rooms for
    the first three bookings (LHR-H1 has 3 rooms), unaccommodated stays for the rest, compensation."""
    load_network(
        [scenario_flight("100", "LHR", "JFK", "20:00", "2026-11-26T04:00", Y=400)],
        [scenario_booking(f"O{n:05d}", [("100", "Y")], size=2) for n in range(bookings)],
        tmp_path,
        hotels=[{"code": "LHR-H1", "airport": "LHR", "name": "Gateway", "rooms": {"2026-11-25": 3}}],
    )
    event = delay_flight(flight=Flight.objects.get(number="100"), delay_minutes=300, reason="TECH")
    for subscriber in ("vouchers", "lodging", "compensation"):
        run_subscriber(event, subscriber)


@pytest.fixture
def disrupted(tmp_path: Path) -> None:
    _disrupt(tmp_path, 5)


@pytest.fixture
def operator(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", CARE_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages(
    operator: Client, disrupted: None, tariffs: None, model: type[models.Model]
) -> None:
    assert operator.get(_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert operator.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", CARE_MODELS, ids=lambda m: m.__name__)
def test_changelists_make_no_query_per_row(operator: Client, tmp_path: Path, model: type[models.Model]) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert operator.get(_url(model, "changelist")).status_code == 200
        return len(captured)

    _disrupt(tmp_path, 4)
    operator.get(_url(model, "changelist"))  # warm the session and content-type caches
    few = queries()
    _disrupt(tmp_path, 40)
    assert queries() == few


def test_the_unaccommodated_queue_lists_only_stays_without_a_room(operator: Client, disrupted: None) -> None:
    response = operator.get(_url(UnaccommodatedStay, "changelist"))
    listed = list(response.context["cl"].result_list)
    assert len(listed) == 4 and all(stay.hotel_id is None for stay in listed), "bookings 4 and 5, two each"
    assert HotelStay.objects.count() == 10


def test_vouchers_are_found_by_code_and_passenger(operator: Client, disrupted: None) -> None:
    voucher = MealVoucher.objects.select_related("passenger").first()
    for query in (voucher.code.lower(), voucher.passenger.ref, "NV100/2026-11-25"):
        response = operator.get(_url(MealVoucher, "changelist"), {"q": query})
        assert voucher in response.context["cl"].result_list


def _act(operator: Client, model: type[models.Model], action: str, objects: list[models.Model]) -> list[str]:
    response = operator.post(
        _url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_redeem_and_void_change_issued_vouchers_and_are_logged(operator: Client, disrupted: None) -> None:
    first, second, third = MealVoucher.objects.order_by("id")[:3]
    assert _act(operator, MealVoucher, "redeem", [first]) == ["1 voucher(s) redeemed."]
    assert _act(operator, MealVoucher, "void", [second]) == ["1 voucher(s) void."]
    messages = _act(operator, MealVoucher, "redeem", [second, third])
    assert messages == ["1 voucher(s) redeemed.", f"{second.code} is void and cannot be redeemed"]
    assert _act(operator, MealVoucher, "void", [first]) == [f"{first.code} is redeemed and cannot be voided"]
    statuses = dict(MealVoucher.objects.filter(id__in=[first.id, second.id, third.id]).values_list("id", "status"))
    assert statuses == {first.id: "redeemed", second.id: "void", third.id: "redeemed"}
    assert LogEntry.objects.filter(object_id__in=[str(v.id) for v in (first, second, third)]).count() == 3
    assert MealVoucher.objects.get(id=first.id).closed_by == "admin"


def test_compensation_can_be_marked_paid(operator: Client, disrupted: None) -> None:
    records = list(Entitlement.objects.all()[:2])
    assert _act(operator, Entitlement, "pay", records)[0].startswith("2 marked paid")
    assert set(Entitlement.objects.filter(id__in=[r.id for r in records]).values_list("status", flat=True)) == {"paid"}


@pytest.fixture
def schema(contract_dir: Path) -> dict[str, Any]:
    return json.loads((contract_dir / "outcomes.schema.json").read_text(encoding="utf-8"))


def test_the_export_shows_vouchers_stays_and_compensation_as_the_contract_does(
    disrupted: None, schema: dict[str, Any]
) -> None:
    out = StringIO()
    call_command("export_outcomes", stdout=out)
    document = json.loads(out.getvalue())
    Draft202012Validator(schema).validate(document)
    voucher = document["meal_vouchers"][0]
    assert set(voucher) == {"code", "passenger", "flight", "airport", "amount", "currency", "status"}
    assert (voucher["flight"], voucher["airport"], voucher["amount"], voucher["currency"], voucher["status"]) == (
        "NV100/2026-11-25", "LHR", "30.00", "GBP", "issued",
    )  # fmt: skip
    stays = {(s["locator"], s["hotel"], s["night"], s["status"]) for s in document["hotel_stays"]}
    assert ("O00000", "LHR-H1", "2026-11-25", "booked") in stays
    assert ("O00004", None, "2026-11-25", "unaccommodated") in stays
    assert len(document["hotel_stays"]) == 10
    assert {(c["flight"], c["regime"], c["amount"], c["currency"], c["status"]) for c in document["compensation"]} == {
        ("NV100/2026-11-25", "UK261", "520.00", "GBP", "eligible")
    }, "LHR→JFK, 300 minutes late"
    assert {c["locator"] for c in document["compensation"]} == {"O00000", "O00001", "O00002", "O00003", "O00004"}
    assert len(document["compensation"]) == 10


@pytest.mark.parametrize("section", [meal_vouchers_section, hotel_stays_section, compensation_section])
def test_each_section_takes_one_query(disrupted: None, section: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert len(section()) == 10
    assert len(queries) == 1
