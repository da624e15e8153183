"""Drills end to end with a real beat and real workers: an allowed drill's flow completes and passes, while its
email, SMS and partner messages reach only the drill files and the partner sandbox, never the real local SMTP
server, SMS gateway or partner server (which a real disruption does reach); a drill not allowed injects nothing
and says why; a drill whose subscriber has no worker fails, naming it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from pytest_httpserver import HTTPServer

from events.models import Event
from flights.models import DrillRun, Flight
from flights.services import delay_flight
from lodging.models import Hotel, RoomNight
from notifications.models import PartnerMessage, PassengerMessage, SandboxDelivery
from passengers.models import Passenger
from tests.factories import FlightFactory
from tests.support.flows import flush_test_redis, wait_until_finished
from tests.support.notify import notify_network
from tests.support.processes import BeatProcess, WorkerProcess, every_queue_but, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Drill every few seconds"
EVERY_SECONDS = 3
QUEUES_BUT_PARTNERS = every_queue_but("partners")


class Mailbox:
    """The handler of a real SMTP server: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    # aiosmtpd's thread logs each connection's end, at times after pytest has closed the captured stream.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()
    server_log.setLevel(level)


def _drill_task(**kwargs: Any) -> None:
    interval, _ = IntervalSchedule.objects.get_or_create(every=EVERY_SECONDS, period=IntervalSchedule.SECONDS)
    drill = {"probability": 1, "min_delay": 120, "max_delay": 120, "horizon_hours": 1, "reason": "WX", **kwargs}
    PeriodicTask.objects.create(name=NAME, task="flights.inject_delays", interval=interval, kwargs=json.dumps(drill))


def _judged(run_filter: dict[str, Any]) -> DrillRun | None:
    return DrillRun.objects.filter(name=NAME, delayed=1, **run_filter).exclude(verdict="running").first()


def _run(tmp_path: Path, until: Any, *, queues: list[str] | None = None, **env: str) -> None:
    """Run a worker (on ``queues``) and beat, judging every second, until ``until()`` holds."""
    flush_test_redis()
    env = {"DRILLS_JUDGE_INTERVAL_SECONDS": "1", **env}
    worker = WorkerProcess(tmp_path / "worker.log", queues=queues, **env)
    try:
        beat = BeatProcess(tmp_path / "beat.log", **env)
        try:
            wait_for(until, timeout=90, what="the drill's verdict")
        finally:
            beat.stop()
    finally:
        worker.stop()


def _nv117_departs_in_half_an_hour() -> Flight:
    """Move the whole network in time so that NV117 departs 30 minutes from now (the workers' wall clock)."""
    nv117 = Flight.objects.get(carrier_id="NV", number="117")
    shift = timezone.now() + dt.timedelta(minutes=30) - nv117.scheduled_departure
    Flight.objects.update(scheduled_departure=F("scheduled_departure") + shift,
                          scheduled_arrival=F("scheduled_arrival") + shift,
                          estimated_departure=F("estimated_departure") + shift,
                          estimated_arrival=F("estimated_arrival") + shift)  # fmt: skip
    return Flight.objects.get(pk=nv117.pk)


def _rooms_around_now() -> None:
    """Rooms at LHR and CDG for the nights around now. Whether the delay or a rebooking onto the later PA2233 owes a
    night depends on the hour the test runs (the network moves with the clock, the local midnights do not)."""
    today = timezone.now().date()
    for airport in ("LHR", "CDG"):
        hotel = Hotel.objects.create(code=f"{airport}-DRILL", airport_id=airport, name=f"{airport} drill hotel")
        RoomNight.objects.bulk_create(
            RoomNight(hotel=hotel, night=today + dt.timedelta(days=offset), rooms=20) for offset in (-1, 0, 1, 2)
        )


def test_an_allowed_drill_flows_to_a_pass_and_sends_nothing_to_the_real_servers(
    tmp_path: Path, smtp: tuple[Mailbox, int], httpserver: HTTPServer
) -> None:
    mailbox, smtp_port = smtp
    httpserver.expect_request("/pa", method="POST").respond_with_json({"ok": True}, status=200)
    httpserver.expect_request("/pb", method="POST").respond_with_json({"ok": True}, status=200)
    notify_network(tmp_path, pa_endpoint=httpserver.url_for("/pa"), pb_endpoint=httpserver.url_for("/pb"))
    # Charles can be told too, and a hotel is there if one is owed: nothing is left to operators, so the drill can
    # pass (not needs_action).
    Passenger.objects.filter(first_name="Charles").update(phone="+447700900999")
    nv117 = _nv117_departs_in_half_an_hour()
    _rooms_around_now()
    _drill_task(carrier="NV", time_limit_seconds=120)
    real_sms, drill_sms, drill_mail = tmp_path / "sms.log", tmp_path / "drill-sms.log", tmp_path / "drill-mail"
    gateways = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port), "SMS_BACKEND": "notifications.sms.FileBackend",
                "SMS_FILE_PATH": str(real_sms), "DRILL_SMS_FILE_PATH": str(drill_sms),
                "DRILL_EMAIL_FILE_PATH": str(drill_mail), "DRILLS_ALLOWED": "true"}  # fmt: skip

    def sent() -> bool:
        settled = not PassengerMessage.objects.filter(status__in=["pending", "running"]).exists()
        return settled and not PartnerMessage.objects.filter(status__in=["pending", "running"]).exists()

    _run(tmp_path, lambda: _judged({}) is not None and sent(), **gateways)
    run = _judged({})
    assert run is not None and (run.verdict, run.reason) == ("passed", ""), run.reason
    root = run.roots.get()
    assert root.flight_id == nv117.id and root.drill and wait_until_finished(root, timeout=1) == "completed"
    assert set(run.figures["subscribers"]) >= {"rebooking", "notifications", "partners", "vouchers"}
    drill_messages = PassengerMessage.objects.filter(event__drill=True)
    assert drill_messages.filter(channel="email").exists() and drill_messages.filter(channel="sms").exists()
    assert set(drill_messages.values_list("status", flat=True)) == {"done"}
    assert set(PartnerMessage.objects.filter(event__drill=True).values_list("status", flat=True)) == {"done"}
    assert SandboxDelivery.objects.filter(signature_valid=True).count() == PartnerMessage.objects.count() > 0
    assert any(drill_mail.iterdir()) and drill_sms.read_text().strip()
    assert mailbox.messages == [] and not real_sms.exists() and httpserver.log == [], "a drill reached the world"

    # The same servers do receive a real disruption's messages: the counts above could have been non-zero.
    real = delay_flight(flight=nv117, delay_minutes=180, reason="TECH")
    _run(tmp_path, lambda: mailbox.messages and real_sms.exists() and httpserver.log, **gateways)
    assert not real.drill and Event.objects.filter(root=real).exists()


def test_where_drills_are_not_allowed_beat_ticks_inject_nothing_and_say_why(tmp_path: Path) -> None:
    soon = timezone.now() + dt.timedelta(minutes=30)
    flight = FlightFactory(scheduled_departure=soon, service_date=soon.date())
    _drill_task()
    _run(tmp_path, lambda: DrillRun.objects.filter(name=NAME).exists(), DRILLS_ALLOWED="false")
    run = DrillRun.objects.filter(name=NAME).first()
    assert run is not None and run.verdict == "refused" and "DRILLS_ALLOWED is off" in run.reason
    assert not Event.objects.exists() and Flight.objects.get(pk=flight.pk).delay_minutes == 0
    assert "refused: drills are not allowed" in (tmp_path / "worker.log").read_text()


def test_a_drill_whose_subscriber_has_no_worker_fails_naming_it(tmp_path: Path) -> None:
    soon = timezone.now() + dt.timedelta(minutes=30)
    FlightFactory(scheduled_departure=soon, service_date=soon.date())
    _drill_task(time_limit_seconds=10)
    _run(tmp_path, lambda: _judged({}) is not None, queues=QUEUES_BUT_PARTNERS, DRILLS_ALLOWED="true")
    run = _judged({})
    assert run is not None and run.verdict == "failed"
    assert run.reason == "not done within 10 s: partners", run.reason
    assert run.figures["subscribers"]["partners"]["open"] == 1
