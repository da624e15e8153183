"""The ``load_scenario`` command against PostgreSQL: what it loads, and that a refused file changes nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum, signals
from django.utils import timezone

from events.models import Delivery, Event
from flights.models import Airline, Airport, Flight
from flights.selectors import regimes_of
from lodging.models import Hotel, RoomNight
from passengers.models import Booking, Passenger, Segment
from rebooking.models import Reaccommodation
from rights.regime import Regime
from scenarios import loader
from scenarios.deletion import delete_all
from tests.conftest import BrokenScenario, minimal_scenario

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MODELS = (Airline, Airport, Hotel, RoomNight, Flight, Booking, Passenger, Segment)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def load(*args: str) -> str:
    """Run the command; return what it printed on stdout (stderr must stay empty)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("load_scenario", *args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def refuse(*args: str) -> list[str]:
    """Run the command, expecting it to fail; return the problems it printed on stderr, one per line."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_scenario", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def assert_printed(lines: list[str], pointer: str, message: str) -> None:
    assert any(line.startswith(f"{pointer}: ") and message in line for line in lines), (
        f"no line for {pointer!r} saying {message!r} among:\n" + "\n".join(lines)
    )


def scenario_counts(document: dict[str, Any]) -> dict[str, int]:
    """The rows a valid scenario document adds, counted from the document itself."""
    bookings = document["bookings"]
    return {
        "Airline": len(document["airlines"]),
        "Airport": len(document["airports"]),
        "Hotel": len(document["hotels"]),
        "RoomNight": sum(len(hotel["rooms"]) for hotel in document["hotels"]),
        "Flight": len(document["flights"]),
        "Booking": len(bookings),
        "Passenger": sum(len(booking["passengers"]) for booking in bookings),
        "Segment": sum(len(booking["segments"]) for booking in bookings),
    }


def seats_booked(document: dict[str, Any]) -> dict[str, int]:
    """Passengers times segments per cabin, counted from the document."""
    booked = dict.fromkeys("FJY", 0)
    for booking in document["bookings"]:
        for segment in booking["segments"]:
            booked[segment["cabin"]] += len(booking["passengers"])
    return booked


def assert_loaded(document: dict[str, Any]) -> None:
    assert row_counts() == scenario_counts(document)
    totals = Flight.objects.aggregate(F=Sum("booked_f"), J=Sum("booked_j"), Y=Sum("booked_y"))
    assert totals == seats_booked(document)


def test_the_demo_scenario_loads(contract_dir: Path) -> None:
    document = json.loads((contract_dir / "demo.json").read_text())

    printed = load(str(contract_dir / "demo.json"))

    assert_loaded(document)
    assert printed.startswith(
        "Loaded 'generated seed=3' from "
        f"{contract_dir / 'demo.json'}: 3 airlines, 8 airports, 4 hotels (12 room nights), 25 flights, "
        "973 bookings (1670 passengers, 1538 segments) in "
    )
    assert [(h.code, h.rank) for h in Hotel.objects.filter(airport="LHR").order_by("code")] == [
        ("LHR-H1", 1),
        ("LHR-H2", 2),
    ]
    assert Airline.objects.get(code="PA").endpoint == "http://127.0.0.1:8765/pa"
    assert sorted(Airline.objects.values_list("code", "country")) == [("NV", "GB"), ("PA", "DE"), ("PB", "LV")]
    flight = Flight.objects.get(carrier="NV", number="105", service_date=dt.date(2026, 12, 1))
    assert flight.scheduled_departure == dt.datetime(2026, 12, 1, 4, 35, tzinfo=UTC)
    assert flight.estimated_departure == flight.scheduled_departure
    assert flight.estimated_arrival == flight.scheduled_arrival
    assert flight.status == "scheduled"
    assert not Flight.objects.exclude(status="scheduled").exists()


def test_the_demo_network_shows_both_regimes(contract_dir: Path) -> None:
    load(str(contract_dir / "demo.json"))

    regimes = regimes_of(list(Flight.objects.values_list("id", flat=True)))
    by_origin: dict[str, set[Regime]] = {}
    for flight in Flight.objects.all():
        by_origin.setdefault(flight.origin_id, set()).add(regimes[flight.id])
    # Out of London UK261, on the own airline and its German and Latvian partners alike; out of the EU EU261.
    assert by_origin == {
        "LHR": {Regime.UK261},
        **{origin: {Regime.EU261} for origin in ("WAW", "RIX", "BLQ", "CPH", "HAM")},
    }
    assert Flight.objects.filter(origin="LHR").values("carrier").distinct().count() == 3


def test_the_minimal_scenario_loads_in_full(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(scenario_document, "minimal.json.gz")))

    assert_loaded(scenario_document)
    nv117 = Flight.objects.get(carrier="NV", number="117")
    assert (nv117.seats_j, nv117.seats_y, nv117.booked_j, nv117.booked_y) == (2, 3, 1, 2)
    assert (nv117.terminal, nv117.gate, nv117.origin_id, nv117.destination_id) == ("5", "B32", "LHR", "WAW")
    assert nv117.scheduled_arrival == dt.datetime(2026, 11, 25, 10, 50, tzinfo=UTC)
    assert Airport.objects.get(code="WAW").timezone == "Europe/Warsaw"
    assert [(h.code, h.rank) for h in Hotel.objects.filter(airport="WAW").order_by("rank")] == [
        ("WAW-H1", 1),
        ("WAW-H2", 2),
    ]
    assert sorted(RoomNight.objects.filter(hotel__code="WAW-H1").values_list("night", "rooms", "rooms_used")) == [
        (dt.date(2026, 11, 25), 5, 0),
        (dt.date(2026, 11, 26), 4, 0),
    ]
    assert sorted(Airline.objects.values_list("code", "country")) == [("NV", "GB"), ("PA", "")]
    ada = Passenger.objects.get(ref="QX7K2M-1")
    assert (ada.booking.locator, ada.tier, ada.assistance, ada.email) == ("QX7K2M", "gold", ["WCHR"], "ada@example.org")
    assert list(
        Segment.objects.filter(booking__locator="QX7K2M").values_list("position", "flight__number", "cabin", "status")
    ) == [(1, "117", "Y", "active"), (2, "2231", "Y", "active")]


def read_benchmark(path: Path) -> dict[str, Any]:
    with gzip.open(path) as stream:
        return json.load(stream)


def test_the_roadef_a01_network_loads(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_dir / "benchmarks" / "roadef-a01.json.gz"

    load(str(path))

    assert_loaded(read_benchmark(path))
    assert capsys.readouterr().err == "", "no progress bar in tests"


@pytest.mark.slow
def test_the_roadef_b01_network_loads(shared_dir: Path) -> None:
    path = shared_dir / "benchmarks" / "roadef-b01.json.gz"

    load(str(path))

    assert_loaded(read_benchmark(path))


def test_a_broken_scenario_is_refused_and_changes_nothing(
    broken_scenario: BrokenScenario, write_scenario: Callable[..., Path]
) -> None:
    problems = refuse(str(write_scenario(broken_scenario.document)))

    assert_printed(problems, broken_scenario.pointer, broken_scenario.message)
    assert set(row_counts().values()) == {0}


def test_a_broken_scenario_with_replace_keeps_the_earlier_scenario(
    broken_scenario: BrokenScenario, write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(minimal_scenario(), "earlier.json")), "--rebase", "2026-06-01")
    before = row_counts()

    problems = refuse(str(write_scenario(broken_scenario.document, "broken.json")), "--replace")

    assert_printed(problems, broken_scenario.pointer, broken_scenario.message)
    assert row_counts() == before
    assert Flight.objects.get(carrier="NV", number="117").service_date == dt.date(2026, 6, 1)


def test_a_refused_file_exits_non_zero(scenario_document: dict[str, Any], write_scenario: Callable[..., Path]) -> None:
    scenario_document["bookings"][1]["locator"] = "QX7K2M"
    path = write_scenario(scenario_document)
    # An in-memory database: whatever happens, this process cannot touch a real one.
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}

    result = subprocess.run(
        [sys.executable, "manage.py", "load_scenario", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert "/bookings/1/locator: locator QX7K2M is listed twice (first at /bookings/0/locator)" in result.stderr
    assert f"CommandError: {path}: 1 problem(s); nothing was loaded" in result.stderr
    assert result.stdout == ""


def test_a_scenario_already_loaded_is_refused_without_replace(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    path = str(write_scenario(scenario_document))
    load(path)
    before = row_counts()

    problems = refuse(path)

    assert row_counts() == before
    assert len(problems) == 2 + 3 + 3 + 2 + 2 + 3
    for pointer, message in [
        ("/airlines/0/code", "airline NV already exists in the database"),
        ("/airports/1/code", "airport WAW already exists in the database"),
        ("/hotels/2/code", "hotel WAW-H2 already exists in the database"),
        ("/flights/0", "flight NV117/2026-11-25 already exists in the database"),
        ("/bookings/1/locator", "locator AB12CD already exists in the database"),
        ("/bookings/0/passengers/1/id", "passenger id QX7K2M-2 already exists in the database"),
    ]:
        assert_printed(problems, pointer, f"{message} (load with --replace to replace the data of earlier scenarios)")


def test_only_the_codes_that_clash_are_reported(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(scenario_document, "earlier.json")))
    before = row_counts()
    # Another network whose only overlap with the first is one passenger id.
    later = {
        "format": "airline-disruption-scenario/1",
        "airlines": [{"code": "XX", "name": "Other Air", "own": True}],
        "airports": [{"code": "CDG"}, {"code": "AMS"}],
        "flights": [
            {"carrier": "XX", "number": "1", "date": "2026-11-25", "origin": "CDG", "destination": "AMS",
             "departure": "2026-11-25T09:00:00+01:00", "arrival": "2026-11-25T10:15:00+01:00", "seats": {"Y": 9}},
        ],
        "bookings": [
            {"locator": "ZZ99ZZ",
             "passengers": [{"id": "AB12CD-1", "first_name": "Grace", "last_name": "Hopper"}],
             "segments": [{"flight": "XX1/2026-11-25", "cabin": "Y"}]},
        ],
    }  # fmt: skip

    problems = refuse(str(write_scenario(later, "later.json")))

    assert problems == [
        "/bookings/0/passengers/0/id: passenger id AB12CD-1 already exists in the database "
        "(load with --replace to replace the data of earlier scenarios)"
    ]
    assert row_counts() == before


def test_replace_removes_the_earlier_scenarios(
    contract_dir: Path, scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(contract_dir / "demo.json"))

    load(str(write_scenario(scenario_document)), "--replace")

    assert_loaded(scenario_document)
    assert not Booking.objects.filter(locator="CN4USK").exists()


def test_replace_deletes_what_other_apps_keep_about_the_earlier_scenarios(
    contract_dir: Path, scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(scenario_document)))
    nv117 = Flight.objects.get(number="117")
    event = Event(type="flight.delayed", payload={}, flight=nv117)
    event.root_id = event.id
    event.save()
    Delivery.objects.create(event=event, subscriber="rebooking", queue="rebooking")
    # It cascades from the booking, and protects the airport.
    Reaccommodation.objects.create(
        event=event,
        booking=Booking.objects.get(locator="QX7K2M"),
        disrupted_flight=nv117,
        cause="misconnect",
        status="unprotected",
        priority_class=1,
        disruption_airport_id="WAW",
        available_from=nv117.scheduled_arrival,
        old=[],
    )

    load(str(contract_dir / "demo.json"), "--replace")

    assert not Event.objects.exists()
    assert not Delivery.objects.exists()
    assert not Reaccommodation.objects.exists()
    assert not Booking.objects.filter(locator="QX7K2M").exists()
    assert_loaded(json.loads((contract_dir / "demo.json").read_text()))


def test_deleting_every_booking_settles_what_references_them(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(scenario_document)))
    event = Event(type="flight.cancelled", payload={})
    event.root_id = event.id
    event.save()
    nv117 = Flight.objects.get(number="117")
    Reaccommodation.objects.create(
        event=event,
        booking=Booking.objects.get(locator="AB12CD"),
        disrupted_flight=nv117,
        cause="cancelled",
        status="unprotected",
        priority_class=1,
        disruption_airport_id="LHR",
        available_from=nv117.scheduled_departure,
        old=[],
    )

    delete_all(Booking)

    counts = row_counts()
    assert (counts["Booking"], counts["Passenger"], counts["Segment"]) == (0, 0, 0)
    assert not Reaccommodation.objects.exists()
    assert Event.objects.get() == event
    assert counts["Flight"] == 2


def test_replace_lets_delete_signal_receivers_see_each_row(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    path = str(write_scenario(scenario_document))
    load(path)
    deleted: list[str] = []

    def receiver(sender: type[Passenger], instance: Passenger, **kwargs: Any) -> None:
        deleted.append(instance.ref)

    signals.pre_delete.connect(receiver, sender=Passenger)
    try:
        load(path, "--replace")
    finally:
        signals.pre_delete.disconnect(receiver, sender=Passenger)

    assert sorted(deleted) == ["AB12CD-1", "QX7K2M-1", "QX7K2M-2"]
    assert_loaded(scenario_document)


def test_replace_reports_rows_the_database_will_not_delete(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(write_scenario(scenario_document))
    load(path)
    before = row_counts()
    # Airlines before the flights that protect them: as if another app protected the airlines.
    monkeypatch.setattr(loader, "SCENARIO_MODELS", (Airline, *loader.SCENARIO_MODELS))

    problems = refuse(path, "--replace")

    assert problems == [
        "(document): the earlier scenarios cannot be replaced: Cannot delete some instances of model 'Airline' "
        "because they are referenced through protected foreign keys: 'Flight.carrier'."
    ]
    assert row_counts() == before


def test_a_clash_the_checks_miss_is_reported_not_raised(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(write_scenario(scenario_document))
    load(path)
    before = row_counts()
    # As if another process had loaded the same codes between the check and the inserts.
    monkeypatch.setattr(loader, "find_conflicts", lambda scenario: [])

    problems = refuse(path)

    assert len(problems) == 1
    assert problems[0].startswith("(document): the database refused the scenario: duplicate key value")
    assert row_counts() == before


def test_rebase_moves_the_scenario_to_the_given_date(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    load(str(write_scenario(scenario_document)), "--rebase", "2027-06-01")

    nv117 = Flight.objects.get(carrier="NV", number="117")
    assert nv117.service_date == dt.date(2027, 6, 1)
    # 08:25 London time, now summer time.
    assert nv117.scheduled_departure == dt.datetime(2027, 6, 1, 7, 25, tzinfo=UTC)
    assert set(RoomNight.objects.filter(hotel__code="WAW-H1").values_list("night", flat=True)) == {
        dt.date(2027, 6, 1),
        dt.date(2027, 6, 2),
    }
    assert Segment.objects.filter(flight=nv117).count() == 2


def test_rebase_today_starts_the_scenario_today(contract_dir: Path) -> None:
    load(str(contract_dir / "demo.json"), "--rebase", "today")

    first = Flight.objects.order_by("service_date").first()
    assert first is not None
    assert first.service_date == timezone.localdate()
    assert all(f.local_departure().date() == f.service_date for f in Flight.objects.select_related("origin"))


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "26-11-25"])
def test_a_bad_rebase_date_is_refused(value: str, contract_dir: Path) -> None:
    with pytest.raises(CommandError, match=f"'{value}' is not a date \\(YYYY-MM-DD\\) nor 'today'"):
        call_command("load_scenario", str(contract_dir / "demo.json"), "--rebase", value)
    assert set(row_counts().values()) == {0}


def test_the_help_states_the_contracts_behaviour(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        ManagementUtility(["manage.py", "load_scenario", "--help"]).execute()

    text = " ".join(capsys.readouterr().out.split())
    assert "usage: manage.py load_scenario [-h] [--replace] [--rebase DATE]" in text
    for phrase in (
        "load it in one transaction: all or nothing",
        "A bad file exits non-zero with every problem listed (JSON pointer + message) and changes nothing",
        "ISO 3166-1 alpha-2 codes, or XK for Kosovo",
        "Shows progress on large files",
        "--replace first remove the data of earlier scenarios",
    ):
        assert phrase in text


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    problems = refuse(str(tmp_path / "missing.json"))

    assert problems[0].startswith(f"(document): cannot read {tmp_path / 'missing.json'}: ")


def test_other_databases_load_through_bulk_create(
    scenario_document: dict[str, Any], write_scenario: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # COPY is PostgreSQL's; any other database gets the same rows through bulk_create.
    monkeypatch.setattr(connection, "vendor", "sqlite")

    load(str(write_scenario(scenario_document)))

    assert_loaded(scenario_document)
    assert Passenger.objects.get(ref="QX7K2M-1").assistance == ["WCHR"]
    assert list(Segment.objects.filter(booking__locator="AB12CD").values_list("position", "cabin", "status")) == [
        (1, "J", "active")
    ]
