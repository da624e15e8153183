"""Small networks for tests, written as scenario documents and loaded with ``load_scenario --replace``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from flights.models import Flight
from flights.services import cancel_flight

from .flows import run_flow

DAY = "2026-11-25"
AIRPORTS = [{"code": "LHR", "min_connection_minutes": 45}, {"code": "CDG"}, {"code": "JFK"}]


def scenario_flight(
    number: str, origin: str, destination: str, departs: str, arrives: str, *, date: str = DAY, **seats: int
) -> dict[str, Any]:
    """An NV flight on ``date`` (times are UTC ``HH:MM``; ``arrives`` may be ``YYYY-MM-DDTHH:MM``), 10 Y seats
    unless ``seats`` say otherwise."""
    arrival = arrives if "T" in arrives else f"{date}T{arrives}"
    return {"carrier": "NV", "number": number, "date": date, "origin": origin, "destination": destination,
            "departure": f"{date}T{departs}:00+00:00", "arrival": f"{arrival}:00+00:00",
            "seats": seats or {"Y": 10}}  # fmt: skip


def scenario_booking(
    locator: str, segments: list[tuple[str, ...]], size: int = 1, *, date: str = DAY, **first: Any
) -> dict[str, Any]:
    """A booking of ``size`` passengers (``LOCATOR-1`` …) on NV flights ``(number, cabin)`` of ``date``, or
    ``(number, cabin, date)``; ``first`` sets fields of the first passenger (tier, assistance, …)."""
    passengers = [
        {"id": f"{locator}-{n + 1}", "first_name": f"P{n}", "last_name": locator.title(),
         **(first if n == 0 else {})}
        for n in range(size)
    ]  # fmt: skip
    return {"locator": locator, "passengers": passengers,
            "segments": [_segment(segment, date) for segment in segments]}  # fmt: skip


def _segment(segment: tuple[str, ...], date: str) -> dict[str, str]:
    number, cabin, *day = segment
    return {"flight": f"NV{number}/{day[0] if day else date}", "cabin": cabin}


def load_network(
    flights: list[dict[str, Any]],
    bookings: list[dict[str, Any]],
    tmp_path: Path,
    *,
    hotels: list[dict[str, Any]] | None = None,
    airports: list[dict[str, Any]] | None = None,
) -> None:
    """Replace the database's scenario data with these flights, bookings and hotels (airline NV; airports
    LHR, CDG, JFK unless ``airports`` are given)."""
    document = {
        "format": "airline-disruption-scenario/1",
        "airlines": [{"code": "NV", "name": "Novair", "own": True}],
        "airports": airports or AIRPORTS,
        "hotels": hotels or [],
        "flights": flights,
        "bookings": bookings,
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document))
    call_command("load_scenario", str(path), "--replace", stdout=io.StringIO(), stderr=io.StringIO())


def _gated(flight: dict[str, Any], gate: str) -> dict[str, Any]:
    return {**flight, "terminal": "2E", "gate": gate}


def load_cancelled_evening(tmp_path: Path, *, size: int = 2) -> None:
    """NV100 CDG→JFK at 18:00 UTC (19:00 CDG local, gate K41) cancelled, NV102 the next morning (gate K45) the only
    way on, a hotel at CDG for the night; booking SMTH00 of ``size`` passengers (last name Smth00), the first with
    an email address (so a notice of rights), the others with none. The whole flow is run."""
    load_network(
        [
            _gated(scenario_flight("100", "CDG", "JFK", "18:00", "2026-11-25T22:40"), "K41"),
            _gated(scenario_flight("102", "CDG", "JFK", "08:30", "16:10", date="2026-11-26"), "K45"),
        ],
        [scenario_booking("SMTH00", [("100", "Y")], size=size, email="p0@example.org")],
        tmp_path,
        hotels=[{"code": "CDG-H1", "airport": "CDG", "name": "Roissy", "rooms": {DAY: 2}}],
    )
    run_flow(cancel_flight(flight=Flight.objects.get(number="100"), reason="TECH"))


def load_stranding(tmp_path: Path) -> None:
    """NV1 LHR→CDG (UK261: it departs GB) lands 19:15 for NV100 CDG→JFK at 20:30, the only flight on, and no
    hotel at CDG: a long delay strands the three STRAND passengers there with nothing an automatic system can
    do. SOLO1 flies NV1 alone. Only the first passenger of each booking has an email address."""
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59")],
        [
            scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=3, email="ada@example.org"),
            scenario_booking("SOLO01", [("1", "Y")], email="bob@example.org"),
        ],
        tmp_path,
    )
