"""The ``disrupt`` command (contract: SCENARIO.md): one disruption, through the flights services."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from flights.models import Flight, FlightStatus
from tests.factories import FlightFactory

pytestmark = pytest.mark.django_db

DEPARTURE = dt.datetime(2026, 11, 25, 8, 25, tzinfo=dt.UTC)  # 08:25 in London (GMT in November)


@pytest.fixture
def flight() -> Flight:
    return FlightFactory(
        number="117",
        scheduled_departure=DEPARTURE,
        scheduled_arrival=DEPARTURE + dt.timedelta(hours=7, minutes=45),
        terminal="5",
        gate="B32",
    )


def disrupt(*args: str) -> str:
    out = StringIO()
    call_command("disrupt", *args, stdout=out)
    return out.getvalue()


def state(flight: Flight) -> dict[str, object]:
    """Everything a disruption may change, as stored."""
    return Flight.objects.filter(pk=flight.pk).values(
        "status", "delay_reason", "estimated_departure", "estimated_arrival", "terminal", "gate", "updated_at"
    )[0]


def test_delay(flight: Flight) -> None:
    output = disrupt("nv0117", "2026-11-25", "--delay", "300", "--reason", "TECH")

    flight.refresh_from_db()
    assert flight.status == FlightStatus.DELAYED
    assert flight.delay_reason == "TECH"
    assert flight.estimated_departure == DEPARTURE + dt.timedelta(minutes=300)
    assert flight.estimated_arrival == flight.scheduled_arrival + dt.timedelta(minutes=300)
    assert "NV117/2026-11-25 delayed 300 min (TECH): departs 13:25 local" in output
    assert "Event flight.delayed" in output
    assert flight.events.get().payload["delay_minutes"] == 300


def test_delay_is_absolute_not_added(flight: Flight) -> None:
    disrupt("NV117", "2026-11-25", "--delay", "300")
    disrupt("NV117", "2026-11-25", "--delay", "60")

    flight.refresh_from_db()
    assert flight.delay_minutes == 60


def test_delay_past_midnight_shows_the_date(flight: Flight) -> None:
    output = disrupt("NV117", "2026-11-25", "--delay", "960")

    assert "departs 2026-11-26 00:25 local" in output


def test_delay_zero_restores_the_schedule(flight: Flight) -> None:
    disrupt("NV117", "2026-11-25", "--delay", "300", "--reason", "TECH")
    output = disrupt("NV117", "2026-11-25", "--delay", "0")

    flight.refresh_from_db()
    assert flight.status == FlightStatus.SCHEDULED
    assert flight.delay_reason == ""
    assert flight.estimated_departure == flight.scheduled_departure
    assert flight.estimated_arrival == flight.scheduled_arrival
    assert "NV117/2026-11-25 back on schedule: departs 08:25 local" in output


def test_cancel(flight: Flight) -> None:
    output = disrupt("NV117", "2026-11-25", "--cancel", "--reason", "WX")

    flight.refresh_from_db()
    assert flight.status == FlightStatus.CANCELLED
    assert flight.delay_reason == "WX"
    assert "NV117/2026-11-25 cancelled (WX)" in output


def test_gate_change(flight: Flight) -> None:
    output = disrupt("NV117", "2026-11-25", "--gate", "b40", "--terminal", "3")

    flight.refresh_from_db()
    assert (flight.terminal, flight.gate) == ("3", "B40")
    assert flight.status == FlightStatus.SCHEDULED
    assert "NV117/2026-11-25 now at terminal 3 gate B40" in output


def test_gate_change_keeps_the_terminal(flight: Flight) -> None:
    disrupt("NV117", "2026-11-25", "--gate", "C7")

    flight.refresh_from_db()
    assert (flight.terminal, flight.gate) == ("5", "C7")


def test_reason_defaults_to_other_and_ignores_case(flight: Flight) -> None:
    disrupt("NV117", "2026-11-25", "--delay", "30")
    flight.refresh_from_db()
    assert flight.delay_reason == "OTHER"

    disrupt("NV117", "2026-11-25", "--delay", "30", "--reason", "atc")
    flight.refresh_from_db()
    assert flight.delay_reason == "ATC"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NV117", "2026-11-25", "--delay", "30", "--reason", "NOPE"], "invalid choice"),
        (["NV999", "2026-11-25", "--delay", "30"], "No flight NV999/2026-11-25"),
        (["NV117", "2026-11-26", "--delay", "30"], "No flight NV117/2026-11-26"),
        (["NV-117", "2026-11-25", "--delay", "30"], "is not a flight designator"),
        (["NV0", "2026-11-25", "--cancel"], "flight number 0"),
        (["NV117", "2026-13-01", "--delay", "30"], "is not a date"),
        (["NV117", "25/11/2026", "--delay", "30"], "is not a date"),
        (["NV117", "2026-11-25", "--delay", "30", "--cancel"], "not allowed with argument"),
        (["NV117", "2026-11-25", "--cancel", "--gate", "B1"], "not allowed with argument"),
        (["NV117", "2026-11-25"], "one of the arguments --delay --cancel --gate is required"),
        (["NV117", "2026-11-25", "--delay", "thirty"], "invalid int value"),
        (["NV117", "2026-11-25", "--delay", "-5"], "between 0 and"),
        (["NV117", "2026-11-25", "--delay", "30", "--terminal", "3"], "--terminal goes with --gate"),
        (["NV117", "2026-11-25", "--gate", "GATE-12345"], "1 to 8 characters"),
    ],
)
def test_refusals_change_nothing(flight: Flight, args: list[str], message: str) -> None:
    before = state(flight)

    with pytest.raises(CommandError, match=message):
        disrupt(*args)

    assert state(flight) == before


def test_cancelled_flight_cannot_be_delayed(flight: Flight) -> None:
    disrupt("NV117", "2026-11-25", "--cancel")
    before = state(flight)

    with pytest.raises(CommandError, match="cancelled and cannot be delayed"):
        disrupt("NV117", "2026-11-25", "--delay", "30")

    assert state(flight) == before
    assert before["status"] == FlightStatus.CANCELLED


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["NV-117", "2026-11-25", "--cancel"], 1, "is not a flight designator"),
        (["NV117", "2026-11-25", "--delay", "5", "--cancel"], 2, "not allowed with argument"),
    ],
)
def test_refusals_exit_non_zero_from_the_shell(args: list[str], exit_code: int, message: str) -> None:
    # Both refusals happen before the database is touched, so the child's own database is safe.
    result = subprocess.run(
        [sys.executable, "manage.py", "disrupt", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == exit_code
    assert message in result.stderr
