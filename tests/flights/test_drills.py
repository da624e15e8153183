"""Scheduled delay drills: kwargs checked, flights delayed as drills, a tick sent twice injects once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from events.models import Event
from flights.drills import InvalidDrill, choose_delays, parse_drill
from flights.models import DrillRun, Flight
from flights.tasks import _slot, inject_delays
from tests.factories import FlightFactory


@pytest.fixture(autouse=True)
def drills_allowed(settings) -> None:
    settings.DRILLS_ALLOWED = True


def test_defaults_are_a_valid_drill() -> None:
    spec = parse_drill({})
    assert (spec.probability, spec.min_delay, spec.max_delay, spec.horizon_hours) == (0.1, 30, 240, 6)


def test_every_problem_is_listed() -> None:
    with pytest.raises(InvalidDrill) as exc:
        parse_drill({"probability": 2, "min_delay": 300, "max_delay": 10, "reason": "NAP", "colour": "red",
                     "airports": ["LONDON"], "horizon_hours": 0})  # fmt: skip
    assert len(exc.value.problems) == 6
    assert "unknown key 'colour'" in exc.value.problems
    assert "min_delay must not exceed max_delay" in exc.value.problems
    with pytest.raises(InvalidDrill) as exc:
        parse_drill({"time_limit_seconds": 0, "restore": "yes"})
    assert exc.value.problems == ["time_limit_seconds must be a whole number from 1 to 86400",
                                  "restore must be true or false"]  # fmt: skip


def test_the_same_seed_and_slot_choose_the_same_delays() -> None:
    spec = parse_drill({"probability": 0.5, "seed": 7})
    first = choose_delays(spec, list(range(100)), slot=1_800)
    assert first == choose_delays(spec, list(reversed(range(100))), slot=1_800)
    assert first != choose_delays(spec, list(range(100)), slot=2_700)
    assert all(30 <= minutes <= 240 for minutes in first.values())
    assert 30 < len(first) < 70


@pytest.mark.django_db
def test_a_drill_delays_flights_departing_soon_and_marks_them_as_drills() -> None:
    soon = timezone.now() + dt.timedelta(hours=1)
    later = timezone.now() + dt.timedelta(hours=30)
    near = [FlightFactory(scheduled_departure=soon, service_date=soon.date()) for _ in range(3)]
    FlightFactory(scheduled_departure=later, service_date=later.date())
    result = inject_delays(probability=1, min_delay=60, max_delay=60, reason="WX", seed=3)
    assert result == {"delayed": 3}
    events = Event.objects.filter(type="flight.delayed")
    assert {e.flight_id for e in events} == {f.id for f in near}
    assert all(e.drill and e.payload["drill"] and e.payload["reason"] == "WX" for e in events)
    assert all(f.delay_minutes == 60 for f in Flight.objects.filter(id__in=[f.id for f in near]))


@pytest.mark.django_db
def test_a_tick_sent_twice_injects_once(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)  # both deliveries of the tick in one slot, on any minute
    soon = moment + dt.timedelta(hours=1)
    FlightFactory(scheduled_departure=soon, service_date=soon.date())
    assert inject_delays(probability=1) == {"delayed": 1}
    assert inject_delays(probability=1) == {"delayed": 0}
    assert Event.objects.count() == 1
    assert DrillRun.objects.count() == 1


@pytest.mark.django_db
def test_a_ticks_slot_is_its_time_rounded_down_to_the_interval_else_to_the_minute() -> None:
    def task(name: str, **schedule: object) -> None:
        PeriodicTask.objects.create(name=name, task="flights.inject_delays", **schedule)

    task("every 90 s", interval=IntervalSchedule.objects.create(every=90, period=IntervalSchedule.SECONDS))
    task("every 15 min", interval=IntervalSchedule.objects.create(every=15, period=IntervalSchedule.MINUTES))
    task("every µs", interval=IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MICROSECONDS))
    task("on the fives", crontab=CrontabSchedule.objects.create(minute="*/5"))
    now = dt.datetime(2026, 11, 25, 8, 26, 40, 500_000, tzinfo=dt.UTC)

    def at(hour: int, minute: int, second: int = 0) -> int:
        return int(dt.datetime(2026, 11, 25, hour, minute, second, tzinfo=dt.UTC).timestamp())

    assert _slot("every 90 s", now) == at(8, 25, 30)
    assert _slot("every 15 min", now) == at(8, 15)
    assert _slot("every µs", now) == at(8, 26, 40), "never less than a second"
    assert _slot("on the fives", now) == at(8, 26), "a crontab tick: the minute"
    assert _slot("manual", now) == at(8, 26), "no periodic task: the minute"


@pytest.mark.django_db
def test_the_admin_lists_drill_runs_read_only(admin_client) -> None:
    soon = timezone.now() + dt.timedelta(hours=1)
    FlightFactory(scheduled_departure=soon, service_date=soon.date())
    inject_delays(probability=1)
    run = DrillRun.objects.get()
    page = admin_client.get("/admin/flights/drillrun/")
    assert page.status_code == 200
    assert f"{dt.datetime.fromtimestamp(run.slot, tz=dt.UTC):%Y-%m-%d %H:%M:%S}" in page.content.decode()
    assert admin_client.get("/admin/flights/drillrun/add/").status_code == 403
    assert admin_client.post(f"/admin/flights/drillrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DrillRun.objects.filter(pk=run.pk).exists()


@pytest.mark.django_db
def test_bad_kwargs_reaching_the_task_are_logged_not_raised(caplog) -> None:
    assert inject_delays(probability="often") == {"delayed": 0}
    assert "bad kwargs" in caplog.text
    assert not DrillRun.objects.exists()


@pytest.mark.django_db
def test_install_drills_and_the_admin_refuses_bad_kwargs(admin_client) -> None:
    call_command("install_drills")
    task = PeriodicTask.objects.get(name="Delay drill")
    assert not task.enabled and json.loads(task.kwargs)["probability"] == 0.1
    url = f"/admin/django_celery_beat/periodictask/{task.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name=task.name, regtask="flights.inject_delays", task="", kwargs='{"probability": 5}', args="[]",
                interval=task.interval_id, enabled="on", one_off="", headers="{}", priority="", queue="",
                exchange="", routing_key="", expire_seconds="", description="")  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "probability must be a number from 0 to 1" in response.content.decode()
    task.refresh_from_db()
    assert json.loads(task.kwargs)["probability"] == 0.1


@pytest.mark.django_db
def test_where_drills_are_not_allowed_the_tick_injects_nothing_and_is_listed_refused_with_why(
    settings, admin_client, caplog
) -> None:
    settings.DRILLS_ALLOWED = False
    soon = timezone.now() + dt.timedelta(hours=1)
    flight = FlightFactory(scheduled_departure=soon, service_date=soon.date())
    assert inject_delays(probability=1) == {"delayed": 0}
    assert not Event.objects.exists()
    assert Flight.objects.get(id=flight.id).delay_minutes == 0
    run = DrillRun.objects.get()
    assert (run.verdict, run.reason) == ("refused", "drills are not allowed in this deployment (DRILLS_ALLOWED is off)")
    assert "refused: drills are not allowed" in caplog.text
    page = admin_client.get("/admin/flights/drillrun/").content.decode()
    assert "Delay drills are refused: drills are not allowed in this deployment" in page
    settings.DRILLS_ALLOWED = True
    assert "Delay drills are refused" not in admin_client.get("/admin/flights/drillrun/").content.decode()


def test_check_deploy_warns_when_drills_are_allowed_with_production_settings(settings) -> None:
    from flights.checks import check_drills_in_production

    settings.HTTPS_ONLY = True
    assert [w.id for w in check_drills_in_production()] == ["flights.W001"]
    settings.DRILLS_ALLOWED = False
    assert check_drills_in_production() == []
    settings.DRILLS_ALLOWED, settings.HTTPS_ONLY = True, False
    assert check_drills_in_production() == [], "the local demo allows drills"


@pytest.mark.django_db
def test_run_now_sends_the_selected_drills_once_and_is_refused_where_drills_are_not(
    settings, admin_client, monkeypatch
) -> None:
    call_command("install_drills")
    drill = PeriodicTask.objects.get(name="Delay drill")
    other = PeriodicTask.objects.create(name="Other", task="events.relay", interval=drill.interval)
    sent: list[dict] = []
    monkeypatch.setattr(inject_delays, "apply_async", lambda **options: sent.append(options))
    url = "/admin/django_celery_beat/periodictask/"
    action = {"action": "run_drills_now", "_selected_action": [drill.pk, other.pk]}
    page = admin_client.post(url, action, follow=True).content.decode()
    assert "1 drill(s) sent to the workers" in page and "1 selected task(s) are not delay drills" in page
    assert sent == [{"kwargs": json.loads(drill.kwargs), "headers": {"periodic_task_name": "Delay drill (run now)"}}]
    settings.DRILLS_ALLOWED = False
    page = admin_client.post(url, action, follow=True).content.decode()
    assert "No drill run: drills are not allowed in this deployment" in page
    assert len(sent) == 1
