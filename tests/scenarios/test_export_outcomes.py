"""``export_outcomes`` writes an outcome document that the contract's schema accepts."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from events.runner import run_delivery
from flights.services import cancel_flight, delay_flight
from tests.factories import FlightFactory

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
    assert set(document) == set(schema["required"])  # every section, nothing else


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
