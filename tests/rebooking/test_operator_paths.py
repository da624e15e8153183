"""The operator's paths through a reaccommodation: the rebook page end to end, ``choose_itinerary``'s guards, and
``decide(choice="decline")`` with what it keeps and what it leaves open."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from events.models import Event
from events.types import EventType
from flights.models import Flight
from flights.services import cancel_flight
from passengers.models import Segment
from rebooking.choices import decide
from rebooking.manual import choose_itinerary
from rebooking.models import Reaccommodation
from rebooking.refusals import DecisionError
from tests.rebooking import test_admin, test_service
from tests.rebooking.test_admin import CASES
from tests.rebooking.test_service import DAY, _case, _get, _handle

pytestmark = pytest.mark.django_db
hub, desk, viewer = test_service.hub, test_admin.desk, test_admin.viewer


@pytest.fixture
def cancelled(hub: None) -> None:
    """NV100 cancelled: AAAAAA and BBBBBB rebooked on NV102 Y, CONNEX on NV102 J, CCCCCC (two) unprotected."""
    _handle(cancel_flight(flight=_get("100"), reason="TECH"))


def _active(locator: str) -> list[tuple[str, str]]:
    segments = Segment.objects.filter(booking__locator=locator, status="active").order_by("position")
    return list(segments.values_list("flight__number", "cabin"))


def _manual_moves() -> int:
    return Event.objects.filter(type=EventType.PASSENGER_REACCOMMODATED, payload__optimal=False).count()


def _seats() -> tuple[int, int]:
    return _get("102").booked_y, _get("104").booked_y


def test_an_operator_rebooks_a_party_from_the_rebook_page(cancelled: None, desk: Client) -> None:
    Flight.objects.filter(number="104").update(seats_y=3)  # the airline adds seats to NV104
    case = _case("AAAAAA")
    nv104 = _get("104").id
    page = desk.get(f"{CASES}{case.pk}/rebook/").content.decode()
    assert f'value="{nv104}:Y"' in page and "Rebook AAAAAA (1 passengers, from LHR)" in page
    before = _seats()
    response = desk.post(f"{CASES}{case.pk}/rebook/", {"itinerary": f"{nv104}:Y"}, follow=True)
    assert response.redirect_chain == [(f"{CASES}{case.pk}/change/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["AAAAAA rebooked."]
    case.refresh_from_db()
    assert ([leg["flight"] for leg in case.new], case.status, case.decided_by) == ([f"NV104/{DAY}"], "rebooked", "desk")
    assert _active("AAAAAA") == [("104", "Y")]
    assert _seats() == (before[0] - 1, before[1] + 1), "NV102's seat given back, NV104's taken"
    assert LogEntry.objects.get(object_id=str(case.pk)).get_change_message() == f"Rebooked on {nv104}:Y"
    assert _manual_moves() == 1


def test_an_itinerary_the_page_does_not_offer_is_a_form_error_and_changes_nothing(
    cancelled: None, desk: Client
) -> None:
    case = _case("CCCCCC")
    before = _seats()
    response = desk.post(f"{CASES}{case.pk}/rebook/", {"itinerary": f"{_get('102').id}:Y"})
    assert response.status_code == 200
    assert "itinerary" in response.context["form"].errors
    case.refresh_from_db()
    assert (case.status, case.new, case.decided_by) == ("unprotected", [], "")
    assert _seats() == before and _manual_moves() == 0


def test_an_unprotected_party_with_no_valid_itinerary_is_told_so(cancelled: None, desk: Client) -> None:
    page = desk.get(f"{CASES}{_case('CCCCCC').pk}/rebook/").content.decode()
    assert "No valid itinerary exists now." in page and "Rebook on this itinerary" not in page


def test_a_viewer_may_not_open_the_rebook_page(cancelled: None, viewer: Client) -> None:
    assert viewer.get(f"{CASES}{_case('AAAAAA').pk}/rebook/").status_code == 403


@pytest.mark.parametrize("cabins", [["Y"], ["J", "J"], []], ids=["lower-cabin", "too-many-cabins", "no-cabin"])
def test_choose_itinerary_refuses_cabins_that_do_not_fit(cancelled: None, cabins: list[str]) -> None:
    case = _case("CONNEX")  # booked J on NV100, rebooked on NV102 J
    before = _seats(), _get("102").booked_j, _active("CONNEX")
    with pytest.raises(DecisionError, match="a cabin is lower than booked") as refused:
        choose_itinerary(case, flight_ids=[_get("102").id], cabins=cabins, by="ops")
    assert refused.value.reason == "itinerary_not_valid"
    assert (_seats(), _get("102").booked_j, _active("CONNEX")) == before
    assert _manual_moves() == 0


def test_choose_itinerary_refuses_a_refunded_case(cancelled: None) -> None:
    Flight.objects.filter(number="104").update(seats_y=3)
    case = decide(_case("AAAAAA"), choice="refund")
    before = _seats()
    with pytest.raises(DecisionError) as refused:
        choose_itinerary(case, flight_ids=[_get("104").id], cabins=["Y"], by="ops")
    assert refused.value.reason == "already_refunded"
    assert _seats() == before and _active("AAAAAA") == [] and _manual_moves() == 0


def test_declining_keeps_the_seats_and_leaves_accept_and_refund_open(cancelled: None) -> None:
    before = _seats()
    case = decide(_case("AAAAAA"), choice="decline", by="desk")
    assert (case.status, case.decided_by) == ("declined", "desk")
    assert _active("AAAAAA") == [("102", "Y")] and _seats() == before, "a decline gives no seat back"
    with pytest.raises(DecisionError) as twice:
        decide(case, choice="decline")
    assert twice.value.reason == "choice_not_open"
    assert decide(case, choice="accept").status == "accepted"
    assert decide(case, choice="decline").status == "declined", "a passenger may change their mind"
    decide(case, choice="refund")
    with pytest.raises(DecisionError) as after_refund:
        decide(case, choice="decline")
    assert after_refund.value.reason == "already_refunded"
    assert _seats()[0] == before[0] - 1, "the refund gave the seat back"
    kinds = Event.objects.filter(caused_by=case.event).exclude(type=EventType.PASSENGER_REACCOMMODATED)
    assert sorted(kinds.values_list("type", flat=True)) == sorted(
        [EventType.ITINERARY_DECLINED, EventType.ITINERARY_ACCEPTED, EventType.ITINERARY_DECLINED,
         EventType.PASSENGER_REFUNDED]
    ), "one event per choice made, none for the refused ones"  # fmt: skip
    assert Reaccommodation.objects.get(pk=case.pk).status == "refunded"
