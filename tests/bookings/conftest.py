"""A cancelled CDG→JFK evening flight, its whole flow run: rebooked the next morning, vouchers, rooms, notices."""

from __future__ import annotations

from pathlib import Path

import pytest

from flights.models import Flight
from flights.services import cancel_flight
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

NEXT_DAY = "2026-11-26"


def _gated(flight: dict, gate: str) -> dict:
    return {**flight, "terminal": "2E", "gate": gate}


def load_cancelled_evening(tmp_path: Path, *, parties: int = 1, size: int = 2) -> None:
    """NV100 CDG→JFK at 18:00 UTC (19:00 CDG local) cancelled, NV102 the next morning the only way on, a hotel at
    CDG for the night; ``parties`` bookings SMTH00, SMTH01 … of ``size`` passengers, the first of each with an
    email address (so a notice of rights), the others with none. The flow is run to its end."""
    load_network(
        [
            _gated(scenario_flight("100", "CDG", "JFK", "18:00", "2026-11-25T22:40"), "K41"),
            _gated(scenario_flight("102", "CDG", "JFK", "08:30", "16:10", date=NEXT_DAY), "K45"),
        ],
        [scenario_booking(f"SMTH{n:02}", [("100", "Y")], size=size, email=f"p{n}@example.org") for n in range(parties)],
        tmp_path,
        hotels=[{"code": "CDG-H1", "airport": "CDG", "name": "Roissy", "rooms": {"2026-11-25": 2 * parties}}],
    )
    run_flow(cancel_flight(flight=Flight.objects.get(number="100"), reason="TECH"))


@pytest.fixture
def cancelled_evening(tmp_path: Path) -> None:
    load_cancelled_evening(tmp_path)
