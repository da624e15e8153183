"""Drill effects stay out of the operators' work queues: the dashboard's counts and the work lists leave drill
flows out unless asked for (``?drills=include|only``); a chosen disruption (``?root=``) shows all of its rows."""

from __future__ import annotations

import datetime as dt

import pytest

from events.models import Delivery
from flights.services import delay_flight
from operations.models import Duty
from tests.factories import FlightFactory, PassengerFactory

pytestmark = pytest.mark.django_db


def _open_duty(*, drill: bool) -> Duty:
    flight = FlightFactory()
    event = delay_flight(flight=flight, delay_minutes=180, reason="TECH", drill=drill)
    Delivery.objects.filter(event=event, subscriber="notifications").update(status="dead")
    return Duty.objects.create(root=event, flight=flight, passenger=PassengerFactory(), kind="meal",
                               due=event.occurred_at + dt.timedelta(hours=1))  # fmt: skip


def _listed(admin_client, query: str = "") -> set[int]:
    page = admin_client.get(f"/admin/operations/duty/{query}")
    assert page.status_code == 200
    return {duty.pk for duty in page.context["cl"].result_list}


def test_the_dashboard_counts_and_the_work_lists_leave_drill_flows_out_unless_asked(admin_client) -> None:
    real, drill = _open_duty(drill=False), _open_duty(drill=True)
    queues = {q.label: q.count for q in admin_client.get("/admin/").context["queues"]}
    assert (queues["Duties open"], queues["Deliveries dead"]) == (1, 1)
    assert _listed(admin_client) == {real.pk}
    assert _listed(admin_client, "?drills=include") == {real.pk, drill.pk}
    assert _listed(admin_client, "?drills=only") == {drill.pk}
    assert _listed(admin_client, f"?root={drill.root_id}") == {drill.pk}, "a chosen drill disruption shows its rows"
    dead = admin_client.get("/admin/events/delivery/?status__exact=dead").context["cl"].result_list
    assert [d.event_id for d in dead] == [real.root_id]
