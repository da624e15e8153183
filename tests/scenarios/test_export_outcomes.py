"""``export_outcomes`` writes an outcome document that the contract's schema accepts."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from jsonschema import Draft202012Validator

from airline import clock
from events.models import Event
from events.runner import run_delivery
from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from passengers.models import Booking
from rebooking.choices import refund
from tests.factories import BookingFactory, FlightFactory, PassengerFactory, SegmentFactory
from tests.support.flows import run_flow
from tests.support.scenarios import load_network, scenario_booking, scenario_flight

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(contract_dir: Path) -> dict[str, Any]:
    return json.loads((contract_dir / "outcomes.schema.json").read_text(encoding="utf-8"))


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_outcomes", *args, stdout=out)
    return out.getvalue()


def assert_valid(document: dict[str, Any], schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(document)
    assert set(document) == set(schema["required"]) | {"duties"}  # every section, nothing else


def test_stdout_document_is_valid(schema: dict[str, Any]) -> None:
    document = json.loads(export())

    assert_valid(document, schema)
    assert document["format"] == "airline-disruption-outcomes/1"
    assert all(document[name] == [] for name in schema["required"] if name != "format")


def test_output_file_is_valid_and_replaces_the_old_one(tmp_path: Path, schema: dict[str, Any]) -> None:
    path = tmp_path / "outcomes.json"
    path.write_text("stale", encoding="utf-8")

    output = export("--output", str(path))

    assert_valid(json.loads(path.read_text(encoding="utf-8")), schema)
    assert path.read_text(encoding="utf-8").startswith('{\n  "format"')  # indent 2
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    assert "{" not in output


def test_output_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot write"):
        export("--output", str(tmp_path / "missing" / "outcomes.json"))


def test_disruptions_list_every_flow_with_its_deliveries_and_status(schema: dict[str, Any]) -> None:
    delayed = delay_flight(flight=FlightFactory(number="117"), delay_minutes=300, reason="TECH")
    cancelled = cancel_flight(flight=FlightFactory(number="118"), reason="WX")
    for delivery in delayed.deliveries.all():
        run_delivery(delivery.id)
    Event.objects.filter(id=delayed.id).update(occurred_at=dt.datetime(2026, 11, 25, 6, 2, 11, tzinfo=dt.UTC))
    Event.objects.filter(id=cancelled.id).update(occurred_at=dt.datetime(2026, 11, 25, 7, 30, 0, 125000, tzinfo=dt.UTC))

    document = json.loads(export())
    assert_valid(document, schema)
    by_id = {d["event_id"]: d for d in document["disruptions"]}
    first, second = by_id[str(delayed.id)], by_id[str(cancelled.id)]
    assert (first["type"], first["flight"], first["delay_minutes"], first["reason"], first["status"]) == (
        "flight.delayed", "NV117/2026-11-25", 300, "TECH", "completed",
    )  # fmt: skip
    assert {d["subscriber"] for d in first["deliveries"]} >= {"rebooking", "vouchers", "lodging", "partners"}
    assert all(d["status"] == "done" and d["attempts"] == 1 for d in first["deliveries"])
    assert (second["type"], second["delay_minutes"], second["reason"], second["status"]) == (
        "flight.cancelled", None, "WX", "in_progress",
    )  # fmt: skip
    assert all(d["status"] == "pending" and d["attempts"] == 0 for d in second["deliveries"])
    assert [d["occurred_at"] for d in document["disruptions"]] == [
        "2026-11-25T06:02:11+00:00",
        "2026-11-25T07:30:00.125000+00:00",
    ]


def test_a_refund_that_needed_no_rebooking_is_listed_with_an_empty_new_journey(schema: dict[str, Any]) -> None:
    flight = FlightFactory(number="117", booked_y=2)
    booking = BookingFactory(locator="RF0001")
    for ref in ("RF0001-1", "RF0001-2"):
        PassengerFactory(booking=booking, ref=ref)
    SegmentFactory(booking=booking, flight=flight)
    delay_flight(flight=flight, delay_minutes=300, reason="TECH")
    refund(booking_id=booking.id)  # a point-to-point passenger: rebooking had nothing to do for them

    document = json.loads(export())

    assert_valid(document, schema)
    assert document["reaccommodations"] == [
        {"locator": "RF0001", "passenger": ref, "disrupted": "NV117/2026-11-25", "old": ["NV117/2026-11-25"],
         "new": [], "cabins": [], "status": "refunded", "arrival_delay_minutes": None}
        for ref in ("RF0001-1", "RF0001-2")
    ]  # fmt: skip


def _two_strandings(tmp_path: Path) -> tuple[Flight, Flight]:
    """NV1 and NV2 LHR→CDG, each the only way to its CDG→JFK connection, with no hotel at CDG: a long delay of
    either owes its two passengers everything (vouchers, rooms, reaccommodation, compensation, messages)."""
    load_network(
        [
            scenario_flight("1", "LHR", "CDG", "18:00", "19:15"),
            scenario_flight("100", "CDG", "JFK", "20:30", "23:59"),
            scenario_flight("2", "LHR", "CDG", "18:10", "19:25"),
            scenario_flight("200", "CDG", "JFK", "20:40", "23:59"),
        ],
        [
            scenario_booking("REAL01", [("1", "Y"), ("100", "Y")], size=2, email="real@example.org"),
            scenario_booking("DRILL1", [("2", "Y"), ("200", "Y")], size=2, email="drill@example.org"),
        ],
        tmp_path,
    )
    return Flight.objects.get(number="1"), Flight.objects.get(number="2")


def test_a_drill_s_disruption_and_every_row_of_its_flow_are_exported_only_when_asked(
    tmp_path: Path, schema: dict[str, Any]
) -> None:
    real_flight, drill_flight = _two_strandings(tmp_path)
    real = delay_flight(flight=real_flight, delay_minutes=300, reason="TECH")
    run_flow(real)
    real_only = json.loads(export())
    drill = delay_flight(flight=drill_flight, delay_minutes=300, reason="TECH", drill=True)
    run_flow(drill)

    assert json.loads(export()) == real_only, "nothing of the drill by default"
    everything = json.loads(export("--include-drills"))
    assert_valid(real_only, schema)
    assert_valid(everything, schema)
    assert [d["event_id"] for d in everything["disruptions"]] == [str(real.id), str(drill.id)]
    for section in set(schema["required"]) - {"format", "disruptions", "partner_messages"} | {"duties"}:
        assert len(everything[section]) > len(real_only[section]) > 0, section


def test_a_row_a_drill_and_a_real_disruption_may_share_is_exported_as_real(tmp_path: Path) -> None:
    _real_flight, drill_flight = _two_strandings(tmp_path)
    run_flow(delay_flight(flight=drill_flight, delay_minutes=300, reason="TECH", drill=True))
    assert json.loads(export())["meal_vouchers"] == []
    delay_flight(flight=drill_flight, delay_minutes=360, reason="TECH")  # real, on the flight the drill delayed
    vouchers = json.loads(export())["meal_vouchers"]
    assert {(v["passenger"], v["flight"]) for v in vouchers} == {("DRILL1-1", "NV2/2026-11-25"),
                                                                 ("DRILL1-2", "NV2/2026-11-25")}  # fmt: skip


def test_a_demo_run_exports_a_document_the_contract_accepts(schema: dict[str, Any], contract_dir: Path) -> None:
    # Tomorrow: rebooking offers no flight that has already left.
    day = timezone.localdate() + dt.timedelta(days=1)
    call_command("load_scenario", str(contract_dir / "demo.json"), "--rebase", day.isoformat(), stdout=StringIO())
    started = clock.now()
    # A morning inbound from Hamburg late enough to break connections, partners' included (EU261); a cancelled
    # London departure (UK261); an evening departure delayed past midnight (hotel rooms at the origin).
    disruptions = [
        delay_flight(flight=_demo_flight("NV135", day), delay_minutes=300, reason="TECH"),
        cancel_flight(flight=_demo_flight("NV126", day), reason="CREW"),
        delay_flight(flight=_demo_flight("NV165", day), delay_minutes=300, reason="WX"),
    ]
    for root in disruptions:
        run_flow(root)
    # A passenger flying NV165 alone, with no reaccommodation case, refunded (counted over all their segments).
    point_to_point = (
        Booking.objects.annotate(legs=Count("segments"))
        .filter(legs=1, segments__flight=_demo_flight("NV165", day))
        .first()
    )
    refunded_case = refund(booking_id=point_to_point.id)
    run_flow(Event.objects.get(id=refunded_case.event.root_id))  # the refund's own event and its subscribers
    finished = clock.now()

    document = json.loads(export())

    assert_valid(document, schema)
    assert [(d["type"], d["flight"], d["status"]) for d in document["disruptions"]] == [
        ("flight.delayed", f"NV135/{day}", "completed"),
        ("flight.cancelled", f"NV126/{day}", "completed"),
        ("flight.delayed", f"NV165/{day}", "completed"),
    ]
    for disruption in document["disruptions"]:
        occurred_at = dt.datetime.fromisoformat(disruption["occurred_at"])
        assert occurred_at.utcoffset() is not None and started <= occurred_at <= finished
    assert {r["disrupted"] for r in document["reaccommodations"]} == {f"NV135/{day}", f"NV126/{day}", f"NV165/{day}"}
    refunded = [r for r in document["reaccommodations"] if r["locator"] == point_to_point.locator]
    assert refunded and all((r["status"], r["new"]) == ("refunded", []) for r in refunded)
    sections = ("meal_vouchers", "hotel_stays", "compensation", "partner_messages", "passenger_messages", "duties")
    for section in sections:
        assert document[section], f"a demo run fills {section}"
    assert {d["business_status"] for d in document["disruptions"]} <= {"handled", "needs_action"}
    assert {m["kind"] for m in document["passenger_messages"]} >= {"delay", "cancellation", "rights_notice"}
    assert {c["regime"] for c in document["compensation"]} <= {"EU261", "UK261"}
    assert {v["currency"] for v in document["meal_vouchers"]} == {"GBP", "EUR"}, "UK261 and EU261 departures"


def _demo_flight(designator: str, day: dt.date) -> Flight:
    return Flight.objects.get(carrier=designator[:2], number=designator[2:], service_date=day)
