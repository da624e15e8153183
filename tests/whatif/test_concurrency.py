"""Previews beside real work: their own connections, a snapshot, no lock that holds real disruptions back."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from events.models import Event
from flights.models import Flight
from flights.services import delay_flight
from operations.what_if import Option, WhatIf, engine, preview
from tests.support.clock import WORLD_START
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db(transaction=True)

#: Only a failure detector: every wait below ends at once unless something is blocked.
STUCK = 30


@pytest.fixture
def two_flights(tmp_path: Path, clock: Any) -> None:
    """NV1 LHR→CDG and NV5 LHR→JFK, each with bookings of its own and nothing in common."""
    clock.freeze(WORLD_START + dt.timedelta(hours=6))
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("5", "LHR", "JFK", "19:00", "23:59")],
        [scenario_booking(f"A{n:05d}", [("1", "Y")], size=2, email=f"a{n}@example.org") for n in range(4)]
        + [scenario_booking(f"B{n:05d}", [("5", "Y")], email=f"b{n}@example.org") for n in range(4)],
        tmp_path,
    )


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work`` on a thread of its own (so on a database connection of its own)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # handed to the test
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def test_a_real_disruption_is_handled_while_a_preview_is_open(
    two_flights: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, release, seen = threading.Event(), threading.Event(), {}
    counted = engine.tally

    def paused(*args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen["isolation"] = cursor.fetchone()[0]
            cursor.execute("SHOW lock_timeout")
            seen["lock_timeout"] = cursor.fetchone()[0]
        inside.set()
        release.wait(STUCK)
        return counted(*args, **kwargs)

    monkeypatch.setattr(engine, "tally", paused)
    previewing, previewed = _in_thread(lambda: preview(Flight.objects.get(number="1"), [Option.cancel()]))
    assert inside.wait(STUCK)
    assert Event.objects.count() == 0  # the open preview's event is seen by no one else

    real, done = _in_thread(lambda: run_flow(delay_flight(flight=Flight.objects.get(number="5"), delay_minutes=300)))
    real.join(STUCK)
    still_open = previewing.is_alive()
    release.set()
    previewing.join(STUCK)

    assert not real.is_alive() and "error" not in done
    assert still_open  # the real flow finished while the preview held its transaction open
    assert seen == {"isolation": "repeatable read", "lock_timeout": "500ms"}
    assert previewed["result"].options[0].passengers == 8
    assert set(Event.objects.values_list("flight__number", flat=True)) == {"5"}  # the real flow's, none of NV1


def test_two_operators_previewing_the_same_flight_at_once_get_what_each_would_alone(two_flights: None) -> None:
    options = [Option.delay(240), Option.cancel()]
    alone: WhatIf = preview(Flight.objects.get(number="1"), options, reason="TECH")

    threads = [_in_thread(lambda: preview(Flight.objects.get(number="1"), options, reason="TECH")) for _ in range(2)]
    for thread, _ in threads:
        thread.join(STUCK)

    assert [box.get("result") for _, box in threads] == [alone, alone]
    assert Event.objects.count() == 0
