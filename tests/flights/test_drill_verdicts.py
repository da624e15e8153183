"""A drill run's verdict: its flows done and their duties met within the time limit pass; a dead or unfinished
subscriber fails it, named, and so does a duty the choreography should have met, by kind; duties the policy leaves
to operators make it ``needs_action``; a drill that restores puts its flights back on schedule once judged, through
a drill event of its own, judged as a run of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Delivery, Event
from events.runner import run_delivery
from flights.drill_verdicts import judge
from flights.models import DrillRun, Flight
from flights.services import delay_flight
from flights.tasks import inject_delays, judge_drills
from notifications import passenger_delivery
from notifications.models import PassengerMessage
from operations.models import Duty
from tests.factories import FlightFactory
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, load_stranding, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def drills_allowed(settings, tmp_path) -> None:
    settings.DRILLS_ALLOWED = True
    settings.DRILL_EMAIL_FILE_PATH, settings.DRILL_SMS_FILE_PATH = str(tmp_path / "mail"), str(tmp_path / "sms.log")


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


def _drill_of(flight: Flight, delay_minutes: int) -> DrillRun:
    """A drill run of one delay whose flow has run (its messages not sent yet)."""
    run = DrillRun.objects.create(name="stranding", slot=1, time_limit_seconds=600)
    root = delay_flight(flight=flight, delay_minutes=delay_minutes, reason="TECH", drill=True)
    run.roots.add(root)
    run_flow(root)
    return run


def _send_messages() -> None:
    passenger_delivery.send_batch(list(PassengerMessage.objects.values_list("id", flat=True)))


def test_a_drill_whose_duties_are_all_met_passes_once_its_notices_are_sent(tmp_path) -> None:
    load_network([scenario_flight("1", "LHR", "CDG", "18:00", "19:15")],
                 [scenario_booking("SOLO01", [("1", "Y")], email="bob@example.org")], tmp_path)  # fmt: skip
    run = _drill_of(Flight.objects.get(number="1"), 180)
    assert judge(run, timezone.now()) == "running", "its notice of rights is still to be sent"
    _send_messages()
    assert judge(run, timezone.now()) == "passed"
    run.refresh_from_db()
    assert run.figures["duties"] == {"left_to_operators": {}, "unmet": {}}


def test_a_drill_leaving_passengers_to_operators_where_the_policy_does_needs_action_naming_those_duties(
    tmp_path, admin_client
) -> None:
    load_stranding(tmp_path)
    run = _drill_of(Flight.objects.get(number="1"), 300)  # STRAND unprotected at CDG, no hotel; two have no channel
    _send_messages()
    assert judge(run, timezone.now()) == "needs_action"
    run.refresh_from_db()
    assert run.reason == "left to operators: hotel ×3, reaccommodation ×3, rights_notice ×2"
    assert run.figures["duties"]["unmet"] == {}
    page = admin_client.get(f"/admin/flights/drillrun/{run.pk}/change/").content.decode()
    assert "Needs action (left to operators by the policy)" in page


def test_a_duty_the_choreography_should_have_met_fails_the_drill_by_kind_once_its_time_is_up(tmp_path) -> None:
    load_stranding(tmp_path)
    run = _drill_of(Flight.objects.get(number="1"), 300)
    _send_messages()
    Duty.objects.filter(kind="meal", passenger__ref="SOLO01-1").update(status="open", met_at=None)
    assert judge(run, run.ran_at + dt.timedelta(seconds=599)) == "running"
    assert judge(run, run.ran_at + dt.timedelta(seconds=600)) == "failed"
    run.refresh_from_db()
    assert run.reason == "duties not met within 600 s: meal ×1"
    assert run.figures["duties"] == {"left_to_operators": {"hotel": 3, "reaccommodation": 3, "rights_notice": 2},
                                     "unmet": {"meal": 1}}  # fmt: skip


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
    restoring = DrillRun.objects.get(restore_of=run)
    assert (restoring.name, restoring.verdict) == ("manual (restore)", "running")
    assert list(restoring.roots.all()) == [restore]
    assert judge_drills() == 0, "the drill judged once; its restore's flow has yet to run"
    run_flow(restore)
    assert judge_drills() == 1
    restoring.refresh_from_db()
    assert (restoring.verdict, restoring.delayed, restoring.restore) == ("passed", 1, False)
    assert set(restoring.figures["subscribers"]) == set(restore.deliveries.values_list("subscriber", flat=True))


def test_a_drill_does_not_undo_a_change_made_since() -> None:
    from flights.services import delay_flight

    run, root, flight = _drill(restore=True)
    run_flow(root)
    delay_flight(flight=flight, delay_minutes=90, reason="TECH")
    judge_drills()
    assert Flight.objects.get(id=flight.id).delay_minutes == 90
    run.refresh_from_db()
    assert run.verdict == "passed" and run.figures["restored_flights"] == []
    assert not DrillRun.objects.filter(restore_of=run).exists(), "nothing restored: no restore to judge"


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
