"""Duties (POLICY.md "Duties", ADR 8): owed by the disruption, met by the subscribers' own events, waived by
operators, overdue when a subscriber never acts; the business status and the export's ``duties[]``."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail

from airline import clock
from events.models import Delivery, Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import delay_flight
from notifications import passenger_delivery
from notifications.models import PassengerMessage
from operations.models import Duty
from operations.selectors import business_statuses
from operations.services import NotWaivable, meet, owe, request_waivers, review
from passengers.models import Booking
from rebooking.choices import refund
from rights.duties import DutyKind, Owed
from scenarios.outcomes import build_outcomes
from tests.support.flows import handle, run_flow
from tests.support.operators import login

pytestmark = pytest.mark.django_db


def _duties(root: Event) -> set[tuple[str, str, str]]:
    return set(Duty.objects.filter(root=root).values_list("passenger__ref", "kind", "status"))


def _send_messages() -> None:
    passenger_delivery.send_batch(list(PassengerMessage.objects.values_list("id", flat=True)))


def test_a_completed_flow_with_unprotected_passengers_needs_action_until_operators_act(stranded: Flight) -> None:
    root = delay_flight(flight=stranded, delay_minutes=300, reason="TECH")  # lands 00:15: NV100 has left
    run_flow(root)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}, "technically complete"
    strand = {f"STRAND-{n}" for n in (1, 2, 3)}
    everyone = strand | {"SOLO01-1"}
    assert _duties(root) == (
        {(p, "meal", "met") for p in everyone}  # short haul, 300 >= 120: vouchers were issued
        | {(p, "rights_notice", "open") for p in everyone}  # not sent yet
        | {(p, "reaccommodation", "open") for p in strand}  # unprotected: no way on
        | {(p, "hotel", "open") for p in strand}  # stranded at CDG overnight, no hotel there
        | {(p, "compensation", "met") for p in everyone}  # 300 min late, or not rerouted: recorded eligible
    )
    assert business_statuses([root.id]) == {root.id: "needs_action"}
    document = build_outcomes()
    (disruption,) = document["disruptions"]
    assert (disruption["status"], disruption["business_status"]) == ("completed", "needs_action")
    open_reaccommodations = {
        (d["passenger"], d["flight"])
        for d in document["duties"]
        if (d["kind"], d["status"]) == ("reaccommodation", "open")
    }
    assert open_reaccommodations == {(p, "NV1/2026-11-25") for p in strand}

    _send_messages()
    review()
    assert {p for p, kind, status in _duties(root) if kind == "rights_notice" and status == "met"} == {
        "STRAND-1",
        "SOLO01-1",
    }, "a notice is met once sent on a channel; passengers with none stay open"

    strand_booking = Booking.objects.get(locator="STRAND")
    run_flow(Event.objects.get(id=refund(booking_id=strand_booking.id, by="controller").event.root_id))
    assert {(p, s) for p, kind, s in _duties(root) if kind == "reaccommodation"} == {(p, "met") for p in strand}
    still_open = Duty.objects.filter(root=root, status="open")
    assert len(request_waivers(still_open, by="controller", reason="printed notice; refunded")) == 2, "per kind"
    assert business_statuses([root.id]) == {root.id: "in_progress"}, "the observer has yet to apply the waivers"
    run_flow(root)
    assert not Duty.objects.filter(root=root, status="open").exists()
    assert business_statuses([root.id]) == {root.id: "handled"}
    waived = Duty.objects.filter(status="waived").first()
    assert (waived.waived_by, waived.waive_reason) == ("controller", "printed notice; refunded")
    assert json.loads(json.dumps(build_outcomes()))["disruptions"][0]["business_status"] == "handled"


def test_a_subscriber_that_never_acts_leaves_its_duties_open_then_overdue_and_met_once_it_runs(
    stranded: Flight,
) -> None:
    root = delay_flight(flight=stranded, delay_minutes=224, reason="TECH")
    vouchers = root.deliveries.get(subscriber="vouchers")
    for delivery in root.deliveries.exclude(id=vouchers.id):  # no worker on the vouchers queue
        assert run_delivery(delivery.id) == "done"
    meals = Duty.objects.filter(root=root, kind="meal")
    assert meals.count() == 4 and set(meals.values_list("status", flat=True)) == {"open"}
    assert business_statuses([root.id]) == {root.id: "in_progress"}, "a delivery is still waiting"
    assert review(now=root.occurred_at - dt.timedelta(seconds=1))["overdue"] == 0, "not due yet"
    later = clock.now() + dt.timedelta(minutes=1)
    assert review(now=later)["overdue"] >= 4
    assert set(meals.values_list("overdue_since", flat=True)) == {later}
    run_flow(root)  # the worker is back
    assert set(meals.values_list("status", flat=True)) == {"met"}


def test_an_event_that_meets_a_duty_before_it_is_recorded_leaves_it_met(stranded: Flight) -> None:
    root = delay_flight(flight=stranded, delay_minutes=224, reason="TECH")
    assert run_delivery(root.deliveries.get(subscriber="vouchers").id) == "done"
    issued = Event.objects.get(caused_by=root, type="voucher.issued")
    assert run_delivery(issued.deliveries.get(subscriber="duties").id) == "done"  # before the root's
    assert run_delivery(root.deliveries.get(subscriber="duties").id) == "done"
    assert set(Duty.objects.filter(root=root, kind="meal").values_list("status", flat=True)) == {"met"}
    assert Duty.objects.filter(root=root).count() == 4 * 2 + 3 + 1, (
        "meal and notice for all, reaccommodation for 3, compensation for SOLO01 (224 min late)"
    )


def test_a_notice_meets_the_duty_of_its_own_kind_of_flow_only_drill_or_real(stranded: Flight) -> None:
    drill = delay_flight(flight=stranded, delay_minutes=180, reason="TECH", drill=True)
    real = delay_flight(flight=stranded, delay_minutes=240, reason="TECH")
    solo = Booking.objects.get(locator="SOLO01").passengers.get()
    duty = Duty.objects.create(root=real, flight=stranded, passenger=solo, kind="rights_notice", due=real.occurred_at)
    notice = {"passenger": solo, "flight": stranded, "kind": "rights_notice", "recipient": "bob@example.org"}
    PassengerMessage.objects.create(event=drill, drill=True, channel="email", status="done", **notice)
    review()
    duty.refresh_from_db()
    assert duty.status == "open", "a drill's notice sent is not the real one"
    PassengerMessage.objects.create(event=real, channel="sms", status="done", **notice)
    review()
    duty.refresh_from_db()
    assert duty.status == "met"


def test_a_redelivered_disruption_records_nothing_twice(stranded: Flight) -> None:
    root = delay_flight(flight=stranded, delay_minutes=224, reason="TECH")
    run_flow(root)
    before = sorted(Duty.objects.values_list("id", "status"))
    assert handle(root, "duties") == {"owed": 0}
    assert sorted(Duty.objects.values_list("id", "status")) == before


def test_a_short_delay_owes_nothing_and_is_handled(stranded: Flight) -> None:
    root = delay_flight(flight=stranded, delay_minutes=10, reason="TECH")  # lands 19:25: still connects (MCT 60)
    run_flow(root)
    assert not Duty.objects.exists()
    assert business_statuses([root.id]) == {root.id: "handled"}


def test_a_duty_is_waived_only_with_a_reason(stranded: Flight) -> None:
    run_flow(delay_flight(flight=stranded, delay_minutes=224, reason="TECH"))
    with pytest.raises(NotWaivable, match="reason"):
        request_waivers(Duty.objects.all(), by="controller", reason="  ")
    assert not Event.objects.filter(type="duty.waived").exists()
    assert mail.outbox == [], "nothing was sent by waiving"


@pytest.mark.usefixtures("roles")
@pytest.mark.parametrize(("role", "may_waive"), [("Customer service", True), ("Viewer", False)])
def test_operators_see_duties_and_waive_them_with_a_reason_in_the_console(
    stranded: Flight, client, role: str, may_waive: bool
) -> None:
    run_flow(delay_flight(flight=stranded, delay_minutes=224, reason="TECH"))
    login(client, role)
    listing = client.get("/admin/operations/duty/?status__exact=open&kind__exact=rights_notice")
    assert listing.status_code == 200 and b"STRAND-2" in listing.content
    open_notices = list(Duty.objects.filter(kind="rights_notice").values_list("id", flat=True))
    chosen = {"action": "waive_selected", "_selected_action": open_notices}
    if not may_waive:
        client.post("/admin/operations/duty/", chosen | {"apply": "1", "reason": "printed"})
        assert not Duty.objects.filter(status="waived").exists()
        return
    form = client.post("/admin/operations/duty/", chosen)
    assert form.status_code == 200 and b"Waive these duties" in form.content
    refused = client.post("/admin/operations/duty/", chosen | {"apply": "1", "reason": ""}, follow=True)
    assert b"A duty is waived with a reason" in refused.content
    assert not Duty.objects.filter(status="waived").exists()
    client.post("/admin/operations/duty/", chosen | {"apply": "1", "reason": "printed notice at the gate"})
    run_flow(Event.objects.get(type="duty.waived").root)
    assert set(Duty.objects.filter(id__in=open_notices).values_list("status", "waived_by", "waive_reason")) == {
        ("waived", "Customer-service", "printed notice at the gate")
    }


def test_recording_duties_counts_only_the_new_ones_and_keeps_those_recorded(stranded: Flight) -> None:
    root = delay_flight(flight=stranded, delay_minutes=10, reason="TECH")  # owes nothing by itself
    first, second = Booking.objects.get(locator="STRAND").passengers.order_by("id")[:2]
    due = root.occurred_at + dt.timedelta(hours=1)
    assert meet(DutyKind.MEAL, [first.id], cause=root.facts, flight_id=stranded.id) == 0, "none was open"
    assert owe([(first.id, Owed(DutyKind.MEAL, due))], root_id=root.id, flight_id=stranded.id) == 0, "recorded met"
    owing = [(p.id, Owed(kind, due)) for p in (first, second) for kind in (DutyKind.MEAL, DutyKind.HOTEL)]
    assert owe(owing + owing[-1:], root_id=root.id, flight_id=stranded.id) == 3, "a duty given twice is new once"
    assert owe(owing, root_id=root.id, flight_id=stranded.id) == 0
    duties = Duty.objects.filter(root=root)
    assert set(duties.values_list("passenger_id", "kind", "status", "met_by_id")) == {
        (first.id, "meal", "met", root.id),
        (first.id, "hotel", "open", None),
        (second.id, "meal", "open", None),
        (second.id, "hotel", "open", None),
    }
    assert set(duties.filter(status="open").values_list("due", "flight_id", "met_at", "waived_by", "waive_reason")) == {
        (due, stranded.id, None, "", "")
    }
    met = duties.get(status="met")
    assert met.due == met.met_at and met.created_at is not None
    assert meet(DutyKind.HOTEL, [first.id, second.id], cause=root.facts, flight_id=stranded.id) == 2
    assert set(duties.filter(kind="hotel").values_list("status", "met_by_id")) == {("met", root.id)}
