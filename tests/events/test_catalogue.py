"""The event catalogue is generated from the payload models and the registry, and event type names live in one
place."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from events.catalogue import BEGIN, END, asyncapi, markdown, project_models, stale, with_catalogue
from events.registry import all_subscriptions
from events.types import EventType

ROOT = Path(settings.BASE_DIR)
#: Where an event type's name may be written: the enum itself (the test suite, outside the scan, uses names as
#: inputs).
ALLOWED = {ROOT / "events" / "types.py"}
SKIPPED_DIRS = {".venv", "var", "tests", "migrations", "node_modules", "__pycache__"}


def test_the_generated_documents_are_current() -> None:
    assert stale(ROOT / "docs") == [], "run `manage.py event_catalogue` and commit docs/events.md, docs/asyncapi.json"


def test_a_stale_catalogue_is_reported_and_the_command_fails_on_it(tmp_path: Path, settings) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = (ROOT / "docs" / "events.md").read_text()
    (docs / "events.md").write_text(page.replace("| `rebooking` | `rebooking` |", "| `rebooking` | `elsewhere` |"))
    (docs / "asyncapi.json").write_text((ROOT / "docs" / "asyncapi.json").read_text())
    assert stale(docs) == [str(docs / "events.md")]
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError, match="stale"):
        call_command("event_catalogue", "--check")
    call_command("event_catalogue")
    assert stale(docs) == []


def test_every_project_event_type_has_a_model_section_and_a_channel() -> None:
    text = markdown()
    document = asyncapi()
    assert {model.event_type for model in project_models()} == set(EventType)
    for event_type in EventType:
        assert f"## `{event_type}`" in text
    assert {channel["address"] for channel in document["channels"].values()} == set(EventType)


def test_every_subscription_of_the_apps_is_a_row_and_a_receive_operation() -> None:
    text = markdown()
    operations = asyncapi()["operations"].values()
    received = {
        (op["channel"]["$ref"], op["x-subscriber"], op["x-queue"]) for op in operations if op["action"] == "receive"
    }
    for sub in all_subscriptions():
        if sub.handler.__module__.startswith("tests."):
            continue
        section = text.split(f"## `{sub.event_type}`", 1)[1].split("\n## ", 1)[0]
        assert f"| `{sub.subscriber}` | `{sub.queue}` |" in section
        channel = f"#/channels/{sub.payload_model.__name__}"
        assert (channel, sub.subscriber, sub.queue) in received


def test_the_asyncapi_document_is_version_3_and_its_references_resolve() -> None:
    document = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    assert document["asyncapi"].startswith("3.")
    refs = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(value for key, value in node.items() if key == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs
    for ref in refs:
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]  # a KeyError is a dangling reference


def test_the_markers_are_required() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_catalogue("# Event catalogue\n")
    assert with_catalogue(f"intro\n{BEGIN}\nold\n{END}\noutro\n") == f"intro\n{markdown()}outro\n"


def _project_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts) and path not in ALLOWED
    ]


def _raw_event_types(path: Path, root: Path = ROOT) -> list[str]:
    """Every string constant in ``path`` that is exactly an event type's name."""
    names = {str(event_type) for event_type in EventType}
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(root)}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
    ]


def test_no_event_type_name_is_written_outside_the_enum() -> None:
    files = _project_files()
    assert len(files) > 100  # the scan sees the project
    found = [hit for path in files for hit in _raw_event_types(path)]
    assert found == [], "use events.types.EventType instead of: " + ", ".join(found)


def test_the_scan_finds_a_raw_event_type(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text('KIND = "flight.delayed"\nOK = "flight.delayed is not a name"\n')
    assert _raw_event_types(module, tmp_path) == ["example.py:1 'flight.delayed'"]
