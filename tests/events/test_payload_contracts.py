"""Typed payloads: a field a model lacks is caught before a worker runs, and a malformed payload is poison."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from events.contracts import EventFacts, InvalidPayload, decode
from events.models import Delivery, Event
from events.registry import subscriber
from events.runner import run_delivery
from events.services import publish
from flights.payloads import FlightCancelled, FlightDelayed
from tests.support.subscribers import Item, Nested

ROOT = Path(settings.BASE_DIR)


def _mypy(*files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *files], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_subscribers_and_services_type_check_against_their_payload_models() -> None:
    result = _mypy()  # the files named in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_subscriber_reading_a_field_its_model_lacks_fails_type_checking(tmp_path: Path) -> None:
    bad = ROOT / "var" / "mypy-probe" / "bad_subscriber.py"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(
        "from events.contracts import EventFacts\n"
        "from flights.payloads import FlightCancelled\n\n\n"
        "def handler(payload: FlightCancelled, event: EventFacts) -> dict[str, int]:\n"
        "    return {'minutes': payload.delay_minutes}\n"
    )
    result = _mypy(str(bad.relative_to(ROOT)))
    assert result.returncode == 1
    assert '"FlightCancelled" has no attribute "delay_minutes"' in result.stdout


def test_a_handler_registered_for_a_model_its_payload_parameter_does_not_accept_fails_at_import() -> None:
    def tell(payload: FlightDelayed, event: EventFacts) -> None:
        return None

    with pytest.raises(TypeError, match="registered for FlightCancelled but its payload is"):
        subscriber("test-mismatch", on=[FlightDelayed, FlightCancelled], queue="notifications")(tell)


def test_a_model_refuses_a_field_it_does_not_declare_and_a_value_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        Item(name="tea", quantity=1, colour="green")
    with pytest.raises(ValueError, match="valid integer"):
        Item(name="tea", quantity="1")


def test_decoding_lists_every_problem_with_its_path() -> None:
    with pytest.raises(InvalidPayload) as refused:
        decode("test.nested", 1, {"items": [{"name": "tea", "quantity": "2"}, {"quantity": 1}]})
    assert "items/0/quantity" in str(refused.value) and "items/1/name" in str(refused.value)
    with pytest.raises(InvalidPayload, match="only v1 is understood"):
        decode("test.nested", 2, {"items": []})


@pytest.mark.django_db
def test_a_malformed_nested_payload_makes_the_delivery_dead_on_its_first_attempt() -> None:
    with transaction.atomic():
        event = publish(Nested(items=[Item(name="tea", quantity=2)]))
    # A publisher on another version, or a hand-edited row: the nested part no longer matches the model.
    Event.objects.filter(id=event.id).update(payload={"items": [{"name": "tea", "quantity": "two"}]})
    delivery = Delivery.objects.get(event=event, subscriber="test-recorder")
    assert run_delivery(delivery.id) == "dead"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "items/0/quantity" in delivery.last_error and "valid integer" in delivery.last_error
