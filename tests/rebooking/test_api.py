"""The passengers' reaccommodation API: locator + last name, see, accept, decline, refund; no enumeration."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from events.models import Event
from events.types import EventType
from flights.services import cancel_flight, delay_flight
from passengers.models import Segment
from rebooking.models import Reaccommodation
from rebooking.passenger_access import booking_for
from tests.rebooking import test_service
from tests.rebooking.test_service import DAY, _get, _handle

pytestmark = pytest.mark.django_db
hub = test_service.hub  # the same small network


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    cache.clear()


def _post(path: str, last_name: str | None = "Aaaaaa") -> tuple[int, dict]:
    body = {} if last_name is None else {"last_name": last_name}
    response = APIClient().post(f"/api/v1/bookings/{path}", body, format="json")
    return response.status_code, response.json()


def test_a_passenger_sees_the_new_itinerary_and_accepts_it(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    status, body = _post("aaaaaa/reaccommodation", "aaaaaa ")
    assert status == 200
    assert (body["status"], body["cause"], body["disrupted_flight"]) == ("rebooked", "cancelled", f"NV100/{DAY}")
    assert [leg["flight"] for leg in body["new"]] == [f"NV102/{DAY}"]
    assert body["new"][0]["departure"].startswith(f"{DAY}T14:00")
    assert body["choices"] == ["accept", "decline", "refund"]
    status, body = _post("AAAAAA/reaccommodation/accept")
    assert (status, body["status"], body["choices"]) == (200, "accepted", ["decline", "refund"])


def test_a_refund_after_a_cancellation_releases_the_seats(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    status, body = _post("AAAAAA/reaccommodation/refund")
    assert (status, body["status"], body["choices"]) == (200, "refunded", [])
    assert _get("102").booked_y == 2
    status, body = _post("AAAAAA/reaccommodation/accept")
    assert (status, body["error"]["code"]) == (409, "choice_not_allowed")


def test_no_refund_after_a_short_delay(hub) -> None:
    _handle(delay_flight(flight=_get("1"), delay_minutes=90))
    status, body = _post("CONNEX/reaccommodation/refund", "Connex")
    assert (status, body["error"]["code"]) == (409, "choice_not_allowed")
    assert "300 minutes" in body["error"]["message"]
    assert body["error"]["reason"] == "delay_under_300_minutes"


def test_a_passenger_without_a_case_may_take_a_refund_of_a_flight_delayed_300_minutes(hub) -> None:
    _handle(delay_flight(flight=_get("100"), delay_minutes=300))
    assert _post("AAAAAA/reaccommodation")[0] == 404, "no reaccommodation to see"
    status, body = _post("AAAAAA/reaccommodation/refund")
    assert status == 200
    assert (body["status"], body["cause"], body["disrupted_flight"]) == ("refunded", "refund", f"NV100/{DAY}")
    assert ([leg["flight"] for leg in body["old"]], body["new"], body["choices"]) == ([f"NV100/{DAY}"], [], [])
    assert not body["refund_allowed"]
    assert not Segment.objects.filter(booking__locator="AAAAAA", status="active").exists()
    assert Event.objects.filter(type=EventType.PASSENGER_REFUNDED).count() == 1
    status, body = _post("AAAAAA/reaccommodation/refund")
    assert (status, body["error"]["code"], body["error"]["reason"]) == (409, "choice_not_allowed", "already_refunded")


@pytest.mark.parametrize(("minutes", "reason"), [(299, "delay_under_300_minutes"), (0, "delay_under_300_minutes")])
def test_a_refund_without_a_right_is_409_with_its_reason_and_changes_nothing(hub, minutes, reason) -> None:
    delay_flight(flight=_get("100"), delay_minutes=minutes)
    status, body = _post("AAAAAA/reaccommodation/refund")
    assert (status, body["error"]["code"], body["error"]["reason"]) == (409, "choice_not_allowed", reason)
    assert set(body["error"]) == {"code", "message", "reason"}
    assert Segment.objects.filter(booking__locator="AAAAAA", status="active").count() == 1
    assert not Reaccommodation.objects.exists()
    assert not Event.objects.filter(type=EventType.PASSENGER_REFUNDED).exists()


def test_the_refund_choice_follows_the_flight_as_it_is_now(hub) -> None:
    _handle(delay_flight(flight=_get("1"), delay_minutes=90))
    status, body = _post("CONNEX/reaccommodation", "Connex")
    assert (status, body["refund_allowed"], body["choices"]) == (200, False, ["accept", "decline"])
    delay_flight(flight=_get("1"), delay_minutes=300)  # a later delay takes the case's flight to 300 minutes
    status, body = _post("CONNEX/reaccommodation", "Connex")
    assert (body["refund_allowed"], body["choices"]) == (True, ["accept", "decline", "refund"])
    assert _post("CONNEX/reaccommodation/refund", "Connex")[1]["status"] == "refunded"


def test_a_locator_matches_exactly(hub) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    assert _post("AAAAAAXYZ/reaccommodation")[0] == 404
    assert _post("AAAAA/reaccommodation")[0] == 404
    assert booking_for("AAAAAAXYZ", "Aaaaaa") is None
    assert booking_for(" aaaaaa ", "Aaaaaa") is not None


@pytest.mark.parametrize(("path", "name"), [("AAAAAA", "Wrong"), ("ZZZZZZ", "Aaaaaa"), ("AAAAAA", "")])
def test_wrong_locator_or_name_gives_the_same_404(hub, path: str, name: str) -> None:
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))
    status, body = _post(f"{path}/reaccommodation", name)
    if name == "":
        assert (status, body["error"]["code"]) == (400, "invalid")
        return
    assert status == 404
    assert body == {"error": {"code": "booking_not_found", "message": "No booking matches that locator and last name."}}


@pytest.fixture
def three_per_booking(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "booking": "3/min"},
    }


def _post_from(address: str, path: str, last_name: str) -> int:
    response = APIClient(REMOTE_ADDR=address).post(f"/api/v1/bookings/{path}", {"last_name": last_name}, format="json")
    return response.status_code


@pytest.mark.usefixtures("three_per_booking")
def test_look_ups_of_one_booking_are_rate_limited_whoever_asks(hub) -> None:
    codes = [_post_from(f"203.0.113.{n}", f"{locator}/reaccommodation", "Guess")
             for n, locator in enumerate(["ZZZZZZ", "zzzzzz", " ZZZZZZ", "ZZZZZZ", "ZZZZZZ"])]  # fmt: skip

    assert codes == [404, 404, 404, 429, 429]


@pytest.mark.usefixtures("three_per_booking")
def test_a_crowd_behind_one_address_is_not_locked_out(hub) -> None:
    codes = [_post_from("203.0.113.7", f"ZZZZ{n:02}/reaccommodation", "Guess") for n in range(12)]

    assert codes == [404] * 12


def test_the_client_rate_still_applies_to_booking_look_ups(hub, settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "booking": "100/min"},
    }
    codes = [_post_from("203.0.113.7", f"ZZZZ{n:02}/reaccommodation", "Guess") for n in range(3)]

    assert codes == [404, 404, 429]
