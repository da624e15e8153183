"""A drill run's verdict: its flows done within the time limit pass; a dead or unfinished subscriber fails it,
named; a drill that restores puts its flights back on schedule once judged, through a drill event of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Delivery, Event
from events.runner import run_delivery
from flights.drill_verdicts import judge
from flights.models import DrillRun, Flight
from flights.tasks import inject_delays, judge_drills
from tests.factories import FlightFactory
from tests.support.flows import run_flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def drills_allowed(settings) -> None:
    settings.DRILLS_ALLOWED = True


def _drill(**kwargs: object) -> tuple[DrillRun, Event, Flight]:
    soon = timezone.now() + dt.timedelta(hours=1)
    flight = FlightFactory(scheduled_departure=soon, service_date=soon.date())
    inject_delays(probability=1, min_delay=60, max_delay=60, **kwargs)
    run = DrillRun.objects.get()
    return run, run.roots.get(), flight


def test_a_drill_whose_flows_are_all_done_in_time_passes_with_each_subscribers_time() -> None:
    run, root, _flight = _drill(time_limit_seconds=600)
    assert judge_drills() == 0, "its flows are still open within the limit: no verdict yet"
    run_flow(root)
    assert judge_drills() == 1
    run.refresh_from_db()
    assert (run.verdict, run.reason) == ("passed", "")
    subscribers = run.figures["subscribers"]
    assert set(subscribers) == set(Delivery.objects.filter(event__root=root).values_list("subscriber", flat=True))
    assert all(c["done"] == c["deliveries"] and c["seconds"] is not None for c in subscribers.values())
    assert "passed" in str(run) and "1 delayed" in str(run)


def test_a_subscriber_not_done_within_the_limit_fails_the_drill_by_name() -> None:
    run, root, _flight = _drill(time_limit_seconds=60)
    for delivery in Delivery.objects.filter(event__root=root).exclude(subscriber="partners"):
        run_delivery(delivery.id)
    assert judge(run, timezone.now()) == "running"
    assert judge(run, run.ran_at + dt.timedelta(seconds=60)) == "failed"
    run.refresh_from_db()
    assert run.reason == "not done within 60 s: partners"
    assert run.figures["subscribers"]["partners"] == {"deliveries": 1, "done": 0, "dead": 0, "open": 1,
                                                      "seconds": None}  # fmt: skip


def test_a_dead_delivery_fails_the_drill_at_once_by_subscriber() -> None:
    run, root, _flight = _drill()
    Delivery.objects.filter(event=root, subscriber="notifications").update(status="dead", finished_at=timezone.now())
    assert judge(run, timezone.now()) == "failed"
    run.refresh_from_db()
    assert run.reason == "dead deliveries: notifications"


def test_a_drill_that_restores_puts_its_flight_back_on_schedule_through_a_drill_event_once_judged() -> None:
    run, root, flight = _drill(restore=True)
    assert Flight.objects.get(id=flight.id).delay_minutes == 60
    run_flow(root)
    assert judge_drills() == 1
    assert Flight.objects.get(id=flight.id).delay_minutes == 0
    restore = Event.objects.get(type="flight.delayed", payload__delay_minutes=0)
    assert restore.drill and restore.is_root and restore.deliveries.exists()
    run.refresh_from_db()
    assert run.figures["restored_flights"] == [flight.id]
    assert judge_drills() == 0, "judged once"


def test_a_drill_does_not_undo_a_change_made_since() -> None:
    from flights.services import delay_flight

    run, root, flight = _drill(restore=True)
    run_flow(root)
    delay_flight(flight=flight, delay_minutes=90, reason="TECH")
    judge_drills()
    assert Flight.objects.get(id=flight.id).delay_minutes == 90
    run.refresh_from_db()
    assert run.verdict == "passed" and run.figures["restored_flights"] == []


def test_a_failed_drill_is_counted_on_the_dashboard_linking_to_the_failed_runs(admin_client) -> None:
    run, root, _flight = _drill()
    Delivery.objects.filter(event=root, subscriber="notifications").update(status="dead", finished_at=timezone.now())
    queues = {q.label: q for q in admin_client.get("/admin/").context["queues"]}
    assert queues["Drills failed"].count == 0
    judge(run, timezone.now())
    failed = {q.label: q for q in admin_client.get("/admin/").context["queues"]}["Drills failed"]
    assert failed.count == 1
    page = admin_client.get(failed.url).content.decode()
    assert "dead deliveries: notifications" in page and "1 drill run" in page
