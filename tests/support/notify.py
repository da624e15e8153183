"""A small network for notification tests: an own feeder flight into a hub where partners fly on."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

DAY = "2026-11-25"
PA_SECRET = "pa-secret"
PB_SECRET = "pb-secret"


def _flight(carrier: str, number: str, origin: str, destination: str, departs: str, arrives: str) -> dict[str, Any]:
    return {"carrier": carrier, "number": number, "date": DAY, "origin": origin, "destination": destination,
            "departure": f"{DAY}T{departs}:00+00:00", "arrival": f"{DAY}T{arrives}:00+00:00",
            "seats": {"J": 4, "Y": 400}, "terminal": "2", "gate": "A1"}  # fmt: skip


def _booking(locator: str, flights: list[str], cabin: str, *people: dict[str, Any]) -> dict[str, Any]:
    return {"locator": locator,
            "passengers": [{"id": f"{locator}-{n + 1}", **person} for n, person in enumerate(people)],
            "segments": [{"flight": f"{flight}/{DAY}", "cabin": cabin} for flight in flights]}  # fmt: skip


def notify_network(
    tmp_path: Path,
    *,
    pa_endpoint: str = "http://127.0.0.1:9/pa",
    pb_endpoint: str = "http://127.0.0.1:9/pb",
    bulk_bookings: int = 0,
) -> None:
    """Load the network: NV117 LHR→CDG feeds PA2231 and PB400 CDG→JFK (PA2233 flies later).

    QX7K2M (Ada: email and phone; Charles: neither) and AB12CD (Grace: email, J) connect to PA2231,
    CD34EF (Alan: phone) to PB400; EF56GH (Edsger: email) ends at CDG; GH78IJ (Barbara) only flies
    PA2231. ``bulk_bookings`` adds bookings of 10 passengers (email and phone) connecting to PA2231.
    """
    bookings = [
        _booking("QX7K2M", ["NV117", "PA2231"], "Y",
                 {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "phone": "+447700900123"},
                 {"first_name": "Charles", "last_name": "Babbage"}),
        _booking("AB12CD", ["NV117", "PA2231"], "J",
                 {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.org"}),
        _booking("CD34EF", ["NV117", "PB400"], "Y", {"first_name": "Alan", "last_name": "Turing", "phone": "+4470"}),
        _booking("EF56GH", ["NV117"], "Y", {"first_name": "Edsger", "last_name": "Dijkstra", "email": "ed@x.org"}),
        _booking("GH78IJ", ["PA2231"], "Y", {"first_name": "Barbara", "last_name": "Liskov", "email": "bl@x.org"}),
    ]  # fmt: skip
    bookings += [
        _booking(f"BK{n:04d}", ["NV117", "PA2231"], "Y",
                 *({"first_name": f"P{i}", "last_name": f"Bulk{n}", "email": f"p{n}-{i}@example.org",
                    "phone": f"+4471{n:04d}{i}"} for i in range(10)))
        for n in range(bulk_bookings)
    ]  # fmt: skip
    document = {
        "format": "airline-disruption-scenario/1",
        "airlines": [
            {"code": "NV", "name": "Novair", "own": True},
            {"code": "PA", "name": "Partner Air", "own": False, "endpoint": pa_endpoint, "secret": PA_SECRET},
            {"code": "PB", "name": "Partner B", "own": False, "endpoint": pb_endpoint, "secret": PB_SECRET},
        ],
        "airports": [{"code": "LHR"}, {"code": "CDG"}, {"code": "JFK"}],
        "hotels": [],
        "flights": [
            _flight("NV", "117", "LHR", "CDG", "08:00", "09:15"),
            _flight("PA", "2231", "CDG", "JFK", "11:00", "19:00"),
            _flight("PB", "400", "CDG", "JFK", "12:00", "20:00"),
            _flight("PA", "2233", "CDG", "JFK", "15:00", "23:00"),
        ],
        "bookings": bookings,
    }
    path = tmp_path / "notify.json"
    path.write_text(json.dumps(document))
    call_command("load_scenario", str(path), "--replace", stdout=io.StringIO(), stderr=io.StringIO())
