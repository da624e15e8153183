"""``POST /api/v1/bookings/lookup``: a passenger's booking after a cancellation, proven by locator and last name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bookings.selectors import booking_view
from compensation.models import Entitlement
from notifications.models import PassengerMessage
from notifications.rendering import render
from rebooking.passenger_access import booking_for
from tests.support.scenarios import load_cancelled_evening
from vouchers.models import MealVoucher

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/lookup"


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def _lookup(body: Any, address: str = "203.0.113.7") -> tuple[int, Any]:
    response = APIClient(REMOTE_ADDR=address).post(URL, body, format="json")
    return response.status_code, response.json()


def _found(locator: str = "SMTH00", last_name: str = "Smth00") -> dict[str, Any]:
    status, body = _lookup({"locator": locator, "last_name": last_name})
    assert status == 200, body
    return body


@pytest.mark.usefixtures("cancelled_evening")
def test_the_cancelled_flight_says_so_and_has_no_gate_and_the_new_itinerary_has_local_times() -> None:
    body = _found()

    (old,) = body["reaccommodation"]["old"]
    assert (old["flight"]["flight"], old["flight"]["status"], old["flight"]["gate"]) == ("NV100", "cancelled", None)
    assert old["flight"]["estimated_departure"] is None
    assert old["flight"]["scheduled_departure"] == "2026-11-25T19:00:00+01:00", "CDG local, with its offset"
    (new,) = body["reaccommodation"]["new"]
    assert body["journey"] == [new], "the booking now holds the new itinerary"
    assert (new["cabin"], new["flight"]["flight"], new["flight"]["gate"]) == ("Y", "NV102", "K45")
    assert new["flight"]["estimated_departure"] == "2026-11-26T09:30:00+01:00"
    assert new["flight"]["estimated_arrival"] == "2026-11-26T11:10:00-05:00", "JFK local, with its offset"
    assert {key: body["reaccommodation"][key] for key in ("status", "cause", "disrupted_flight", "choices")} == {
        "status": "rebooked",
        "cause": "cancelled",
        "disrupted_flight": "NV100/2026-11-25",
        "choices": ["accept", "decline", "refund"],
    }


@pytest.mark.usefixtures("cancelled_evening")
def test_each_passenger_sees_their_voucher_hotel_compensation_and_notice_of_rights() -> None:
    first, second = _found()["passengers"]

    voucher = MealVoucher.objects.get(passenger__ref="SMTH00-1")
    assert first["meal_vouchers"] == [{"code": voucher.code, "amount": "40.00", "currency": "EUR", "status": "issued",
                                       "airport": "CDG", "flight": "NV100/2026-11-25"}]  # fmt: skip
    assert first["hotel_stays"] == [{"hotel": "Roissy", "night": "2026-11-25", "airport": "CDG", "status": "booked"}]
    entitlement = Entitlement.objects.get(passenger__ref="SMTH00-1")
    assert first["compensation"] == {"regime": "EU261", "amount": "600.00", "currency": "EUR", "status": "eligible",
                                     "reason": entitlement.reason}  # fmt: skip
    (notice,) = first["rights_notices"]
    sent = render(PassengerMessage.objects.get(passenger__ref="SMTH00-1", kind="rights_notice"))
    assert (notice["flight"], notice["regime"]) == ("NV100/2026-11-25", "EU261")
    assert (notice["subject"], notice["text"]) == (sent.subject, sent.body), "the notice as it was sent"
    assert "Dear P0 Smth00" in notice["text"] and "(EU261)" in notice["text"]
    assert second["first_name"] == "P1" and second["meal_vouchers"][0]["code"] != voucher.code
    assert second["rights_notices"] == [], "no email, no phone: no notice was sent (it is printed at the gate)"


@pytest.mark.usefixtures("cancelled_evening")
def test_the_refund_option_follows_the_choice() -> None:
    assert _found()["refund"] == {"allowed": True, "refusal": None}

    APIClient().post("/api/v1/bookings/SMTH00/reaccommodation/refund", {"last_name": "Smth00"}, format="json")
    body = _found()

    assert body["refund"] == {"allowed": False, "refusal": "already_refunded"}
    assert (body["reaccommodation"]["status"], body["reaccommodation"]["choices"]) == ("refunded", [])
    assert body["journey"] == []


@pytest.mark.usefixtures("cancelled_evening")
def test_locator_and_name_are_case_space_and_accent_insensitive() -> None:
    assert _found(" smth00 ", "SMTH00 ")["locator"] == "SMTH00"


@pytest.mark.usefixtures("cancelled_evening")
@pytest.mark.parametrize(
    ("locator", "last_name"),
    [("SMTH00", "Smith"), ("SMTH01", "Smth00"), ("SMTH0", "Smth00"), ("SMTH00X", "Smth00"), ("  ", "Smth00"),
     ("SMTH00", " ")],
)  # fmt: skip
def test_any_mismatch_is_the_same_404(locator: str, last_name: str) -> None:
    assert _lookup({"locator": locator, "last_name": last_name}) == (
        404,
        {"error": {"code": "booking_not_found", "message": "No booking matches that locator and last name."}},
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"last_name": "Smth00"}, "locator: This field is required."),
        ({"locator": "", "last_name": "Smth00"}, "locator: This field may not be blank."),
        ({"locator": 7}, "last_name: This field is required."),  # a number is read as text: only the name is wrong
        ([{"locator": "SMTH00"}], "non_field_errors: Invalid data. Expected a dictionary, but got list."),
    ],
)
def test_a_malformed_body_is_a_400(body: Any, message: str) -> None:
    status, answer = _lookup(body)

    assert (status, answer["error"]["code"]) == (400, "invalid")
    assert answer["error"]["message"] == message


def test_the_credentials_are_never_in_a_url() -> None:
    response = APIClient().get(URL, {"locator": "SMTH00", "last_name": "Smth00"})

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"


@pytest.fixture
def three_per_booking(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "booking": "3/min"},
    }


@pytest.mark.usefixtures("cancelled_evening", "three_per_booking")
def test_one_booking_is_rate_limited_whoever_asks_on_the_counter_of_the_other_booking_endpoints() -> None:
    reaccommodation = APIClient(REMOTE_ADDR="198.51.100.1").post(
        "/api/v1/bookings/smth00/reaccommodation", {"last_name": "Guess"}, format="json"
    )
    codes = [_lookup({"locator": locator, "last_name": "Guess"}, address=f"203.0.113.{n}")[0]
             for n, locator in enumerate(["SMTH00", " smth00", "SMTH00"])]  # fmt: skip

    assert (reaccommodation.status_code, codes) == (404, [404, 404, 429])
    response = APIClient().post(URL, {"locator": "SMTH00", "last_name": "Smth00"}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1, "the right name too, once over"
    assert _lookup({"locator": "SMTH01", "last_name": "Guess"})[0] == 404, "another booking has its own count"


@pytest.mark.usefixtures("three_per_booking")
def test_a_locator_sent_as_a_number_is_counted_on_its_booking() -> None:
    codes = [_lookup({"locator": locator, "last_name": "Guess"})[0] for locator in (123456, "123456", 123456, 123456)]

    assert codes == [404, 404, 404, 429]


@pytest.mark.usefixtures("three_per_booking")
def test_a_crowd_behind_one_address_is_not_locked_out() -> None:
    codes = [_lookup({"locator": f"ZZZZ{n:02}", "last_name": "Guess"})[0] for n in range(12)]

    assert codes == [404] * 12


def test_the_view_takes_a_fixed_number_of_queries_however_big_the_booking(tmp_path: Path) -> None:
    def queries(size: int) -> int:
        load_cancelled_evening(tmp_path, size=size)
        booking = booking_for("SMTH00", "Smth00")
        with CaptureQueriesContext(connection) as captured:
            view = booking_view(booking)
        assert len(view.passengers) == size and all(p.meal_vouchers and p.hotel_stays for p in view.passengers)
        return len(captured)

    assert queries(1) == queries(4) == 9
